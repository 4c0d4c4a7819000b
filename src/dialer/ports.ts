import type { Knex } from 'knex';

/**
 * What the dialer runtime depends on besides ARI, Postgres and Redis, each a narrow seam:
 * the clock (virtual in simulations), the pacer (src/dialer/pacing), and the lead compliance
 * lookups (src/leads: DNC lists, consent, opt-outs).
 */

export interface TimerHandle {
  cancel(): void;
}

/** Wall clock of the dialer; the simulator's virtual clock satisfies it, so an hour runs in seconds. */
export interface DialerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const realClock: DialerClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

export function sleep(clock: DialerClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PacingInput {
  mode: 'progressive' | 'predictive';
  now: number;
  agentsLoggedIn: number;
  agentsReady: number;
  agentsSoonFree: number;
  agentsBusy: number;
  /** Per agent in wrap-up: seconds until ready again. */
  wrapUpRemainingS: number[];
  /** Per agent talking: seconds since connected. */
  talkElapsedS: number[];
  /** Calls placed and not yet answered or ended. */
  callsRinging: number;
  /** Per ringing call: seconds since it was placed. */
  inFlightAgeS: number[];
  /** Live answers waiting for an agent. */
  callsWaiting: number;
  /** Live answers and abandons over the campaign's rolling window so far. */
  window: { liveAnswers: number; abandons: number };
  abandonRate: number;
  abandonLimit: number;
  /** Seconds a live answer may wait for an agent. */
  patienceS: number;
  maxDialRatio: number;
}

export type PacingEvent =
  | { type: 'dialed'; at: number }
  | { type: 'resolved'; at: number; result: 'live' | 'machine' | 'failed' | 'no_answer'; seconds: number }
  | { type: 'abandoned'; at: number }
  | { type: 'connected'; at: number }
  | { type: 'talk'; at: number; seconds: number };

/** Calls to place now for one campaign. */
export interface Pacer {
  callsToPlace(input: PacingInput): number;
  /** Results as they happen, for adaptive pacers. */
  observe?(event: PacingEvent): void;
}

/** 1:1 — one call per ready agent, never more than agents free: cannot abandon unless an agent vanishes. */
export const progressivePacer: Pacer = {
  callsToPlace: (i) => Math.max(0, i.agentsReady - i.callsRinging - i.callsWaiting),
};

export interface DncResult {
  allowed: boolean;
  reason?: string;
  source?: string;
}
export interface ConsentResult {
  granted: boolean;
  source?: string;
  recordedAt?: string | Date;
  reason?: string;
}

/** The lookups src/leads provides (same signatures as src/leads/index.ts). */
export interface LeadCompliance {
  checkDnc(
    db: Knex,
    e164: string,
    options: { at: Date; campaignId?: string; maxNationalAgeDays?: number; jurisdiction?: string },
  ): Promise<DncResult>;
  consentFor(db: Knex, leadId: string, scope: string, at: Date): Promise<ConsentResult>;
  recordOptOut(
    db: Knex,
    e164: string,
    options: { campaignId?: string; callId?: string; method: 'keypress' | 'agent' | 'api' },
  ): Promise<unknown>;
}
