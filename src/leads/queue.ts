import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from '../log/index.js';
import {
  ImportRefusedError,
  ImportTakenOverError,
  runImport,
  type ImportProgress,
  type ImportResult,
} from './importer.js';

export const LeadImportQueueName = 'lead-imports';

export interface LeadImportJob {
  importId: string;
}

/** Attempts of an import that fails for a passing reason (Postgres restart...): it resumes each time. */
export const DefaultImportAttempts = 5;
/** A worker that died mid-import loses its lock after this long; another worker resumes the job. */
export const DefaultImportLockMs = 60_000;

export function createLeadImportQueue(connection: ConnectionOptions, prefix: string): Queue<LeadImportJob> {
  return new Queue<LeadImportJob>(LeadImportQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: DefaultImportAttempts,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 30 * 86_400 },
      removeOnFail: { age: 90 * 86_400 },
    },
  });
}

/** Queues an import; the job id is the import id, so queuing it twice runs it once. */
export async function enqueueImport(queue: Queue<LeadImportJob>, importId: string): Promise<void> {
  await queue.add('import', { importId }, { jobId: importId });
}

/** Progress and state of an import's job, for the API (undefined once the job has been removed). */
export async function importJobState(
  queue: Queue<LeadImportJob>,
  importId: string,
): Promise<{ state: string; progress: ImportProgress | undefined; attempts: number } | undefined> {
  const job = await queue.getJob(importId);
  if (!job) return undefined;
  const progress = typeof job.progress === 'object' ? (job.progress as unknown as ImportProgress) : undefined;
  return { state: await job.getState(), progress, attempts: job.attemptsMade };
}

export interface LeadImportWorkerOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (REDIS_PREFIX); the API's queue must use the same one. */
  prefix: string;
  db: Knex;
  logger: Logger;
  /** Imports run at once (each streams its file; 1 or 2 is plenty). */
  concurrency?: number;
  lockMs?: number;
}

export interface LeadImportWorker {
  worker: Worker<LeadImportJob, ImportResult>;
  close(): Promise<void>;
}

/**
 * Runs lead and do-not-call imports from the queue. A file refused as a whole (wrong encoding,
 * missing columns) fails at once without retries; other failures retry and resume where the last
 * batch committed.
 */
export function startLeadImportWorker(options: LeadImportWorkerOptions): LeadImportWorker {
  const { db, logger } = options;
  const lockMs = options.lockMs ?? DefaultImportLockMs;
  const worker = new Worker<LeadImportJob, ImportResult>(
    LeadImportQueueName,
    async (job: Job<LeadImportJob, ImportResult>) => {
      const importId = job.data?.importId;
      if (typeof importId !== 'string') throw new UnrecoverableError('job data has no importId');
      const log = logger.child({ importId });
      log.info('leads: import started', { attempt: job.attemptsMade + 1 });
      try {
        const result = await runImport(db, importId, { onProgress: (p) => job.updateProgress({ ...p }) });
        log.info('leads: import done', {
          read: result.rows_read,
          imported: result.rows_imported,
          merged: result.rows_merged,
          rejected: result.rows_rejected,
        });
        return result;
      } catch (err) {
        if (err instanceof ImportTakenOverError) {
          log.warn(`leads: ${err.message}`);
          throw err;
        }
        if (err instanceof ImportRefusedError) {
          log.warn(`leads: import refused: ${err.message}`);
          throw new UnrecoverableError(err.message);
        }
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        log.warn(
          `leads: import attempt failed${last ? ' (giving up)' : ', will resume'}: ${(err as Error).message}`,
        );
        if (last)
          await db('lead_imports')
            .where({ id: importId })
            .update({ status: 'failed', error: (err as Error).message, finished_at: db.fn.now() })
            .catch(() => undefined);
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: 10,
    },
  );
  worker.on('error', (err) => logger.warn(`leads: import queue connection: ${err.message}`));
  // Imports recorded but never queued (the API died between its commit and the queue): queue them.
  const queue = createLeadImportQueue(options.connection, options.prefix);
  queue.on('error', () => undefined);
  const resumed = (async () => {
    try {
      const stuck = (await db('lead_imports')
        .whereIn('status', ['queued', 'running'])
        .pluck('id')) as string[];
      for (const id of stuck) await enqueueImport(queue, id);
    } catch (err) {
      logger.warn(`leads: could not re-queue unfinished imports: ${(err as Error).message}`);
    }
  })();
  return {
    worker,
    async close() {
      await resumed;
      await worker.close();
      await queue.close();
    },
  };
}
