import { erlangAWith, type ErlangAResult } from './erlang-a.js';
import { ErlangBTable } from './erlang-b.js';
import { erlangCWith, type ErlangCResult } from './erlang-c.js';
import { MaxAgents, WfmInputError } from './errors.js';
import { checkOffered, checkPatience, checkThreshold, trafficOf, type Offered } from './model.js';

/** Which service-level definition a target is stated in (see ErlangAResult). */
export type SlBasis = 'offered' | 'answered' | 'short_abandons_excluded' | 'short_abandons_met';

/** What the staffing must achieve; every target given must hold. */
export interface StaffingTargets {
  /** e.g. { level: 0.8, thresholdSeconds: 20 } for 80/20. */
  serviceLevel?: { level: number; thresholdSeconds: number; basis?: SlBasis };
  /** Mean wait of answered callers at most this, seconds. */
  asaSeconds?: number;
  /** Erlang A only: at most this fraction of callers hang up (0.05 = 5%). */
  abandonRate?: number;
  /** Occupancy at most this (0.85), so agents are not burnt out by a lucky formula. */
  maxOccupancy?: number;
}

export type StaffingModel = { model: 'erlang_c' } | { model: 'erlang_a'; patienceSeconds: number };

export interface StaffingResult {
  agents: number;
  /** The measures at that agent count (service level at the target's threshold, or 20 s). */
  at: ErlangCResult | ErlangAResult;
  /** Which target decided the count. */
  binding: Array<'service_level' | 'asa' | 'abandon_rate' | 'max_occupancy'>;
}

export const DefaultThresholdSeconds = 20;

function slOf(r: ErlangCResult | ErlangAResult, basis: SlBasis): number {
  if (r.model === 'erlang_c') return r.serviceLevel;
  switch (basis) {
    case 'offered':
      return r.slOffered;
    case 'answered':
      return r.slAnswered;
    case 'short_abandons_excluded':
      return r.slShortAbandonsExcluded;
    case 'short_abandons_met':
      return r.slShortAbandonsMet;
  }
}

function checkTargets(t: StaffingTargets, model: StaffingModel['model']): void {
  const none =
    !t.serviceLevel && t.asaSeconds === undefined && t.abandonRate === undefined && !t.maxOccupancy;
  if (none) throw new WfmInputError('targets', 'give at least one target');
  if (t.serviceLevel) {
    const { level, thresholdSeconds } = t.serviceLevel;
    if (!(level > 0 && level < 1))
      throw new WfmInputError('targets.service_level.level', 'must be between 0 and 1 (0.8 = 80%)');
    checkThreshold(thresholdSeconds, 'targets.service_level.threshold_seconds');
  }
  if (t.asaSeconds !== undefined && !(t.asaSeconds > 0))
    throw new WfmInputError('targets.asa_seconds', 'must be > 0');
  if (t.abandonRate !== undefined) {
    if (model !== 'erlang_a')
      throw new WfmInputError(
        'targets.abandon_rate',
        'needs the erlang_a model (Erlang C callers never hang up)',
      );
    if (!(t.abandonRate > 0 && t.abandonRate < 1))
      throw new WfmInputError('targets.abandon_rate', 'must be between 0 and 1');
  }
  if (t.maxOccupancy !== undefined && !(t.maxOccupancy > 0 && t.maxOccupancy <= 1))
    throw new WfmInputError('targets.max_occupancy', 'must be in (0, 1]');
}

/**
 * The fewest agents meeting every target. Each measure is monotone in n (more agents never hurt
 * service; the tests check this), so the search gallops from the offered load, then bisects.
 */
export function requiredAgents(
  offered: Offered,
  model: StaffingModel,
  targets: StaffingTargets,
): StaffingResult {
  checkOffered(offered);
  if (model.model === 'erlang_a') checkPatience(model.patienceSeconds);
  checkTargets(targets, model.model);
  const A = trafficOf(offered);
  const table = new ErlangBTable(A);
  const T = targets.serviceLevel?.thresholdSeconds ?? DefaultThresholdSeconds;
  const basis = targets.serviceLevel?.basis ?? 'offered';
  const measure = (n: number) =>
    model.model === 'erlang_c'
      ? erlangCWith(table, offered, n, T)
      : erlangAWith(table, offered, n, model.patienceSeconds, T);
  const failing = (r: ErlangCResult | ErlangAResult) => {
    const out: StaffingResult['binding'] = [];
    if (targets.serviceLevel && slOf(r, basis) < targets.serviceLevel.level) out.push('service_level');
    if (targets.asaSeconds !== undefined && r.asaSeconds > targets.asaSeconds) out.push('asa');
    if (targets.abandonRate !== undefined && r.model === 'erlang_a' && r.pAbandon > targets.abandonRate)
      out.push('abandon_rate');
    if (targets.maxOccupancy !== undefined && r.occupancy > targets.maxOccupancy) out.push('max_occupancy');
    return out;
  };
  const ok = (n: number) => {
    try {
      return failing(measure(n)).length === 0;
    } catch (err) {
      // Far too few agents for very patient callers: a queue of millions, which meets no target.
      if (err instanceof WfmInputError && model.model === 'erlang_a') return false;
      throw err;
    }
  };

  if (A === 0) return { agents: 0, at: measure(1), binding: [] };
  // Agents carry at most n Erlangs, so at most n/A of the calls are answered: a share of calls
  // answered (within T, or at all) needs at least that share of A in agents. Below `least`, fail.
  let least = 1;
  if (model.model === 'erlang_c') least = Math.floor(A) + 1;
  else {
    if (targets.serviceLevel && basis === 'offered')
      least = Math.max(least, Math.floor(targets.serviceLevel.level * A));
    if (targets.abandonRate !== undefined) least = Math.max(least, Math.floor((1 - targets.abandonRate) * A));
  }
  if (least > MaxAgents) throw new WfmInputError('calls', `would need more than ${MaxAgents} agents`);
  // Gallop from the load itself (answers sit near it), down while the target holds, else up; then
  // bisect between the last count that fails (lo) and the first that holds (hi).
  let lo: number;
  let hi: number;
  const guess = Math.min(MaxAgents, Math.max(least, Math.ceil(A)));
  if (ok(guess)) {
    hi = guess;
    let step = 1;
    lo = hi - step;
    while (lo >= least && ok(lo)) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    lo = Math.max(lo, least - 1);
  } else {
    lo = guess;
    let step = 1;
    for (;;) {
      if (lo >= MaxAgents)
        throw new WfmInputError('targets', `cannot be met with ${MaxAgents} agents or fewer`);
      hi = Math.min(MaxAgents, lo + step);
      if (ok(hi)) break;
      lo = hi;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return { agents: hi, at: measure(hi), binding: hi - 1 >= least ? failing(measure(hi - 1)) : [] };
}
