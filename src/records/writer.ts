import type { Pool, PoolClient } from 'pg';
import { callRecordSchema, type CallRecord } from '../cdr/record.js';
import { CallColumns, EventColumns, callLine, copyIn, eventLine } from './copy.js';
import { writeDeadLetters, type DeadLetter } from './dead-letters.js';
import { inTransaction, issuesText, withClient, writeIsolatingRows } from './batch-write.js';
import { RecordsUnavailableError, errorText, sqlState } from './errors.js';
import { PartitionCache, monthOf, retentionCutoff } from './partitions.js';

/** A record started further ahead than this is a clock error, not a call; it is dead-lettered. */
export const DefaultMaxFutureMs = 2 * 24 * 3600 * 1000;

export interface IncomingRecord {
  payload: unknown;
  jobId?: string | undefined;
}

export interface StoreResult {
  /** Calls rows added (a record already stored counts as a duplicate, not an insert). */
  inserted: number;
  duplicates: number;
  events: number;
  deadLetters: number;
}

export interface WriterOptions {
  retentionMonths?: number;
  maxFutureMs?: number;
  now?: () => Date;
}

const UniqueViolation = '23505';
const cols = (names: readonly string[]) => names.join(', ');

/**
 * One statement inserts the calls (ON CONFLICT DO NOTHING on the natural key) and folds exactly the
 * rows it inserted into the day and month rollups. Because the rollup reads the INSERT's
 * RETURNING, a re-delivered batch adds nothing to it.
 */
const MergeSql = `
WITH ins AS (
  INSERT INTO calls (${cols(CallColumns)})
  SELECT ${cols(CallColumns)} FROM records_calls_in
  ON CONFLICT DO NOTHING
  RETURNING started_at, direction, did, queue, campaign, disposition, wait_seconds, talk_seconds
), base AS (
  SELECT (ins.started_at AT TIME ZONE 'UTC')::date AS day, d.dimension, d.dimension_value,
         least(floor(ins.wait_seconds), 600)::integer AS bucket,
         count(*) AS offered,
         count(*) FILTER (WHERE ins.disposition = 'answered') AS answered,
         count(*) FILTER (WHERE ins.disposition = 'abandoned') AS abandoned,
         sum(ins.wait_seconds) AS wait_sum,
         coalesce(sum(ins.talk_seconds) FILTER (WHERE ins.disposition = 'answered'), 0) AS talk_sum
    FROM ins CROSS JOIN LATERAL (VALUES ('all', ''), ('direction', ins.direction), ('did', coalesce(ins.did, '')),
           ('queue', coalesce(ins.queue, '')), ('campaign', coalesce(ins.campaign, ''))) d(dimension, dimension_value)
   GROUP BY 1, 2, 3, 4
), grouped AS (
  SELECT g.grain, CASE g.grain WHEN 'day' THEN base.day ELSE date_trunc('month', base.day)::date END AS period_start,
         base.dimension, base.dimension_value,
         sum(base.offered) AS offered, sum(base.answered) AS answered, sum(base.abandoned) AS abandoned,
         sum(base.wait_sum) AS wait_sum, sum(base.talk_sum) AS talk_sum,
         records_histogram_from(array_agg(base.bucket), array_agg(base.offered)) AS histogram
    FROM base CROSS JOIN (VALUES ('day'), ('month')) g(grain)
   GROUP BY 1, 2, 3, 4
), rollups AS (
  INSERT INTO call_rollups AS r (grain, dimension, period_start, dimension_value, offered, answered, abandoned,
                                 wait_seconds_sum, talk_seconds_sum, wait_histogram)
  SELECT grain, dimension, period_start, dimension_value, offered, answered, abandoned, wait_sum, talk_sum, histogram
    FROM grouped ORDER BY grain, dimension, period_start, dimension_value
  ON CONFLICT (grain, dimension, period_start, dimension_value) DO UPDATE SET
    offered = r.offered + excluded.offered,
    answered = r.answered + excluded.answered,
    abandoned = r.abandoned + excluded.abandoned,
    wait_seconds_sum = r.wait_seconds_sum + excluded.wait_seconds_sum,
    talk_seconds_sum = r.talk_seconds_sum + excluded.talk_seconds_sum,
    wait_histogram = records_histogram_add(r.wait_histogram, excluded.wait_histogram),
    updated_at = now()
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::integer AS inserted`;

/** Timeline rows of calls that were already stored: the key skips the ones present. */
const MergeEventsSql = `
INSERT INTO call_events (${cols(EventColumns)})
SELECT ${cols(EventColumns)} FROM records_events_in
ON CONFLICT DO NOTHING`;

const StagingSql = `
  CREATE TEMP TABLE IF NOT EXISTS records_calls_in ON COMMIT DELETE ROWS AS
    SELECT ${cols(CallColumns)} FROM calls WITH NO DATA;
  CREATE TEMP TABLE IF NOT EXISTS records_events_in ON COMMIT DELETE ROWS AS
    SELECT ${cols(EventColumns)} FROM call_events WITH NO DATA;`;

/**
 * Writes call records to Postgres in batches: validates, dead-letters what can never be written,
 * COPYs the rest into session staging tables and merges them with one statement per batch. A row
 * Postgres refuses is isolated by halving the batch, so one bad record never holds back the others.
 */
export class RecordWriter {
  private readonly partitions: PartitionCache;
  private readonly staged = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly options: WriterOptions = {},
  ) {
    this.partitions = new PartitionCache(pool);
  }

  /** After retention dropped partitions, so the next batch for an old month re-checks. */
  forgetPartitions(): void {
    this.partitions.reset();
  }

  /**
   * Stores the batch or throws RecordsUnavailableError (nothing to blame on the records: back off
   * and call again with the same batch; writes are idempotent).
   */
  async store(items: IncomingRecord[]): Promise<StoreResult> {
    const result: StoreResult = { inserted: 0, duplicates: 0, events: 0, deadLetters: 0 };
    const letters: DeadLetter[] = [];
    const valid = this.validate(items, letters);
    try {
      await this.partitions.ensure(new Set(valid.map((v) => monthOf(new Date(v.record.startedAt)))));
      await writeIsolatingRows(
        valid,
        async (batch) => {
          const r = await this.transaction(batch.map((b) => b.record));
          result.inserted += r.inserted;
          result.duplicates += batch.length - r.inserted;
          result.events += r.events;
        },
        (only, err) =>
          letters.push({
            code: 'write_rejected',
            reason: errorText(err),
            payload: only.payload,
            jobId: only.jobId,
          }),
      );
      result.deadLetters = letters.length;
      await writeDeadLetters(this.pool, letters);
    } catch (err) {
      if (err instanceof RecordsUnavailableError) throw err;
      throw new RecordsUnavailableError(err);
    }
    return result;
  }

  private validate(items: IncomingRecord[], letters: DeadLetter[]) {
    const now = (this.options.now ?? (() => new Date()))();
    const latest = now.getTime() + (this.options.maxFutureMs ?? DefaultMaxFutureMs);
    const cutoff = retentionCutoff(now, this.options.retentionMonths ?? 0)?.getTime();
    const seen = new Set<string>();
    const valid: Array<{ record: CallRecord; jobId?: string | undefined; payload: unknown }> = [];
    for (const item of items) {
      const parsed = callRecordSchema.safeParse(item.payload);
      if (!parsed.success) {
        letters.push({ code: 'invalid_record', reason: issuesText(parsed.error.issues), ...item });
        continue;
      }
      const record = parsed.data;
      const started = Date.parse(record.startedAt);
      if (started > latest || (cutoff !== undefined && started < cutoff)) {
        const why = started > latest ? 'in the future' : 'before the retention window';
        letters.push({ code: 'outside_window', reason: `startedAt ${record.startedAt} is ${why}`, ...item });
        continue;
      }
      const key = `${record.callId}/${started}`;
      if (seen.has(key)) continue; // the same record twice in one batch: the key would skip it anyway
      seen.add(key);
      valid.push({ record, jobId: item.jobId, payload: item.payload });
    }
    return valid;
  }

  /**
   * Events are written only in the transaction that inserts their call. So when every call of the
   * batch was new, none of their events can exist yet and they are COPYed straight into call_events
   * (the fast path, as fast as a raw COPY); when some calls were already stored (a re-delivery),
   * the events go through staging and ON CONFLICT DO NOTHING. A unique violation on the fast path
   * (rows loaded by other means) repeats the batch on the safe path.
   */
  private async transaction(records: CallRecord[]): Promise<{ inserted: number; events: number }> {
    try {
      return await this.attempt(records, false);
    } catch (err) {
      if (sqlState(err) !== UniqueViolation) throw err;
      return this.attempt(records, true);
    }
  }

  private async attempt(records: CallRecord[], safe: boolean): Promise<{ inserted: number; events: number }> {
    return withClient(this.pool, async (client) => {
      if (!this.staged.has(client)) {
        await client.query(StagingSql);
        this.staged.add(client);
      }
      const calls: string[] = [];
      const events: string[] = [];
      for (const r of records) {
        calls.push(callLine(r));
        for (const e of r.events) events.push(eventLine(r, e));
      }
      return inTransaction(client, async () => {
        await copyIn(client, `records_calls_in (${cols(CallColumns)})`, calls.join('\n') + '\n');
        const r = await client.query<{ inserted: number }>(MergeSql);
        const inserted = r.rows[0]?.inserted ?? 0;
        let written = 0;
        if (events.length && inserted > 0) {
          const text = events.join('\n') + '\n';
          if (inserted === records.length && !safe) {
            written = await copyIn(client, `call_events (${cols(EventColumns)})`, text);
          } else {
            await copyIn(client, `records_events_in (${cols(EventColumns)})`, text);
            written = (await client.query(MergeEventsSql)).rowCount ?? 0;
          }
        }
        return { inserted, events: written };
      });
    });
  }
}
