import { ErlangBTable } from './erlang-b.js';
import {
  checkAgents,
  checkOffered,
  checkPatience,
  checkThreshold,
  trafficOf,
  type Offered,
} from './model.js';
import { logSeries } from './series.js';

/**
 * Erlang A (M/M/n+M, Palm 1946): Poisson arrivals, exponential handle times, and callers who hang
 * up after an exponential patience (mean `patienceSeconds`) unless an agent answers first.
 *
 * Every probability is over OFFERED calls unless its name says otherwise. Service level comes in the
 * four definitions in use, because with abandonment they differ:
 * - `slOffered` — answered within T ÷ offered (the strict one; abandons count against you);
 * - `slAnswered` — answered within T ÷ answered (Asterisk app_queue's SL, `servicelevelperf`);
 * - `slShortAbandonsExcluded` — answered within T ÷ (offered − abandoned within T);
 * - `slShortAbandonsMet` — (answered + abandoned within T) ÷ offered (app_queue's SL2).
 */
export interface ErlangAResult {
  model: 'erlang_a';
  agents: number;
  trafficErlangs: number;
  patienceSeconds: number;
  thresholdSeconds: number;
  /** Probability that a caller finds every agent busy and has to wait. */
  pWait: number;
  /** Probability that a caller hangs up before being answered. */
  pAbandon: number;
  pAnswered: number;
  /** Fraction of offered calls answered within T. */
  answeredWithinT: number;
  /** Fraction of offered calls that hang up within T. */
  abandonedWithinT: number;
  slOffered: number;
  slAnswered: number;
  slShortAbandonsExcluded: number;
  slShortAbandonsMet: number;
  /** Mean wait of answered callers (zero waits included), seconds. */
  asaSeconds: number;
  /** Mean time abandoning callers waited before hanging up, seconds. */
  meanAbandonWaitSeconds: number;
  /** Mean time in queue over every offered caller, seconds (= pAbandon × patience). */
  meanWaitSeconds: number;
  /** Answered load ÷ agents. */
  occupancy: number;
  /** Mean number of callers waiting. */
  meanQueueLength: number;
}

export interface ErlangAInput extends Offered {
  agents: number;
  patienceSeconds: number;
  thresholdSeconds: number;
}

/**
 * The exact stationary measures. With a = nμ, θ = 1/patience and S(λ', a') the Palm series of
 * `logSeries`, the offered wait V of an arrival (its wait if it never hung up) has, for x > 0, the
 * density λπ_{n-1}·exp(λ(1 − e^{−θx})/θ − nμx) (Baccelli–Hebuterne; Zeltyn–Mandelbaum for
 * M/M/n+G). A caller is answered iff patience > V, so
 *   P(wait)                       = ρ S₀ B(n−1) / (1 + ρ S₀ B(n−1)),        S₀ = S(λ, a)
 *   P(answered | wait)            = a/(a+θ) · S₁ / S₀,                      S₁ = S(λ, a+θ)
 *   P(answered, V ≤ T | wait)     = P(answered | wait) · (1 − e^{λ(1−e^{−θT})/θ − (a+θ)T} S(λe^{−θT}, a+θ) / S₁)
 *   P(V > T | wait)               = e^{λ(1−e^{−θT})/θ − aT} S(λe^{−θT}, a) / S₀
 * (the last two are the incomplete-gamma ratios P(b+1, ce^{−θT}) / P(b+1, c) in series form), and
 * the mean wait of answered callers is a/(a+θ) · H₁ / S₀ per caller who waited.
 */
export function erlangAWith(
  table: ErlangBTable,
  offered: Offered,
  agents: number,
  patienceSeconds: number,
  thresholdSeconds: number,
): ErlangAResult {
  const n = agents;
  const A = table.traffic;
  const lambda = offered.arrivalRate;
  const mu = 1 / offered.ahtSeconds;
  const theta = 1 / patienceSeconds;
  const T = thresholdSeconds;
  const a = n * mu;
  const base = {
    model: 'erlang_a' as const,
    agents: n,
    trafficErlangs: A,
    patienceSeconds,
    thresholdSeconds: T,
  };
  if (lambda === 0) {
    return {
      ...base,
      ...{ pWait: 0, pAbandon: 0, pAnswered: 1, answeredWithinT: 1, abandonedWithinT: 0 },
      ...{ slOffered: 1, slAnswered: 1, slShortAbandonsExcluded: 1, slShortAbandonsMet: 1 },
      ...{ asaSeconds: 0, meanAbandonWaitSeconds: 0, meanWaitSeconds: 0, occupancy: 0, meanQueueLength: 0 },
    };
  }
  const s0 = logSeries(lambda, a, theta);
  const s1 = logSeries(lambda, a + theta, theta, true);
  const lambdaT = lambda * Math.exp(-theta * T);
  const sT1 = logSeries(lambdaT, a + theta, theta);
  const sT0 = logSeries(lambdaT, a, theta);

  const logWaitOdds = Math.log(A / n) + s0.logS + table.logB(n - 1);
  const pWait = 1 / (1 + Math.exp(-logWaitOdds));
  const logShare = Math.log(a) - Math.log(a + theta);
  const answeredGivenWait = Math.exp(logShare + s1.logS - s0.logS);
  // λ(1 − e^{−θT})/θ, i.e. the expected arrivals in T that are still waiting at T.
  const lh = (-lambda * Math.expm1(-theta * T)) / theta;
  const lateGivenAnsweredWait = Math.exp(lh - (a + theta) * T + sT1.logS - s1.logS);
  const answeredWithinTGivenWait = answeredGivenWait * (1 - lateGivenAnsweredWait);
  const beyondTGivenWait = Math.exp(lh - a * T + sT0.logS - s0.logS);
  const abandonedWithinTGivenWait = Math.max(
    0,
    1 - answeredWithinTGivenWait - Math.exp(-theta * T) * beyondTGivenWait,
  );
  const waitOfAnsweredGivenWait = Math.exp(logShare + s1.logH - s0.logS);

  const pAbandon = pWait * (1 - answeredGivenWait);
  const pAnswered = 1 - pAbandon;
  const answeredWithinT = 1 - pWait + pWait * answeredWithinTGivenWait;
  const abandonedWithinT = pWait * abandonedWithinTGivenWait;
  // Little's law on the queue, and abandon rate θ × queue length = λ × pAbandon.
  const meanWaitSeconds = pAbandon / theta;
  const answeredWait = pWait * waitOfAnsweredGivenWait;
  return {
    ...base,
    pWait,
    pAbandon,
    pAnswered,
    answeredWithinT,
    abandonedWithinT,
    slOffered: answeredWithinT,
    slAnswered: answeredWithinT / pAnswered,
    slShortAbandonsExcluded: answeredWithinT / (1 - abandonedWithinT),
    slShortAbandonsMet: answeredWithinT + abandonedWithinT,
    asaSeconds: answeredWait / pAnswered,
    meanAbandonWaitSeconds: pAbandon > 0 ? Math.max(0, meanWaitSeconds - answeredWait) / pAbandon : 0,
    meanWaitSeconds,
    occupancy: (A * pAnswered) / n,
    meanQueueLength: lambda * meanWaitSeconds,
  };
}

export function erlangA(input: ErlangAInput): ErlangAResult {
  checkOffered(input);
  checkAgents(input.agents);
  checkPatience(input.patienceSeconds);
  checkThreshold(input.thresholdSeconds);
  return erlangAWith(
    new ErlangBTable(trafficOf(input)),
    input,
    input.agents,
    input.patienceSeconds,
    input.thresholdSeconds,
  );
}
