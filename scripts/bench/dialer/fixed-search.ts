import type { FixedFamily } from '../../../src/dialer/pacing/sim/pacers.js';
import type { DayPool } from './pool.js';
import { summarize, withinLimits, type Summary } from './report.js';

/**
 * The best fixed dial ratio with hindsight: for each family, a coarse scan of ratios on the
 * reported seeds, then a fine scan between the last ratio within the abandon limits and the next
 * one; the winner is the highest mean occupancy within the limits over both families (1:1 is
 * always within them). Abandons grow with the ratio in both families, so the fine scan sits where
 * the optimum is.
 */
export interface FixedChoice {
  family: FixedFamily | 'progressive';
  ratio: number;
  summary: Summary;
  /** Ratios tried, for the record. */
  tried: number;
}

const Scans: Record<FixedFamily, { coarse: number[]; fineStep: number }> = {
  'per-ready': { coarse: range(1.1, 6.0, 0.1), fineStep: 0.01 },
  'per-active': { coarse: range(1.02, 1.4, 0.02), fineStep: 0.002 },
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to + 1e-9; x += step) out.push(Math.round(x * 1000) / 1000);
  return out;
}

export async function bestFixed(
  pool: DayPool,
  agents: number,
  seeds: number[],
  hours: number,
  tickS: number,
  progressive: Summary,
): Promise<FixedChoice> {
  let best: FixedChoice = { family: 'progressive', ratio: 1, summary: progressive, tried: 0 };
  let tried = 0;
  const evaluate = async (family: FixedFamily, ratios: number[]) => {
    tried += ratios.length;
    return Promise.all(
      ratios.map(async (ratio) => {
        const days = await pool.all(
          seeds.map((seed) => ({
            pacer: { type: 'fixed' as const, family, ratio },
            agents,
            seed,
            hours,
            tickS,
          })),
        );
        return { ratio, summary: summarize(days) };
      }),
    );
  };
  const consider = (family: FixedFamily, r: { ratio: number; summary: Summary }) => {
    if (withinLimits(r.summary) && r.summary.occupancy > best.summary.occupancy)
      best = { family, ratio: r.ratio, summary: r.summary, tried: 0 };
  };
  for (const family of Object.keys(Scans) as FixedFamily[]) {
    const { coarse, fineStep } = Scans[family];
    const coarseResults = await evaluate(family, coarse);
    coarseResults.forEach((r) => consider(family, r));
    const lastOk = coarseResults.findLastIndex((r) => withinLimits(r.summary));
    const from = lastOk >= 0 ? coarse[lastOk]! : 1;
    const to = coarse[lastOk + 1] ?? from;
    const fine = range(from + fineStep, to - fineStep / 2, fineStep);
    (await evaluate(family, fine)).forEach((r) => consider(family, r));
  }
  return { ...best, tried };
}
