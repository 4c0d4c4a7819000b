import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Pool } from 'pg';
import { RecordsQueueName, type RecordsJob } from '../cdr/record.js';
import type { Logger } from '../log/index.js';
import { RecordBatcher, type BatcherOptions } from './batcher.js';
import { writeDeadLetters } from './dead-letters.js';
import type { RecordsMetrics } from './metrics.js';
import { RecordWriter, type WriterOptions } from './writer.js';

/** Jobs held at once; with ~100 records a job, enough to fill several batches while one commits. */
export const DefaultJobsInFlight = 64;
export const DefaultLockMs = 30_000;
/**
 * A job whose worker died is put back in the queue on the next stalled check. BullMQ fails it after
 * one stall by default; a record must survive any number of crashes, so the limit is effectively off.
 */
export const MaxStalledCount = 1_000_000;

export interface RecordsConsumerOptions
  extends Omit<BatcherOptions, 'slots' | 'logger' | 'metrics'>, WriterOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix; the engine's queue must use the same one. */
  prefix: string;
  pool: Pool;
  logger: Logger;
  metrics?: RecordsMetrics;
  jobsInFlight?: number;
  /** Lock on an active job; a crashed worker's jobs return to the queue after about this long. */
  lockMs?: number;
}

export interface RecordsConsumer {
  worker: Worker<RecordsJob>;
  writer: RecordWriter;
  /** False while the writer is backing off (Postgres refused the last batch). */
  readonly writing: boolean;
  /** Stops fetching, lets committed batches acknowledge, leaves unfinished ones to stalled recovery. */
  close(graceMs?: number): Promise<void>;
}

/** Consumes RecordsQueueName: each job's records are written in cross-job batches and acked after commit. */
export function startRecordsConsumer(options: RecordsConsumerOptions): RecordsConsumer {
  const { logger } = options;
  const jobsInFlight = options.jobsInFlight ?? DefaultJobsInFlight;
  const writer = new RecordWriter(options.pool, options);
  const batcher = new RecordBatcher(writer, { ...options, slots: jobsInFlight });
  const lockMs = options.lockMs ?? DefaultLockMs;

  const worker = new Worker<RecordsJob>(
    RecordsQueueName,
    async (job: Job<RecordsJob>) => {
      const records = (job.data as Partial<RecordsJob> | undefined)?.records;
      if (!Array.isArray(records)) {
        // A job that is not a batch of records at all: keep it whole rather than drop it.
        await writeDeadLetters(options.pool, [
          {
            code: 'invalid_record',
            reason: 'job data has no records array',
            payload: job.data ?? null,
            jobId: job.id,
          },
        ]);
        return { inserted: 0 };
      }
      const result = await batcher.submit(records.map((payload) => ({ payload, jobId: job.id })));
      return { batchInserted: result.inserted };
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: jobsInFlight,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: MaxStalledCount,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 10_000 },
    },
  );
  worker.on('error', (err) => logger.warn(`records: queue connection: ${err.message}`));
  worker.on('failed', (job, err) => logger.error(`records: job ${job?.id} failed: ${err.message}`));

  return {
    worker,
    writer,
    get writing() {
      return batcher.writing;
    },
    async close(graceMs = 10_000) {
      // Let batches in flight finish (they ack their jobs); after the grace period give up and
      // leave what remains locked: the stalled check hands it to the next worker.
      const graceful = worker.close();
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        batcher.close();
        await worker.close(true).catch(() => undefined);
      }
      batcher.close();
    },
  };
}
