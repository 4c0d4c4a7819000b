import { exponential, seededRng, uniform, type Rng } from './rng.js';

/**
 * The bench's traffic (issue 7): per dial 25 % live answer, 15 % answering machine (detected about
 * 2.5 s after the answer, then dropped without an agent), 10 % busy (about 3 s), the rest ring out
 * to the 20 s timeout; answered calls ring 4–20 s first; talk is exponential with mean 120 s.
 *
 * Outcomes are a sequence drawn from the seed: the i-th dial of any pacer on a given seed gets the
 * same outcome, so pacers are compared on the same traffic.
 */
export interface TrafficModel {
  liveShare: number;
  machineShare: number;
  busyShare: number;
  ringMinS: number;
  ringMaxS: number;
  /** AMD decision time after the answer: uniform in [amdMinS, amdMaxS]. */
  amdMinS: number;
  amdMaxS: number;
  busyMinS: number;
  busyMaxS: number;
  ringTimeoutS: number;
  talkMeanS: number;
  wrapUpS: number;
  /** A live answer with no free agent within this many seconds is abandoned. */
  patienceS: number;
}

export const Issue7Traffic: Readonly<TrafficModel> = Object.freeze({
  liveShare: 0.25,
  machineShare: 0.15,
  busyShare: 0.1,
  ringMinS: 4,
  ringMaxS: 20,
  amdMinS: 2,
  amdMaxS: 3,
  busyMinS: 2.5,
  busyMaxS: 3.5,
  ringTimeoutS: 20,
  talkMeanS: 120,
  wrapUpS: 15,
  patienceS: 2,
});

export type OutcomeKind = 'live' | 'machine' | 'busy' | 'no_answer';

export interface DialOutcome {
  kind: OutcomeKind;
  /** Seconds from placing the call to its result (answer for live, AMD decision, busy, timeout). */
  resolveS: number;
  /** Talk time if it connects to an agent (live only; 0 otherwise). */
  talkS: number;
}

export class OutcomeStream {
  private readonly rng: Rng;
  constructor(
    seed: number,
    private readonly m: TrafficModel = Issue7Traffic,
  ) {
    this.rng = seededRng(seed * 7919 + 17);
  }

  /** The next dial's outcome; always draws the same four numbers so the sequence is stable. */
  next(): DialOutcome {
    const m = this.m;
    const u = this.rng();
    const ring = uniform(this.rng, m.ringMinS, m.ringMaxS);
    const extra = this.rng();
    const talk = exponential(this.rng, m.talkMeanS);
    if (u < m.liveShare) return { kind: 'live', resolveS: ring, talkS: talk };
    if (u < m.liveShare + m.machineShare)
      return { kind: 'machine', resolveS: ring + m.amdMinS + (m.amdMaxS - m.amdMinS) * extra, talkS: 0 };
    if (u < m.liveShare + m.machineShare + m.busyShare)
      return { kind: 'busy', resolveS: m.busyMinS + (m.busyMaxS - m.busyMinS) * extra, talkS: 0 };
    return { kind: 'no_answer', resolveS: m.ringTimeoutS, talkS: 0 };
  }
}
