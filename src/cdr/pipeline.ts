import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from '../log/index.js';
import { type Confirm, RecordOutbox } from './outbox.js';
import { type CallRecord, RecordsQueueName, type RecordsJob } from './record.js';
import { CallRecorder, type RecordSource } from './recorder.js';

export interface RecordsPipelineOptions {
  source: RecordSource;
  redis: Redis;
  db: Knex;
  /** BullMQ key prefix; the worker consumes with the same one. */
  prefix: string;
  /** Folder of the outbox file. */
  dir: string;
  /** This process's outbox name (one file per engine process). */
  name: string;
  logger: Logger;
  flushMs?: number;
  resendAfterMs?: number;
  confirmEveryMs?: number;
}

export interface RecordsPipeline {
  recorder: CallRecorder;
  outbox: RecordOutbox;
  close(): Promise<void>;
}

const Uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which records Postgres holds: written to `calls`, or kept in dead letters with a reason. A record
 * too malformed to have a valid id or time can only be in the dead letters, so it is looked up there.
 */
export function postgresConfirm(db: Knex): Confirm {
  return async (records) => {
    if (!records.length) return new Set();
    const ids = records.map((r) => String(r.callId));
    const valid = records.filter(
      (r) => Uuid.test(String(r.callId)) && Number.isFinite(Date.parse(r.startedAt)),
    );
    const held = new Set<string>();
    if (valid.length) {
      const times = valid.map((r) => Date.parse(r.startedAt));
      const rows = await db.raw<{ rows: Array<{ call_id: string }> }>(
        'SELECT call_id::text FROM calls WHERE call_id = ANY(?::uuid[]) AND started_at BETWEEN ? AND ?',
        [
          valid.map((r) => r.callId),
          new Date(Math.min(...times)).toISOString(),
          new Date(Math.max(...times)).toISOString(),
        ],
      );
      for (const r of rows.rows) held.add(r.call_id);
    }
    const letters = await db.raw<{ rows: Array<{ call_id: string }> }>(
      'SELECT call_id FROM call_record_dead_letters WHERE call_id = ANY(?::text[])',
      [ids.filter((id) => !held.has(id))],
    );
    for (const r of letters.rows) held.add(r.call_id);
    return held;
  };
}

/**
 * The BullMQ queue an outbox hands its batches to (records, facts): completed jobs leave, failed
 * ones stay for inspection; the outbox itself re-sends what Postgres never got.
 */
export function handOffQueue<T>(name: string, o: { redis: Redis; prefix: string; logger: Logger }): Queue<T> {
  const queue = new Queue<T>(name, {
    connection: o.redis,
    prefix: o.prefix,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: false,
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
    },
  });
  queue.on('error', (err) => o.logger.warn(`${name} queue error`, { error: err.message }));
  return queue;
}

/** The engine's half of "nothing is lost": ARI timeline → record → outbox (fsync) → BullMQ. */
export async function startRecordsPipeline(options: RecordsPipelineOptions): Promise<RecordsPipeline> {
  const queue = handOffQueue<RecordsJob>(RecordsQueueName, options);
  const outbox = new RecordOutbox({
    dir: options.dir,
    name: options.name,
    logger: options.logger,
    flushMs: options.flushMs,
    resendAfterMs: options.resendAfterMs,
    confirmEveryMs: options.confirmEveryMs,
    enqueue: async (records: CallRecord[], jobId: string) => {
      await queue.add('records', { records }, { jobId });
    },
    confirm: postgresConfirm(options.db),
  });
  await outbox.open();
  const recorder = new CallRecorder(options.source, (record) => outbox.add(record), options.logger);
  return {
    recorder,
    outbox,
    async close() {
      recorder.close();
      await outbox.close();
      await queue.close();
    },
  };
}
