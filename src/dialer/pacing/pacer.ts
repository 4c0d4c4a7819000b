import { atGrid, talkEndsWithin, type CompiledTraffic } from './traffic.js';
import type {
  AbandonSnapshot,
  AgentsSnapshot,
  CallsSnapshot,
  PacingDecision,
  PacingInput,
  PacingLimits,
  PredictiveSettings,
} from './types.js';

/**
 * How many calls to place now. A pure function: the runtime calls it every tick (200–500 ms) and
 * on events (an agent became ready, a call resolved), places `calls` calls and logs `reason` and
 * `detail`. See docs/pacing.md for the model and why it stays under the cap.
 */

/** Tuned on bench seeds 1000–1029 (never on the reported seeds 1–30). */
export const DefaultPredictiveSettings: Readonly<PredictiveSettings> = Object.freeze({
  targetFractionOfCap: 0.72,
  baseRisk: 0.009,
  debtGain: 0.5,
  minRisk: 0.0005,
  maxRisk: 0.05,
  minResolvedDials: 30,
  spikeRate: 0.25,
  spikeMinAbandons: 3,
});

/** Seconds a live answer may wait for an agent (US TSR and UK Ofcom: 2 s). */
export const DefaultPatienceS = 2;
/** Calls in flight per logged-in agent that the pacer never exceeds, whatever the model says. */
export const MaxInFlightPerAgent = 8;
export const DefaultMaxPerDecision = 100;

export function decidePacing(input: PacingInput): PacingDecision {
  const { agents, calls, abandon } = input;
  const inFlight = calls.inFlightAgeS.length;
  const limits = resolveLimits(input);
  const progressiveCalls = Math.max(0, agents.ready - inFlight - calls.waitingLive);
  const windowRate =
    abandon.window.liveAnswers > 0 ? abandon.window.abandons / abandon.window.liveAnswers : null;
  const detail = {
    progressiveCalls,
    modelCalls: null,
    threshold: null,
    marginalRisk: null,
    windowRate,
    expectedLiveInFlight: 0,
  } satisfies PacingDecision['detail'];
  const room = Math.max(0, Math.min(limits.maxPerDecision, limits.maxInFlight - inFlight));
  const clamp = (n: number) => Math.max(0, Math.min(room, Math.floor(n)));

  switch (input.mode) {
    case 'preview':
      return { calls: 0, reason: 'preview', detail };
    case 'agentless': {
      const lines = limits.agentlessLines ?? 0;
      return {
        calls: clamp(lines - inFlight - (calls.answeredHoldingLines ?? 0)),
        reason: 'agentless',
        detail,
      };
    }
    case 'progressive':
      return {
        calls: clamp(progressiveCalls),
        reason: agents.loggedIn > 0 ? 'progressive' : 'no_agents',
        detail,
      };
    case 'predictive':
      break;
  }
  if (agents.loggedIn <= 0) return { calls: 0, reason: 'no_agents', detail };
  const s: PredictiveSettings = { ...DefaultPredictiveSettings, ...input.settings };
  const t = input.traffic;
  if (overCap(abandon)) return { calls: clamp(progressiveCalls), reason: 'over_cap', detail };
  if (t.resolvedDials < s.minResolvedDials || t.share.live <= 0)
    return { calls: clamp(progressiveCalls), reason: 'warming_up', detail };

  const threshold = riskThreshold(abandon, s);
  const model = modelCalls(agents, calls, t, threshold, abandon.patienceS ?? DefaultPatienceS, room);
  const predictive = Math.max(progressiveCalls, model.calls);
  const full = {
    ...detail,
    modelCalls: model.calls,
    threshold,
    marginalRisk: model.marginalRisk,
    expectedLiveInFlight: model.expectedLive,
  };
  const m = abandon.lastMinute;
  if (m.abandons >= s.spikeMinAbandons && m.abandons > s.spikeRate * m.liveAnswers) {
    const cut = progressiveCalls + Math.floor((predictive - progressiveCalls) / 2);
    return { calls: clamp(cut), reason: 'spike_brake', detail: full };
  }
  return { calls: clamp(predictive), reason: 'predictive', detail: full };
}

/** Strictly over the cap (an abandon before any live answer counts as over). */
export function overCap(a: AbandonSnapshot): boolean {
  return a.window.abandons > a.cap * a.window.liveAnswers;
}

/**
 * The risk a new call may carry (the chance that, answered live, it finds no agent in time) falls
 * with the window's abandon debt: abandons above the target rate, in standard deviations of a
 * binomial at that rate. On target it is `baseRisk`; ahead of target the pacer dials harder (up to
 * `maxRisk`), behind it more carefully (down to `minRisk`).
 */
export function riskThreshold(a: AbandonSnapshot, s: PredictiveSettings): number {
  const target = a.cap * s.targetFractionOfCap;
  const expected = target * a.window.liveAnswers;
  const debt = (a.window.abandons - expected) / Math.sqrt(expected + 4);
  return Math.min(s.maxRisk, Math.max(s.minRisk, s.baseRisk * Math.exp(-s.debtGain * debt)));
}

function resolveLimits(input: PacingInput): PacingLimits {
  const l = input.limits ?? {};
  return {
    maxInFlight: Math.min(
      l.maxInFlight ?? Infinity,
      Math.max(0, input.agents.loggedIn) * MaxInFlightPerAgent,
    ),
    maxPerDecision: l.maxPerDecision ?? DefaultMaxPerDecision,
    agentlessLines: l.agentlessLines,
  };
}

/**
 * The largest k such that each of the k new calls, should it be answered live, would find an agent
 * within the patience with probability at least 1 − `threshold`. For a call answered at horizon τ
 * (distributed as the observed live ring times) the risk is the chance that live answers use up the
 * agents free by τ′ + patience at τ or any later τ′: live answers from calls in flight (each call's
 * chance of turning live by τ given it is unresolved at its age), the other new calls and callers
 * already waiting (normal approximation); agents ready now and wrap-ups ending (certain) and talks
 * ending (observed talk-time survival; a Poisson count).
 */
function modelCalls(
  agents: AgentsSnapshot,
  calls: CallsSnapshot,
  t: CompiledTraffic,
  threshold: number,
  patienceS: number,
  room: number,
): { calls: number; marginalRisk: number; expectedLive: number } {
  const lastS = liveHorizonS(t);
  const n = Math.max(1, Math.ceil(lastS / HorizonStepS));
  const supply = new Float64Array(n).fill(agents.ready);
  const demand = new Float64Array(n).fill(calls.waitingLive);
  const variance = new Float64Array(n).fill(MinVariance);
  const q = new Float64Array(n);
  const weight = new Float64Array(n);
  let prev = 0;
  for (let j = 0; j < n; j++) {
    q[j] = atGrid(t.liveBy, horizonS(j));
    weight[j] = (q[j]! - prev) / t.share.live;
    prev = q[j]!;
  }
  for (const w of agents.wrapUpRemainingS) {
    // Ready by τ + patience from the first horizon with τ ≥ w − patience.
    const from = Math.max(0, Math.ceil((w - patienceS) / HorizonStepS - 1e-9) - 1);
    for (let j = from; j < n; j++) supply[j]! += 1;
  }
  // Agents freed by talks ending: a sum of small chances, counted as a Poisson number (a normal
  // approximation would put weight below zero and see risk where a ready agent is certain).
  const talkMean = new Float64Array(n);
  const firstTalk = Math.max(0, Math.floor((t.wrapUpMeanS - patienceS) / HorizonStepS));
  if (firstTalk < n)
    for (const e of agents.talkElapsedS) {
      for (let j = firstTalk; j < n; j++)
        talkMean[j]! += talkEndsWithin(t, e, horizonS(j) + patienceS - t.wrapUpMeanS);
    }
  const pmf = new Float64Array(n * (MaxTalkEnds + 1));
  for (let j = 0; j < n; j++) {
    const mu = talkMean[j]!;
    let pt = Math.exp(-mu);
    for (let k = 0; k <= MaxTalkEnds; k++) {
      pmf[j * (MaxTalkEnds + 1) + k] = pt;
      pt = (pt * mu) / (k + 1);
    }
  }
  for (const age of calls.inFlightAgeS) {
    const u = atGrid(t.unresolved, age);
    if (u <= 1e-9) continue;
    const base = atGrid(t.liveBy, age);
    for (let j = 0; j < n; j++) {
      const p = Math.min(1, Math.max(0, (atGrid(t.liveBy, age + horizonS(j)) - base) / u));
      demand[j]! += p;
      variance[j]! += p * (1 - p);
    }
  }
  const expectedLive = demand[n - 1]! - calls.waitingLive;
  /** P(live answers by horizon j, `m` new calls included, use up every agent free by then). */
  const shortfall = (j: number, m: number): number => {
    const qj = q[j]!;
    const excess = demand[j]! + m * qj - supply[j]! + 0.5;
    const sd = Math.sqrt(variance[j]! + m * qj * (1 - qj));
    let r = 0;
    for (let k = 0; k <= MaxTalkEnds; k++) {
      const c = normalCdf((excess - k) / sd);
      r += pmf[j * (MaxTalkEnds + 1) + k]! * c;
      if (c < 1e-9) break;
    }
    return r;
  };
  /** Risk for one more call when `m` new calls are already placed. */
  const risk = (m: number): number => {
    // Walk back from the end of the horizon: a call answered at τ costs an abandon when the agents
    // run out at τ or at any later horizon (first come, first served: it takes an agent that a
    // later caller then misses), so each horizon's shortfall chance is the max over later ones.
    let r = 0;
    let later = 0;
    for (let j = n - 1; j >= 0; j--) {
      later = Math.max(later, shortfall(j, m));
      r += weight[j]! * later;
    }
    return r;
  };
  // Risk grows with m: find the first m whose risk is over the threshold.
  if (risk(0) > threshold) return { calls: 0, marginalRisk: risk(0), expectedLive };
  let lo = 0;
  let hi = Math.max(1, room);
  if (risk(hi - 1) <= threshold) return { calls: hi, marginalRisk: risk(hi - 1), expectedLive };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (risk(mid) <= threshold) lo = mid;
    else hi = mid;
  }
  return { calls: hi, marginalRisk: risk(hi - 1), expectedLive };
}

/** Horizons (s) at which supply and demand are compared. */
const HorizonStepS = 0.5;
const horizonS = (j: number) => (j + 1) * HorizonStepS;
/** Floor under every variance so a certain count still has a smooth risk. */
const MinVariance = 0.04;
/** Talks ending within the horizon counted exactly up to this many (the rest of the Poisson tail is negligible). */
const MaxTalkEnds = 24;

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * z);
  const poly =
    k * (0.254829592 + k * (-0.284496736 + k * (1.421413741 + k * (-1.453152027 + k * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** The age by which 99.9 % of live answers have come (≤ 60 s). */
function liveHorizonS(t: CompiledTraffic): number {
  const c = t.cdf.live;
  for (let i = 0; i < c.length; i++) if (c[i]! >= 0.999) return Math.max(1, i * 0.25);
  return 60;
}
