import type { Knex } from 'knex';

/**
 * Rollups the records worker maintains in the same transaction as the rows it inserts (counting only
 * rows the insert really added, so a retried batch never counts twice), and the analyst views on them.
 *
 * One row per (grain, dimension, period, value): grain is day or month (UTC), dimension is all,
 * direction, did, queue or campaign. Sums are exact (numeric), and wait times are kept as a
 * histogram of whole seconds (index 1 = 0 s … index 600 = 599 s, index 601 = 600 s or more), which
 * merges by addition and gives the same p90 as percentile_disc over the raw rows. The month grain
 * exists so a year by queue reads 12 rows per queue instead of 365.
 */
export const HistogramBuckets = 601;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE call_rollups (
      grain            text        NOT NULL CHECK (grain IN ('day', 'month')),
      dimension        text        NOT NULL CHECK (dimension IN ('all', 'direction', 'did', 'queue', 'campaign')),
      period_start     date        NOT NULL,
      dimension_value  text        NOT NULL DEFAULT '',
      offered          integer     NOT NULL CHECK (offered >= 0),
      answered         integer     NOT NULL CHECK (answered >= 0),
      abandoned        integer     NOT NULL CHECK (abandoned >= 0),
      wait_seconds_sum numeric     NOT NULL,
      talk_seconds_sum numeric     NOT NULL,
      wait_histogram   integer[]   NOT NULL CHECK (cardinality(wait_histogram) = ${HistogramBuckets}),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (grain, dimension, period_start, dimension_value),
      CHECK (grain = 'day' OR period_start = date_trunc('month', period_start)::date),
      CHECK (dimension <> 'all' OR dimension_value = '')
    );

    COMMENT ON TABLE call_rollups IS
      'Call counts per UTC day and month, overall and per direction, DID, queue and campaign; kept up to date by the records worker in the same transaction as the calls rows, rebuilt from calls by npm run rollups:backfill. Read it through the call_stats_* views. Kept after retention drops the raw partitions.';
    COMMENT ON COLUMN call_rollups.grain IS 'day or month: the length of the period.';
    COMMENT ON COLUMN call_rollups.dimension IS 'What the row is broken down by: all (every call), direction, did, queue or campaign.';
    COMMENT ON COLUMN call_rollups.period_start IS 'First day of the period (UTC); the first of the month for the month grain.';
    COMMENT ON COLUMN call_rollups.dimension_value IS 'The direction, DID, queue or campaign; empty for dimension all and for calls without one (no queue, no campaign).';
    COMMENT ON COLUMN call_rollups.offered IS 'Calls started in the period (every disposition).';
    COMMENT ON COLUMN call_rollups.answered IS 'Calls with disposition answered.';
    COMMENT ON COLUMN call_rollups.abandoned IS 'Calls with disposition abandoned.';
    COMMENT ON COLUMN call_rollups.wait_seconds_sum IS 'Sum of calls.wait_seconds over the offered calls.';
    COMMENT ON COLUMN call_rollups.talk_seconds_sum IS 'Sum of calls.talk_seconds over the answered calls.';
    COMMENT ON COLUMN call_rollups.wait_histogram IS
      'Offered calls by whole seconds of wait: element i counts calls with floor(wait_seconds) = i - 1; the last element (601) counts waits of 600 s or more.';
    COMMENT ON COLUMN call_rollups.updated_at IS 'Last time a batch or a backfill changed the row.';

    -- plpgsql loops over the arrays in place: about ten times faster than unnest/array_agg, and
    -- these run for every rollup row the worker touches.
    CREATE FUNCTION records_histogram_from(buckets integer[], counts bigint[]) RETURNS integer[]
      LANGUAGE plpgsql IMMUTABLE AS $f$
    DECLARE
      h integer[] := array_fill(0, ARRAY[${HistogramBuckets}]);
    BEGIN
      FOR i IN 1 .. coalesce(cardinality(buckets), 0) LOOP
        h[buckets[i] + 1] := h[buckets[i] + 1] + counts[i];
      END LOOP;
      RETURN h;
    END $f$;
    COMMENT ON FUNCTION records_histogram_from(integer[], bigint[]) IS
      'A wait histogram from parallel arrays of bucket (whole seconds, 0..600) and count.';

    CREATE FUNCTION records_histogram_add(a integer[], b integer[]) RETURNS integer[]
      LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
    DECLARE
      h integer[] := a;
    BEGIN
      FOR i IN 1 .. ${HistogramBuckets} LOOP
        h[i] := h[i] + b[i];
      END LOOP;
      RETURN h;
    END $f$;
    COMMENT ON FUNCTION records_histogram_add(integer[], integer[]) IS 'Element-wise sum of two wait histograms.';

    CREATE AGGREGATE records_histogram_sum(integer[]) (SFUNC = records_histogram_add, STYPE = integer[]);
    COMMENT ON AGGREGATE records_histogram_sum(integer[]) IS 'Sums wait histograms (e.g. days into a month).';

    CREATE FUNCTION records_histogram_percentile(histogram integer[], fraction double precision) RETURNS integer
      LANGUAGE sql IMMUTABLE STRICT AS $f$
      SELECT min(i - 1)::integer FROM (
        SELECT i, sum(c) OVER (ORDER BY i) AS cum, sum(c) OVER () AS total
          FROM unnest(histogram) WITH ORDINALITY u(c, i)
      ) t WHERE total > 0 AND cum >= greatest(ceil(fraction * total::double precision), 1)
    $f$;
    COMMENT ON FUNCTION records_histogram_percentile(integer[], double precision) IS
      'The wait (whole seconds, 600 meaning 600 or more) at the given fraction, with the same rule as percentile_disc: the first value whose cumulative count reaches ceil(fraction * total).';

    CREATE VIEW call_stats_daily AS
      SELECT period_start AS day, dimension, NULLIF(dimension_value, '') AS dimension_value,
             offered, answered, abandoned,
             round(wait_seconds_sum / NULLIF(offered, 0), 2) AS avg_wait_seconds,
             records_histogram_percentile(wait_histogram, 0.9) AS p90_wait_seconds,
             round(talk_seconds_sum / NULLIF(answered, 0), 2) AS avg_talk_seconds
        FROM call_rollups WHERE grain = 'day';

    CREATE VIEW call_stats_monthly AS
      SELECT period_start AS month, dimension, NULLIF(dimension_value, '') AS dimension_value,
             offered, answered, abandoned,
             round(wait_seconds_sum / NULLIF(offered, 0), 2) AS avg_wait_seconds,
             records_histogram_percentile(wait_histogram, 0.9) AS p90_wait_seconds,
             round(talk_seconds_sum / NULLIF(answered, 0), 2) AS avg_talk_seconds
        FROM call_rollups WHERE grain = 'month';

    CREATE VIEW call_stats_yearly AS
      SELECT date_trunc('year', period_start)::date AS year, dimension, NULLIF(dimension_value, '') AS dimension_value,
             sum(offered)::bigint AS offered, sum(answered)::bigint AS answered, sum(abandoned)::bigint AS abandoned,
             round(sum(wait_seconds_sum) / NULLIF(sum(offered), 0), 2) AS avg_wait_seconds,
             records_histogram_percentile(records_histogram_sum(wait_histogram), 0.9) AS p90_wait_seconds,
             round(sum(talk_seconds_sum) / NULLIF(sum(answered), 0), 2) AS avg_talk_seconds
        FROM call_rollups WHERE grain = 'month'
       GROUP BY 1, 2, dimension_value;
  `);
  for (const [view, period] of [
    ['call_stats_daily', 'day'],
    ['call_stats_monthly', 'month'],
    ['call_stats_yearly', 'year'],
  ] as const) {
    await knex.raw(`
      COMMENT ON VIEW ${view} IS
        'Contact-center volumes per UTC ${period}: overall (dimension all) and per direction, did, queue and campaign. Same numbers as aggregating calls directly (see docs/schema.md for the equivalent query).';
      COMMENT ON COLUMN ${view}.${period} IS 'First day of the ${period} (UTC) the calls started in.';
      COMMENT ON COLUMN ${view}.dimension IS 'all, direction, did, queue or campaign: what the row breaks the calls down by.';
      COMMENT ON COLUMN ${view}.dimension_value IS 'The direction, DID, queue or campaign; NULL for dimension all and for calls without one.';
      COMMENT ON COLUMN ${view}.offered IS 'Calls started in the period, whatever their disposition.';
      COMMENT ON COLUMN ${view}.answered IS 'Offered calls with disposition answered.';
      COMMENT ON COLUMN ${view}.abandoned IS 'Offered calls with disposition abandoned (caller hung up waiting in queue).';
      COMMENT ON COLUMN ${view}.avg_wait_seconds IS 'sum(wait_seconds) / offered, rounded to 0.01 s; calls that never queued count as 0.';
      COMMENT ON COLUMN ${view}.p90_wait_seconds IS
        'percentile_disc(0.9) of the offered calls'' wait in whole seconds (floor), waits of 600 s or more counted as 600.';
      COMMENT ON COLUMN ${view}.avg_talk_seconds IS 'sum(talk_seconds) of answered calls / answered, rounded to 0.01 s; NULL when none answered.';
    `);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW IF EXISTS call_stats_yearly;
    DROP VIEW IF EXISTS call_stats_monthly;
    DROP VIEW IF EXISTS call_stats_daily;
    DROP FUNCTION IF EXISTS records_histogram_percentile(integer[], double precision);
    DROP AGGREGATE IF EXISTS records_histogram_sum(integer[]);
    DROP FUNCTION IF EXISTS records_histogram_add(integer[], integer[]);
    DROP FUNCTION IF EXISTS records_histogram_from(integer[], bigint[]);
    DROP TABLE IF EXISTS call_rollups;
  `);
}
