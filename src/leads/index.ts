/**
 * Leads for the outbound dialer: lists, CSV imports, E.164 numbers and their time zones, the
 * do-not-call lists and consent. Tables: migrations/20261123007000_leads.ts; docs: docs/leads.md.
 */
export {
  normalizeNumber,
  splitE164,
  timeZoneOfNumber,
  timeZonesOfNumber,
  type NormalizedNumber,
} from './numbers.js';
export { isTimeZone } from './zones.js';
export {
  checkDnc,
  recordOptOut,
  addToDnc,
  removeFromDnc,
  internalListId,
  snapshotAgeDays,
  type DncCheckOptions,
  type DncDecision,
  type OptOutMethod,
} from './dnc.js';
export {
  consentFor,
  addConsent,
  revokeConsent,
  ConsentScopes,
  type ConsentScope,
  type ConsentDecision,
  type ConsentInput,
} from './consent.js';
export { registerLeadRoutes, type LeadRoutesOptions } from './routes.js';
export {
  startLeadImportWorker,
  createLeadImportQueue,
  enqueueImport,
  importJobState,
  LeadImportQueueName,
  type LeadImportJob,
  type LeadImportWorker,
  type LeadImportWorkerOptions,
} from './queue.js';
export {
  runImport,
  ImportRefusedError,
  leadImportOptions,
  dncImportOptions,
  type ImportProgress,
  type ImportResult,
  type LeadImportOptions,
  type DncImportOptions,
} from './importer.js';
export {
  CsvParser,
  CsvFileError,
  Decoder,
  readCsvFile,
  scanCsvFile,
  type CsvRecord,
  type Encoding,
} from './csv.js';
export {
  resolveMapping,
  suggestMapping,
  toLead,
  parseDateTime,
  zonedTimeToUtc,
  LeadFields,
  type ColumnMapping,
} from './mapping.js';
export { createList, getList, listLists, startLeadImport, startDncImport } from './lists.js';
export { storeUpload, DefaultMaxUploadBytes } from './uploads.js';
