import { MaxAgents, WfmInputError } from './errors.js';

/** log(exp(x) + exp(y)) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/**
 * ln B(n, A) for n = 0, 1, 2, ...: Erlang B (blocking probability of n servers offered A Erlangs)
 * by the recursion 1/B(n) = 1 + (n/A)/B(n-1), carried in logs so that neither 1/B overflows nor B
 * underflows for thousands of agents. One table per traffic value, extended on demand.
 */
export class ErlangBTable {
  private readonly logInv: number[] = [0];
  private readonly logA: number;

  constructor(readonly traffic: number) {
    if (!(traffic >= 0) || !Number.isFinite(traffic))
      throw new WfmInputError('traffic', 'must be a finite number ≥ 0');
    this.logA = Math.log(traffic);
  }

  /** ln B(n, A). */
  logB(n: number): number {
    if (!Number.isInteger(n) || n < 0) throw new WfmInputError('agents', 'must be a whole number ≥ 0');
    if (n > MaxAgents) throw new WfmInputError('agents', `must be at most ${MaxAgents}`);
    if (this.traffic === 0) return n === 0 ? 0 : -Infinity;
    const t = this.logInv;
    for (let k = t.length; k <= n; k++) t.push(logAddExp(0, Math.log(k) - this.logA + t[k - 1]!));
    return -t[n]!;
  }

  b(n: number): number {
    return Math.exp(this.logB(n));
  }
}

/** Erlang B: the probability that a call offered A Erlangs finds all n servers busy (blocked). */
export function erlangB(agents: number, traffic: number): number {
  return new ErlangBTable(traffic).b(agents);
}
