import type { Call } from '../ari/index.js';
import type { AcdTimer } from './clock.js';
import type { QueueOutcome, QueueRequest } from './port.js';

/**
 * One caller's stay as the engine that holds the caller's channel sees it. Redis has the shared
 * part (place in line, state); this has the channel, timers and the promise `enter` returns.
 */
export interface Waiter {
  /** The caller's call id; a callback keeps the id of the call that asked for it. */
  id: string;
  kind: 'call' | 'callback';
  call: Call | undefined;
  queue: string;
  request: QueueRequest;
  phone: string | null;
  enteredAt: number;
  score: number;
  phase: 'waiting' | 'ringing' | 'connected' | 'deferred' | 'done';
  /** Agents rung this round without success (not rung again until everyone was tried). */
  tried: Set<string>;
  /** Not dispatched before (retry pause after a failed round, callback retry). */
  notBefore: number;
  /** Max wait passed while agents were ringing: leave when the ringing fails. */
  expired: boolean;
  /** Ringing legs by agent. */
  rings: Map<string, AbortController>;
  /** Stops the hold media (MOH, announcements, key listener). */
  media: AbortController;
  timers: AcdTimer[];
  attempts: number;
  resolve(outcome: QueueOutcome): void;
  settled: boolean;
}

export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
