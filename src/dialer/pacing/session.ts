import { decidePacing } from './pacer.js';
import { compileTraffic, TrafficStats, type CompiledTraffic } from './traffic.js';
import type { PacingDecision, PacingLimits, PredictiveSettings } from './types.js';

/**
 * The predictive pacer behind the dialer runtime's `Pacer` seam (src/dialer/ports.ts): it keeps
 * what `decidePacing` needs from the runtime's events (call ages, ring times, talk starts, live
 * answers and abandons of the last minute) and turns the runtime's per-tick counts into a
 * `PacingInput`. The types below mirror the runtime's structurally, so this file does not depend on
 * the runtime.
 *
 * Where the runtime gives less than the pure pacer can use, the session approximates, always on
 * the careful side: without a `callId` on events a result is matched to the oldest call in flight;
 * agents "soon free" are taken as ready in half the soon window; agents busy are taken as talking
 * (a wrap-up mistaken for a talk only hides supply); without `talkEnded` no talk is expected to
 * end within the horizon; the window's abandon count is the larger of the session's own count and
 * the runtime's rate applied to the session's live answers.
 */

/** The runtime's per-tick input (src/dialer/ports.ts `PacingInput`). */
export interface RuntimePacingInput {
  mode: 'progressive' | 'predictive';
  now: number;
  agentsReady: number;
  agentsSoonFree: number;
  agentsBusy: number;
  callsRinging: number;
  callsWaiting: number;
  abandonRate: number;
  abandonLimit: number;
  maxDialRatio: number;
}

export interface RuntimePacerEvent {
  type: 'dialed' | 'answered' | 'machine' | 'abandoned' | 'connected' | 'failed';
  /** Epoch ms (the runtime's clock). */
  at: number;
  /** The attempt's id: lets a result find its own call instead of the oldest one. */
  callId?: string;
}

export interface PacingSessionOptions {
  settings?: Partial<PredictiveSettings>;
  limits?: Partial<PacingLimits>;
  /** The window the runtime's `agentsSoonFree` covers (its `counts(…, soonMs)`), in seconds. */
  soonFreeS?: number;
  /** Default wrap-up until one is reported through `wrapUpEnded`. */
  wrapUpS?: number;
  /** A failed dial that took at least this long is counted as a ring-out (no answer). */
  ringOutS?: number;
  /** Seconds a live answer may wait for an agent. */
  patienceS?: number;
}

const RecompileEveryMs = 2000;

export class PacingSession {
  private readonly stats: TrafficStats;
  private traffic: CompiledTraffic;
  private compiledAt = -Infinity;
  private dirty = false;
  private readonly inFlight: { id?: string; at: number }[] = [];
  private readonly talkStarts: number[] = [];
  private readonly liveTimes: number[] = [];
  private readonly abandonTimes: number[] = [];
  private live = 0;
  private abandons = 0;
  /** The last decision, for the runtime's log line. */
  lastDecision: PacingDecision | null = null;

  constructor(private readonly o: PacingSessionOptions = {}) {
    this.stats = new TrafficStats(o.wrapUpS ?? 15);
    this.traffic = compileTraffic(this.stats.snapshot());
  }

  observe(e: RuntimePacerEvent): void {
    switch (e.type) {
      case 'dialed':
        this.inFlight.push({ id: e.callId, at: e.at });
        return;
      case 'answered':
      case 'machine':
      case 'failed': {
        const call = this.take(e.callId);
        const seconds = call ? Math.max(0, (e.at - call.at) / 1000) : null;
        if (e.type === 'answered') {
          this.live++;
          this.liveTimes.push(e.at);
        }
        if (seconds === null) return;
        const result =
          e.type === 'answered'
            ? 'live'
            : e.type === 'machine'
              ? 'machine'
              : seconds >= (this.o.ringOutS ?? 15)
                ? 'no_answer'
                : 'failed';
        this.stats.recordDial(result, seconds);
        this.dirty = true;
        return;
      }
      case 'connected':
        this.talkStarts.push(e.at);
        return;
      case 'abandoned':
        this.abandons++;
        this.abandonTimes.push(e.at);
        return;
    }
  }

  /** A talk with a lead ended after `seconds` (improves the soon-free estimate). */
  talkEnded(seconds: number): void {
    this.stats.recordTalk(seconds);
    this.talkStarts.shift();
    this.dirty = true;
  }

  wrapUpEnded(seconds: number): void {
    this.stats.recordWrapUp(seconds);
    this.dirty = true;
  }

  callsToPlace(i: RuntimePacingInput): number {
    const now = i.now;
    // The runtime's counts are the truth; our lists follow them (results we were not told about
    // took the oldest calls, new calls we missed are fresh).
    while (this.inFlight.length > i.callsRinging) this.inFlight.shift();
    while (this.inFlight.length < i.callsRinging) this.inFlight.push({ at: now });
    while (this.talkStarts.length > i.agentsBusy) this.talkStarts.shift();
    if (this.dirty && now - this.compiledAt >= RecompileEveryMs) {
      this.traffic = compileTraffic(this.stats.snapshot());
      this.compiledAt = now;
      this.dirty = false;
    }
    const talkElapsedS = this.talkStarts.map((t) => Math.max(0, (now - t) / 1000));
    while (talkElapsedS.length < i.agentsBusy) talkElapsedS.push(0);
    const soon = (this.o.soonFreeS ?? 5) / 2;
    const overCap = i.abandonRate >= i.abandonLimit && i.abandonRate > 0;
    const windowAbandons = overCap
      ? Math.floor(i.abandonLimit * this.live) + 1
      : Math.max(this.abandons, Math.round(i.abandonRate * this.live));
    const decision = decidePacing({
      mode: i.mode,
      agents: {
        loggedIn: i.agentsReady + i.agentsSoonFree + i.agentsBusy,
        ready: i.agentsReady,
        wrapUpRemainingS: Array.from({ length: i.agentsSoonFree }, () => soon),
        talkElapsedS,
      },
      calls: {
        inFlightAgeS: this.inFlight.map((c) => Math.max(0, (now - c.at) / 1000)),
        waitingLive: i.callsWaiting,
      },
      traffic: this.traffic,
      abandon: {
        cap: i.abandonLimit,
        window: { liveAnswers: this.live, abandons: windowAbandons },
        lastMinute: {
          liveAnswers: countSince(this.liveTimes, now - 60_000),
          abandons: countSince(this.abandonTimes, now - 60_000),
        },
        patienceS: this.o.patienceS,
      },
      limits: this.o.limits,
      settings: this.o.settings,
    });
    this.lastDecision = decision;
    return decision.calls;
  }

  private take(id: string | undefined): { id?: string; at: number } | undefined {
    if (id !== undefined) {
      const k = this.inFlight.findIndex((c) => c.id === id);
      if (k >= 0) return this.inFlight.splice(k, 1)[0];
    }
    return this.inFlight.shift();
  }
}

/** Counts timestamps after `from`, dropping older ones from the (time-ordered) list. */
function countSince(times: number[], from: number): number {
  let drop = 0;
  while (drop < times.length && times[drop]! <= from) drop++;
  if (drop > 0) times.splice(0, drop);
  return times.length;
}
