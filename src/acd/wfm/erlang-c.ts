import { ErlangBTable } from './erlang-b.js';
import { WfmInputError } from './errors.js';
import { checkAgents, checkOffered, checkThreshold, trafficOf, type Offered } from './model.js';

/** Erlang C (M/M/n, callers never hang up) for one agent count. */
export interface ErlangCResult {
  model: 'erlang_c';
  agents: number;
  trafficErlangs: number;
  /** Probability that a caller waits at all (every agent busy on arrival). */
  pWait: number;
  /** Mean wait over every caller, in seconds (Erlang C: every caller is answered). */
  asaSeconds: number;
  /** Mean wait of the callers who wait, in seconds. */
  meanDelayOfDelayedSeconds: number;
  thresholdSeconds: number;
  /** Fraction of callers answered within the threshold (every caller is answered, so offered = answered). */
  serviceLevel: number;
  /** Mean fraction of time an agent is busy: traffic / agents. */
  occupancy: number;
  /** Mean number of callers waiting. */
  meanQueueLength: number;
}

/** Erlang C with a running Erlang B table, so searches over n cost one step per agent. */
export function erlangCWith(
  table: ErlangBTable,
  offered: Offered,
  agents: number,
  thresholdSeconds: number,
): ErlangCResult {
  const A = table.traffic;
  const n = agents;
  if (!(n > A))
    throw new WfmInputError(
      'agents',
      `Erlang C needs more agents than the offered load (${round(A)} Erlangs): with ${n} the queue grows without bound`,
    );
  const rho = A / n;
  // C(n, A) = ρB(n-1, A) / (1 - ρ + ρB(n-1, A)): no cancellation, B in [0, 1].
  const rb = A === 0 ? 0 : Math.exp(Math.log(rho) + table.logB(n - 1));
  const pWait = rb / (1 - rho + rb);
  const delayed = offered.ahtSeconds / (n - A);
  return {
    model: 'erlang_c',
    agents: n,
    trafficErlangs: A,
    pWait,
    asaSeconds: pWait * delayed,
    meanDelayOfDelayedSeconds: delayed,
    thresholdSeconds,
    serviceLevel: 1 - pWait * Math.exp(-thresholdSeconds / delayed),
    occupancy: rho,
    meanQueueLength: (pWait * A) / (n - A),
  };
}

export interface ErlangCInput extends Offered {
  agents: number;
  /** Service-level threshold T in seconds (answered within T). */
  thresholdSeconds: number;
}

export function erlangC(input: ErlangCInput): ErlangCResult {
  checkOffered(input);
  checkAgents(input.agents);
  checkThreshold(input.thresholdSeconds);
  return erlangCWith(new ErlangBTable(trafficOf(input)), input, input.agents, input.thresholdSeconds);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
