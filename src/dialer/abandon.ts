import type { Knex } from 'knex';
import type { RuntimeCounters } from './runtime.js';

/**
 * The abandon rate two ways, for the end-to-end check: from call_attempts in Postgres (what an
 * analyst or regulator reads) and from the runtime's own counters (what the pacer steered by).
 * They must agree; the bench reports the difference as e2eAbandonDiffPp.
 */
export interface AbandonComparison {
  db: { liveAnswers: number; abandoned: number; rate: number };
  runtime: { liveAnswers: number; abandoned: number; rate: number };
  /** |db.rate - runtime.rate| in percentage points. */
  diffPp: number;
}

export async function measureAbandon(
  db: Knex,
  campaignId: string,
  from: Date,
  to: Date,
  counters: RuntimeCounters,
): Promise<AbandonComparison> {
  const { rows } = await db.raw('SELECT * FROM dialer_abandon_rate(?, ?, ?, 0)', [campaignId, from, to]);
  const live = Number(rows[0].live_answers);
  const abandoned = Number(rows[0].abandoned);
  const dbRate = live ? abandoned / live : 0;
  const rtRate = counters.liveAnswers ? counters.abandoned / counters.liveAnswers : 0;
  return {
    db: { liveAnswers: live, abandoned, rate: dbRate },
    runtime: { liveAnswers: counters.liveAnswers, abandoned: counters.abandoned, rate: rtRate },
    diffPp: Math.abs(dbRate - rtRate) * 100,
  };
}
