/**
 * Observed traffic for the pacer: what share of dials end live, machine, busy/failed or unanswered,
 * how long each takes to resolve, how long agents talk and wrap up. `TrafficStats` collects it from
 * the runtime's events (count-based forgetting, so a campaign's traffic can drift); `compileTraffic`
 * turns a snapshot into lookup tables the pacer reads every tick without allocating.
 */

/** How a dial ended, as far as pacing cares. */
export type DialResult = 'live' | 'machine' | 'failed' | 'no_answer';
export const DialResults: readonly DialResult[] = ['live', 'machine', 'failed', 'no_answer'];

/** Resolve-time histograms use 0.5 s buckets up to 60 s. */
export const ResolveBucketS = 0.5;
const ResolveBuckets = 120;
/** Talk-time histograms use 5 s buckets up to 1 h. */
export const TalkBucketS = 5;
const TalkBuckets = 720;
/** Past this many dials (or talks) every count is halved, so the stats follow a drifting list. */
export const DefaultForgetAfter = 3000;

export interface TrafficSnapshot {
  /** Weighted count of resolved dials per result. */
  dials: Record<DialResult, number>;
  /** Per result: histogram of seconds from placing the call to its result (0.5 s buckets). */
  resolveS: Record<DialResult, readonly number[]>;
  /** Histogram of talk times (5 s buckets). */
  talkS: readonly number[];
  talkCount: number;
  talkMeanS: number;
  /** Mean wrap-up (s); `defaultWrapUpS` until one is observed. */
  wrapUpMeanS: number;
}

export class TrafficStats {
  private readonly dials: Record<DialResult, number> = { live: 0, machine: 0, failed: 0, no_answer: 0 };
  private readonly resolve: Record<DialResult, number[]> = {
    live: new Array<number>(ResolveBuckets).fill(0),
    machine: new Array<number>(ResolveBuckets).fill(0),
    failed: new Array<number>(ResolveBuckets).fill(0),
    no_answer: new Array<number>(ResolveBuckets).fill(0),
  };
  private readonly talk = new Array<number>(TalkBuckets).fill(0);
  private talkCount = 0;
  private talkSum = 0;
  private wrapCount = 0;
  private wrapSum = 0;

  constructor(
    private readonly defaultWrapUpS = 15,
    private readonly forgetAfter = DefaultForgetAfter,
  ) {}

  /** A dial got its result `seconds` after it was placed. */
  recordDial(result: DialResult, seconds: number): void {
    this.dials[result] += 1;
    this.resolve[result][bucket(seconds, ResolveBucketS, ResolveBuckets)]! += 1;
    if (this.resolvedDials() > this.forgetAfter) {
      for (const r of DialResults) {
        this.dials[r] /= 2;
        const h = this.resolve[r];
        for (let i = 0; i < h.length; i++) h[i]! /= 2;
      }
    }
  }

  /** An agent finished talking to a lead after `seconds`. */
  recordTalk(seconds: number): void {
    this.talk[bucket(seconds, TalkBucketS, TalkBuckets)]! += 1;
    this.talkCount += 1;
    this.talkSum += seconds;
    if (this.talkCount > this.forgetAfter) {
      for (let i = 0; i < this.talk.length; i++) this.talk[i]! /= 2;
      this.talkCount /= 2;
      this.talkSum /= 2;
    }
  }

  recordWrapUp(seconds: number): void {
    this.wrapCount += 1;
    this.wrapSum += seconds;
    if (this.wrapCount > this.forgetAfter) {
      this.wrapCount /= 2;
      this.wrapSum /= 2;
    }
  }

  resolvedDials(): number {
    return this.dials.live + this.dials.machine + this.dials.failed + this.dials.no_answer;
  }

  snapshot(): TrafficSnapshot {
    return {
      dials: { ...this.dials },
      resolveS: {
        live: [...this.resolve.live],
        machine: [...this.resolve.machine],
        failed: [...this.resolve.failed],
        no_answer: [...this.resolve.no_answer],
      },
      talkS: [...this.talk],
      talkCount: this.talkCount,
      talkMeanS: this.talkCount > 0 ? this.talkSum / this.talkCount : 0,
      wrapUpMeanS: this.wrapCount > 0 ? this.wrapSum / this.wrapCount : this.defaultWrapUpS,
    };
  }
}

const bucket = (seconds: number, width: number, n: number) =>
  Math.min(n - 1, Math.max(0, Math.floor(seconds / width)));

/** Lookup tables over a 0.25 s grid: cheap to read on every tick. */
export const GridS = 0.25;
const GridPoints = 241; // 0 … 60 s

export interface CompiledTraffic {
  /** Weighted number of resolved dials behind the rates. */
  resolvedDials: number;
  /** Share of dials per result. */
  share: Record<DialResult, number>;
  /** Per result: P(resolved within t | that result), t = i × GridS. */
  cdf: Record<DialResult, Float64Array>;
  /** P(a dial is still unresolved at age t), t = i × GridS. */
  unresolved: Float64Array;
  /** P(a dial has become a live answer by age t), t = i × GridS (unconditional). */
  liveBy: Float64Array;
  /** Talk survival S(t) = P(talk > t), t in whole seconds. */
  talkSurvival: Float64Array;
  talkMeanS: number;
  wrapUpMeanS: number;
}

/**
 * Tables for the pacer. Histograms are smoothed over ±1 s so a few dozen observations give a usable
 * shape; without talk observations the talk survival is flat (no agent is expected to free up from a
 * call), which only makes the pacer more careful.
 */
export function compileTraffic(s: TrafficSnapshot): CompiledTraffic {
  const resolved = DialResults.reduce((sum, r) => sum + s.dials[r], 0);
  const share = {} as Record<DialResult, number>;
  const cdf = {} as Record<DialResult, Float64Array>;
  for (const r of DialResults) {
    share[r] = resolved > 0 ? s.dials[r] / resolved : 0;
    cdf[r] = cdfOnGrid(smooth(s.resolveS[r]));
  }
  const unresolved = new Float64Array(GridPoints);
  const liveBy = new Float64Array(GridPoints);
  for (let i = 0; i < GridPoints; i++) {
    let u = 0;
    for (const r of DialResults) u += share[r] * (1 - cdf[r][i]!);
    unresolved[i] = resolved > 0 ? u : 1;
    liveBy[i] = share.live * cdf.live[i]!;
  }
  return {
    resolvedDials: resolved,
    share,
    cdf,
    unresolved,
    liveBy,
    talkSurvival: talkSurvival(s.talkS, s.talkCount),
    talkMeanS: s.talkMeanS,
    wrapUpMeanS: s.wrapUpMeanS,
  };
}

function smooth(h: readonly number[]): number[] {
  const k = [1, 2, 3, 2, 1];
  const out = new Array<number>(h.length).fill(0);
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    if (v === 0) continue;
    let wsum = 0;
    for (let j = -2; j <= 2; j++) if (i + j >= 0 && i + j < h.length) wsum += k[j + 2]!;
    for (let j = -2; j <= 2; j++) if (i + j >= 0 && i + j < h.length) out[i + j]! += (v * k[j + 2]!) / wsum;
  }
  return out;
}

/** CDF of a 0.5 s-bucket histogram on the 0.25 s grid, mass spread evenly inside each bucket. */
function cdfOnGrid(h: readonly number[]): Float64Array {
  const total = h.reduce((a, b) => a + b, 0);
  const out = new Float64Array(GridPoints);
  if (total <= 0) return out.fill(1);
  const cum = new Float64Array(h.length + 1);
  for (let i = 0; i < h.length; i++) cum[i + 1] = cum[i]! + h[i]!;
  for (let g = 0; g < GridPoints; g++) {
    const x = (g * GridS) / ResolveBucketS;
    const b = Math.min(h.length - 1, Math.floor(x));
    const frac = Math.min(1, x - b);
    out[g] = (cum[b]! + frac * h[b]!) / total;
  }
  return out;
}

function talkSurvival(h: readonly number[], count: number): Float64Array {
  const seconds = TalkBuckets * TalkBucketS;
  const out = new Float64Array(seconds + 1);
  if (count <= 0) return out.fill(1);
  let cum = 0;
  const total = h.reduce((a, b) => a + b, 0);
  for (let b = 0; b < h.length; b++) {
    for (let k = 0; k < TalkBucketS; k++) {
      const t = b * TalkBucketS + k;
      out[t] = Math.max(0, 1 - (cum + (h[b]! * k) / TalkBucketS) / total);
    }
    cum += h[b]!;
  }
  out[seconds] = 0;
  return out;
}

/** Table lookup with linear interpolation on the 0.25 s grid (clamped at both ends). */
export function atGrid(table: Float64Array, seconds: number): number {
  if (seconds <= 0) return table[0]!;
  const x = seconds / GridS;
  const i = Math.floor(x);
  if (i >= table.length - 1) return table[table.length - 1]!;
  const f = x - i;
  return table[i]! * (1 - f) + table[i + 1]! * f;
}

/** P(a call talking for `elapsed` s has ended `ahead` s from now). */
export function talkEndsWithin(t: CompiledTraffic, elapsed: number, ahead: number): number {
  if (ahead <= 0) return 0;
  const now = survivalAt(t.talkSurvival, Math.max(0, elapsed));
  if (now <= 1e-9) {
    // Past every observed talk: fall back to a memoryless guess with the mean.
    return t.talkMeanS > 0 ? 1 - Math.exp(-ahead / t.talkMeanS) : 0;
  }
  return Math.min(1, Math.max(0, 1 - survivalAt(t.talkSurvival, elapsed + ahead) / now));
}

function survivalAt(s: Float64Array, x: number): number {
  const last = s.length - 1;
  if (x >= last) return 0;
  const i = Math.floor(x);
  const f = x - i;
  return s[i]! * (1 - f) + s[i + 1]! * f;
}
