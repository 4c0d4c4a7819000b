import type { DayResult } from '../../../src/dialer/pacing/sim/simulate.js';

/** Daily figures of one pacer over the seeds, in percent. */
export interface Summary {
  days: number;
  /** Mean of the daily abandon rates. */
  abandonMean: number;
  /** 90th percentile (nearest rank) of the daily abandon rates. */
  abandonP90Daily: number;
  /** The worst day: the abandon window here is the campaign day. */
  abandonMaxWindow: number;
  /** Worst clock hour with ≥ 50 live answers (informative; the legal windows are longer). */
  abandonMaxHour: number | null;
  /** Mean over the days of (talk + wrap-up) / logged-in time. */
  occupancy: number;
  /** Mean over the days of talk / (talk + idle). */
  talkOccupancy: number;
  liveAnswersPerDay: number;
  dialsPerDay: number;
}

/** The limits every pacer is held to (issue 7): every day ≤ 3 %, 90th percentile ≤ 2.5 %. */
export const AbandonLimits = { maxDailyPct: 3, p90DailyPct: 2.5 };

export const pct = (x: number) => Math.round(x * 10000) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function summarize(days: DayResult[]): Summary {
  const rates = days.map((d) => d.abandonRate);
  const hours = days.map((d) => d.maxHourRate).filter((x): x is number => x !== null);
  return {
    days: days.length,
    abandonMean: pct(mean(rates)),
    abandonP90Daily: pct(percentile(rates, 90)),
    abandonMaxWindow: pct(Math.max(0, ...rates)),
    abandonMaxHour: hours.length ? pct(Math.max(...hours)) : null,
    occupancy: pct(mean(days.map((d) => d.occupancy))),
    talkOccupancy: pct(mean(days.map((d) => d.talkOccupancy))),
    liveAnswersPerDay: Math.round(mean(days.map((d) => d.liveAnswers))),
    dialsPerDay: Math.round(mean(days.map((d) => d.dials))),
  };
}

export const withinLimits = (s: Summary) =>
  s.abandonMaxWindow <= AbandonLimits.maxDailyPct && s.abandonP90Daily <= AbandonLimits.p90DailyPct;
