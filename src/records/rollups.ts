import type { Knex } from 'knex';
import { addMonths, monthOf } from './partitions.js';

/** Waits of this many whole seconds or more share the histogram's last bucket. */
export const WaitHistogramCap = 600;

/**
 * Rebuilds the day and month rollups of whole UTC months from the calls rows, for rows loaded outside
 * the worker (COPY, restores) or to repair. Each month is one transaction holding a SHARE ROW
 * EXCLUSIVE lock on call_rollups: worker batches that insert calls meanwhile wait on their rollup
 * update and apply it after our commit, and our aggregate cannot see their uncommitted calls, so no
 * call is counted twice or missed.
 */
export async function backfillRollups(
  knex: Knex,
  options: { from: Date; to: Date; onMonth?: (month: string, calls: number) => void },
): Promise<{ months: string[]; calls: number }> {
  const months: string[] = [];
  let calls = 0;
  for (let m = new Date(monthOf(options.from)); m < options.to; m = addMonths(m, 1)) {
    const month = monthOf(m);
    const next = monthOf(addMonths(m, 1));
    const n = await knex.transaction(async (trx) => {
      await trx.raw('LOCK TABLE call_rollups IN SHARE ROW EXCLUSIVE MODE');
      await trx.raw('DELETE FROM call_rollups WHERE period_start >= ?::date AND period_start < ?::date', [
        month,
        next,
      ]);
      const r = await trx.raw(
        `INSERT INTO call_rollups (grain, dimension, period_start, dimension_value, offered, answered, abandoned,
                                   wait_seconds_sum, talk_seconds_sum, wait_histogram)
         SELECT 'day', dimension, day, dimension_value, sum(offered), sum(answered), sum(abandoned), sum(wait_sum),
                sum(talk_sum), records_histogram_from(array_agg(bucket), array_agg(offered))
           FROM (
             SELECT (c.started_at AT TIME ZONE 'UTC')::date AS day, d.dimension, d.dimension_value,
                    least(floor(c.wait_seconds), ${WaitHistogramCap})::integer AS bucket,
                    count(*) AS offered,
                    count(*) FILTER (WHERE c.disposition = 'answered') AS answered,
                    count(*) FILTER (WHERE c.disposition = 'abandoned') AS abandoned,
                    sum(c.wait_seconds) AS wait_sum,
                    coalesce(sum(c.talk_seconds) FILTER (WHERE c.disposition = 'answered'), 0) AS talk_sum
               FROM calls c
              CROSS JOIN LATERAL (VALUES ('all', ''), ('direction', c.direction), ('did', coalesce(c.did, '')),
                    ('queue', coalesce(c.queue, '')), ('campaign', coalesce(c.campaign, ''))) d(dimension, dimension_value)
              WHERE c.started_at >= ?::timestamptz AND c.started_at < ?::timestamptz
              GROUP BY 1, 2, 3, 4
           ) b
          GROUP BY day, dimension, dimension_value`,
        [`${month}T00:00:00Z`, `${next}T00:00:00Z`],
      );
      await trx.raw(
        `INSERT INTO call_rollups (grain, dimension, period_start, dimension_value, offered, answered, abandoned,
                                   wait_seconds_sum, talk_seconds_sum, wait_histogram)
         SELECT 'month', dimension, ?::date, dimension_value, sum(offered), sum(answered), sum(abandoned),
                sum(wait_seconds_sum), sum(talk_seconds_sum), records_histogram_sum(wait_histogram)
           FROM call_rollups
          WHERE grain = 'day' AND period_start >= ?::date AND period_start < ?::date
          GROUP BY dimension, dimension_value`,
        [month, month, next],
      );
      const total = await trx.raw(
        `SELECT coalesce(sum(offered), 0)::bigint AS n FROM call_rollups
          WHERE grain = 'month' AND dimension = 'all' AND period_start = ?::date`,
        [month],
      );
      void r;
      return Number(total.rows[0]?.n ?? 0);
    });
    months.push(month);
    calls += n;
    options.onMonth?.(month, n);
  }
  return { months, calls };
}
