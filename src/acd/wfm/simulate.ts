import { checkAgents, checkOffered, checkPatience, checkThreshold } from './model.js';
import { exponential, seededRandom } from './rng.js';

export interface QueueSimulationInput {
  arrivalRate: number;
  ahtSeconds: number;
  agents: number;
  /** Mean patience in seconds; Infinity for callers who never hang up (Erlang C). */
  patienceSeconds: number;
  thresholdSeconds: number;
  calls: number;
  /** Calls at the start left out of the figures, so the run starts near the steady state. */
  warmupCalls?: number;
  seed?: number;
}

export interface QueueSimulationResult {
  offered: number;
  answered: number;
  abandoned: number;
  waited: number;
  answeredWithinT: number;
  abandonedWithinT: number;
  pWait: number;
  pAbandon: number;
  slOffered: number;
  slAnswered: number;
  asaSeconds: number;
  occupancy: number;
}

/**
 * Discrete-event simulation of the M/M/n+M queue, first come first served, independent of the
 * formulas it checks. With FCFS, a caller is taken at max(arrival, the first moment an agent frees
 * after everyone ahead was placed), so the callers can be walked in arrival order with a heap of
 * the agents' free times; a caller whose patience runs out before that moment leaves, holding no
 * agent.
 */
export function simulateQueue(input: QueueSimulationInput): QueueSimulationResult {
  checkOffered(input);
  checkAgents(input.agents);
  if (input.patienceSeconds !== Infinity) checkPatience(input.patienceSeconds);
  checkThreshold(input.thresholdSeconds);
  const random = seededRandom(input.seed ?? 1);
  const free = new Float64Array(input.agents); // a min-heap of times agents become free
  const warmup = input.warmupCalls ?? 0;
  let t = 0;
  let start = 0;
  let busy = 0;
  const r = { offered: 0, answered: 0, abandoned: 0, waited: 0, answeredWithinT: 0, abandonedWithinT: 0 };
  let waitAnswered = 0;
  for (let i = 0; i < warmup + input.calls; i++) {
    t += exponential(random, 1 / input.arrivalRate);
    const patience = exponential(random, input.patienceSeconds);
    const handle = exponential(random, input.ahtSeconds);
    if (i === warmup) start = t;
    const counted = i >= warmup;
    const takenAt = Math.max(t, free[0]!);
    const wait = takenAt - t;
    if (counted) {
      r.offered++;
      if (wait > 0) r.waited++;
    }
    if (wait <= patience) {
      free[0] = takenAt + handle;
      siftDown(free);
      if (counted) {
        r.answered++;
        waitAnswered += wait;
        busy += handle;
        if (wait <= input.thresholdSeconds) r.answeredWithinT++;
      }
    } else if (counted) {
      r.abandoned++;
      if (patience <= input.thresholdSeconds) r.abandonedWithinT++;
    }
  }
  return {
    ...r,
    pWait: r.waited / r.offered,
    pAbandon: r.abandoned / r.offered,
    slOffered: r.answeredWithinT / r.offered,
    slAnswered: r.answered ? r.answeredWithinT / r.answered : 1,
    asaSeconds: r.answered ? waitAnswered / r.answered : 0,
    occupancy: busy / ((t - start) * input.agents),
  };
}

function siftDown(h: Float64Array): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && h[l]! < h[m]!) m = l;
    if (r < h.length && h[r]! < h[m]!) m = r;
    if (m === i) return;
    const x = h[i]!;
    h[i] = h[m]!;
    h[m] = x;
    i = m;
  }
}
