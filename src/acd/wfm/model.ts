import { MaxAgents, MaxTrafficErlangs, WfmInputError } from './errors.js';

/** What the queue is offered: arrivals per second and the mean handle time (talk + hold + wrap-up). */
export interface Offered {
  /** Calls per second (Poisson). */
  arrivalRate: number;
  /** Mean handle time in seconds (exponential). */
  ahtSeconds: number;
}

/** Offered load in Erlangs: arrival rate × mean handle time. */
export const trafficOf = (o: Offered): number => o.arrivalRate * o.ahtSeconds;

/** `calls` offered in an interval of `intervalSeconds` (720 calls in 3600 s = 0.2 calls/s). */
export function offeredFrom(calls: number, intervalSeconds: number, ahtSeconds: number): Offered {
  return checkOffered({ arrivalRate: calls / intervalSeconds, ahtSeconds });
}

export function checkOffered(o: Offered): Offered {
  if (!(o.ahtSeconds > 0) || !Number.isFinite(o.ahtSeconds))
    throw new WfmInputError('aht_seconds', 'must be a finite number > 0');
  if (!(o.arrivalRate >= 0) || !Number.isFinite(o.arrivalRate))
    throw new WfmInputError('calls', 'the arrival rate must be a finite number ≥ 0');
  if (trafficOf(o) > MaxTrafficErlangs)
    throw new WfmInputError('calls', `offered load must be at most ${MaxTrafficErlangs} Erlangs`);
  return o;
}

export function checkAgents(n: number, path = 'agents'): number {
  if (!Number.isInteger(n) || n < 1) throw new WfmInputError(path, 'must be a whole number ≥ 1');
  if (n > MaxAgents) throw new WfmInputError(path, `must be at most ${MaxAgents}`);
  return n;
}

export function checkThreshold(t: number, path = 'threshold_seconds'): number {
  if (!(t >= 0) || !Number.isFinite(t)) throw new WfmInputError(path, 'must be a finite number ≥ 0');
  return t;
}

export function checkPatience(p: number, path = 'patience_seconds'): number {
  if (!(p > 0)) throw new WfmInputError(path, 'must be > 0 (mean time callers wait before hanging up)');
  return p;
}
