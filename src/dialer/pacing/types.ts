import type { CompiledTraffic } from './traffic.js';

/**
 * The pacer's contract with the dialer runtime. Everything the pacer needs arrives in one plain
 * object per call; nothing is read from a clock, Redis or a database, so the same input always gives
 * the same decision (the runtime can log the input beside the decision and replay it).
 */

/** How a campaign places calls. */
export type DialMode = 'preview' | 'progressive' | 'predictive' | 'agentless';

export interface AgentsSnapshot {
  /** Agents logged in to the campaign, paused ones included. */
  loggedIn: number;
  /** Agents ready now with no call on its way to them. */
  ready: number;
  /** One entry per agent in wrap-up: seconds until it becomes ready (best estimate; ≥ 0). */
  wrapUpRemainingS: readonly number[];
  /** One entry per agent talking to a lead: seconds since the call was connected to it. */
  talkElapsedS: readonly number[];
}

export interface CallsSnapshot {
  /**
   * One entry per outbound call of the campaign still in progress without a result: dialing,
   * ringing, or answered with answering-machine detection not finished. Seconds since it was placed.
   */
  inFlightAgeS: readonly number[];
  /** Live answers waiting for an agent right now (they abandon when none comes in time). */
  waitingLive: number;
  /** Agentless campaigns: answered calls still holding a line (message, press-1, survey). */
  answeredHoldingLines?: number;
}

/** Live answers and abandons counted over a period. */
export interface AbandonCounts {
  liveAnswers: number;
  abandons: number;
}

export interface AbandonSnapshot {
  /**
   * The jurisdiction's cap as a fraction of live answers (0.03 for the US TSR and UK Ofcom rules).
   * The runtime decides what counts: under the UK rule answering-machine false positives are
   * counted in `abandons` and in `liveAnswers`.
   */
  cap: number;
  /** Counts over the jurisdiction's window (US: 30 days per campaign; UK: the last 24 h). */
  window: AbandonCounts;
  /** Counts over the last 60 s, for the spike brake. */
  lastMinute: AbandonCounts;
  /** Seconds a live answer may wait for an agent before it is abandoned (default 2). */
  patienceS?: number;
}

/** Settings of the predictive controller; the defaults were tuned on bench seeds 1000+ only. */
export interface PredictiveSettings {
  /** The abandon rate aimed at, as a fraction of the cap (the cap itself is never aimed at). */
  targetFractionOfCap: number;
  /**
   * The chance a new call may have of finding no agent in time should it be answered live, when
   * the window is on target.
   */
  baseRisk: number;
  /** The risk is multiplied by e^(−debtGain × debt), debt = standardized abandons over target. */
  debtGain: number;
  /** Bounds of the risk. */
  minRisk: number;
  maxRisk: number;
  /** Resolved dials needed before predictive dialing starts (1:1 until then). */
  minResolvedDials: number;
  /** Spike brake: the last minute counts as a spike at this abandon share of its live answers… */
  spikeRate: number;
  /** …and at least this many abandons. */
  spikeMinAbandons: number;
}

export interface PacingLimits {
  /** Hard cap on calls in flight (dialing/ringing/in AMD) for the campaign. */
  maxInFlight: number;
  /** Hard cap on calls placed by one decision. */
  maxPerDecision: number;
  /** Agentless campaigns: channels (trunk lines, IVR ports) the campaign may hold at once. */
  agentlessLines?: number;
}

export interface PacingInput {
  mode: DialMode;
  agents: AgentsSnapshot;
  calls: CallsSnapshot;
  /** Observed traffic, compiled by `compileTraffic(stats.snapshot())` (recompile every second or so). */
  traffic: CompiledTraffic;
  abandon: AbandonSnapshot;
  limits?: Partial<PacingLimits>;
  settings?: Partial<PredictiveSettings>;
}

/** Why the decision is what it is; stable codes for logs and metrics. */
export type PacingReason =
  | 'preview' // agents dial themselves after seeing the lead
  | 'agentless' // lines free
  | 'progressive' // one call per ready agent without one
  | 'warming_up' // predictive, but too few resolved dials to trust the rates: 1:1
  | 'over_cap' // predictive, but the window is over the abandon cap: 1:1
  | 'spike_brake' // predictive with the level cut: the last minute's drops spiked
  | 'predictive'
  | 'no_agents';

export interface PacingDecision {
  /** Calls to place now (≥ 0). */
  calls: number;
  reason: PacingReason;
  /** Numbers behind the decision, for the log line. */
  detail: {
    /** Calls a 1:1 dialer would place now. */
    progressiveCalls: number;
    /** Calls the predictive model allowed before brakes and limits (null outside predictive). */
    modelCalls: number | null;
    /** The risk a call was allowed to carry. */
    threshold: number | null;
    /** The risk of the last call placed (or of the first refused when none was). */
    marginalRisk: number | null;
    /** Abandon rate over the window so far (null when no live answer yet). */
    windowRate: number | null;
    /** Expected live answers from calls already in flight. */
    expectedLiveInFlight: number;
  };
}
