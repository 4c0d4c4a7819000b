import type { Knex } from 'knex';
import { z } from 'zod';

/**
 * Contact-center volume reports: offered, answered, abandoned, average and p90 wait, average talk,
 * per day, month or year (UTC), overall or per queue, campaign, DID or direction. `dailyReport`
 * reads the rollups the records worker maintains (milliseconds over years of calls); `rawReport`
 * computes the same numbers from the calls rows, and the two agree exactly (see docs/schema.md for
 * the definitions).
 */
export const ReportGrains = ['day', 'month', 'year'] as const;
export const ReportDimensions = ['queue', 'campaign', 'did', 'direction'] as const;

const day = z.union([z.iso.date(), z.date()]).transform((v, ctx) => {
  const d = typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v;
  if (d.getTime() % 86_400_000 !== 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a whole UTC day (YYYY-MM-DD)' });
    return z.NEVER;
  }
  return d.toISOString().slice(0, 10);
});

/** The report's parameters; the HTTP route validates its query string with this schema. */
export const reportQuerySchema = z
  .object({
    /** First day included (UTC). */
    from: day,
    /** First day no longer included (UTC). */
    to: day,
    groupBy: z.enum(ReportGrains).default('day'),
    by: z.enum(ReportDimensions).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] });

export type ReportQuery = z.input<typeof reportQuerySchema>;

export interface ReportRow {
  /** First day of the period, YYYY-MM-DD. */
  period: string;
  /** The queue, campaign, DID or direction (null: calls without one); absent without `by`. */
  value?: string | null;
  offered: number;
  answered: number;
  abandoned: number;
  avgWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  avgTalkSeconds: number | null;
}

function toRows(rows: Array<Record<string, unknown>>, by: string | undefined): ReportRow[] {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    period: r.period instanceof Date ? r.period.toISOString().slice(0, 10) : String(r.period),
    ...(by ? { value: (r.value as string | null) ?? null } : {}),
    offered: Number(r.offered),
    answered: Number(r.answered),
    abandoned: Number(r.abandoned),
    avgWaitSeconds: num(r.avg_wait),
    p90WaitSeconds: num(r.p90_wait),
    avgTalkSeconds: num(r.avg_talk),
  }));
}

function firstOfMonthOnOrAfter(d: string): string {
  if (d.endsWith('-01')) return d;
  const x = new Date(`${d}T00:00:00Z`);
  return new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** Reads the rollups: whole months from the month grain, the partial months at either end from days. */
export async function dailyReport(knex: Knex, query: ReportQuery): Promise<ReportRow[]> {
  const q = reportQuerySchema.parse(query);
  const dimension = q.by ?? 'all';
  let monthFrom = firstOfMonthOnOrAfter(q.from);
  let monthTo = q.to.slice(0, 8) + '01';
  if (q.groupBy === 'day' || monthFrom >= monthTo) monthFrom = monthTo = q.to;
  const r = await knex.raw(
    `WITH src AS (
       SELECT period_start, dimension_value, offered, answered, abandoned, wait_seconds_sum, talk_seconds_sum,
              wait_histogram
         FROM call_rollups
        WHERE grain = 'month' AND dimension = :dimension AND period_start >= :monthFrom::date
          AND period_start < :monthTo::date
       UNION ALL
       SELECT period_start, dimension_value, offered, answered, abandoned, wait_seconds_sum, talk_seconds_sum,
              wait_histogram
         FROM call_rollups
        WHERE grain = 'day' AND dimension = :dimension
          AND ((period_start >= :from::date AND period_start < :monthFrom::date)
            OR (period_start >= :monthTo::date AND period_start < :to::date))
     )
     SELECT to_char(date_trunc(:grain, period_start), 'YYYY-MM-DD') AS period,
            NULLIF(dimension_value, '') AS value,
            sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned,
            round(sum(wait_seconds_sum) / NULLIF(sum(offered), 0), 2) AS avg_wait,
            records_histogram_percentile(records_histogram_sum(wait_histogram), 0.9) AS p90_wait,
            round(sum(talk_seconds_sum) / NULLIF(sum(answered), 0), 2) AS avg_talk
       FROM src
      GROUP BY 1, 2
      ORDER BY 1, 2 NULLS FIRST`,
    { dimension, monthFrom, monthTo, from: q.from, to: q.to, grain: q.groupBy },
  );
  return toRows(r.rows, q.by);
}

const DimensionColumn: Record<(typeof ReportDimensions)[number], string> = {
  queue: 'queue',
  campaign: 'campaign',
  did: 'did',
  direction: 'direction',
};

/** The same report straight from the calls rows (slow over long ranges; the reference for tests and benchmarks). */
export async function rawReport(knex: Knex, query: ReportQuery): Promise<ReportRow[]> {
  const q = reportQuerySchema.parse(query);
  const value = q.by ? `NULLIF(coalesce(${DimensionColumn[q.by]}, ''), '')` : `''`;
  const r = await knex.raw(
    `SELECT to_char(date_trunc(:grain, (started_at AT TIME ZONE 'UTC')), 'YYYY-MM-DD') AS period,
            ${value} AS value,
            count(*) AS offered,
            count(*) FILTER (WHERE disposition = 'answered') AS answered,
            count(*) FILTER (WHERE disposition = 'abandoned') AS abandoned,
            round(sum(wait_seconds) / NULLIF(count(*), 0), 2) AS avg_wait,
            percentile_disc(0.9) WITHIN GROUP (ORDER BY least(floor(wait_seconds), 600)) AS p90_wait,
            round(sum(talk_seconds) FILTER (WHERE disposition = 'answered')
                  / NULLIF(count(*) FILTER (WHERE disposition = 'answered'), 0), 2) AS avg_talk
       FROM calls
      WHERE started_at >= :from::timestamptz AND started_at < :to::timestamptz
      GROUP BY 1, 2
      ORDER BY 1, 2 NULLS FIRST`,
    { grain: q.groupBy, from: `${q.from}T00:00:00Z`, to: `${q.to}T00:00:00Z` },
  );
  return toRows(r.rows, q.by);
}
