export { AriConnection, type AriConnectionOptions } from './connection.js';
export * from './errors.js';
export type * from './model.js';
export { HangupCause } from './model.js';
export type * from './port.js';
export { planResync, inOurApp, type OrphanPolicy } from './resync.js';
export { callIdFor, isoTimestamp } from './ids.js';
