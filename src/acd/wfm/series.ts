import { WfmInputError } from './errors.js';

/** Beyond this many terms the parameters describe an absurd queue (millions waiting on average). */
export const MaxSeriesTerms = 5_000_000;

export interface LogSeries {
  /** ln Σ_k t_k, with t_0 = 1 and t_k = Π_{i=1..k} λ / (a + iθ). */
  logS: number;
  /** ln Σ_k t_k · Σ_{i=0..k} 1/(a + iθ) (only when asked for). */
  logH: number;
}

/**
 * The Palm series of the M/M/n+M queue. With a = nμ, t_k is the probability of k callers waiting
 * relative to none waiting with all n agents busy, so Σ t_k is Kummer's ₁F₁(1; a/θ + 1; λ/θ), the
 * same quantity as the incomplete-gamma form e^c c^-b Γ(b+1) P(b, c) of Garnett, Mandelbaum and
 * Reiman (b = a/θ, c = λ/θ). Every term is positive, so it is summed directly in scaled form: no
 * cancellation, and no overflow when the terms peak far out (λ > nμ with patient callers).
 * The H sum is the one the mean wait of served callers needs (1/(a + iθ) is the mean time to the
 * next queue movement with i callers ahead).
 */
export function logSeries(lambda: number, a: number, theta: number, withH = false): LogSeries {
  if (lambda === 0) return { logS: 0, logH: withH ? -Math.log(a) : -Infinity };
  let logT = 0; // ln t_k
  let m = 0; // scale: s and sh hold the sums times e^-m
  let s = 1;
  let h = 1 / a;
  let sh = h;
  const eps = 1e-17;
  for (let k = 1; ; k++) {
    const rate = a + k * theta;
    const r = lambda / rate;
    logT += Math.log(r);
    h += 1 / rate;
    if (logT > m) {
      const f = Math.exp(m - logT);
      s = s * f + 1;
      sh = sh * f + h;
      m = logT;
    } else {
      const t = Math.exp(logT - m);
      s += t;
      sh += t * h;
      // Past the peak the terms fall at least geometrically with ratio r' < r: bound the tails.
      const rn = lambda / (rate + theta);
      if (rn < 1) {
        const tail = (t * rn) / (1 - rn);
        const tailH = tail * h + (t * rn) / ((1 - rn) * (1 - rn) * (rate + theta));
        if (tail <= eps * s && (!withH || tailH <= eps * sh)) break;
      }
    }
    if (k >= MaxSeriesTerms)
      throw new WfmInputError(
        'patience_seconds',
        'the queue these figures describe would hold millions of waiting callers on average ' +
          '(offered load far above the agents with very patient callers); no staffing answer exists',
      );
  }
  return { logS: m + Math.log(s), logH: withH ? m + Math.log(sh) : -Infinity };
}
