import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from '../log/index.js';
import { writeDeadLetters } from '../records/dead-letters.js';
import { RecordsUnavailableError, errorText } from '../records/errors.js';
import type { FactKind } from './fact.js';
import { FactKinds } from './kinds/index.js';
import { FactsQueueName, type FactsJob } from './queue.js';
import { FactWriter } from './writer.js';

export interface FactsConsumerOptions {
  connection: ConnectionOptions;
  prefix: string;
  pool: Pool;
  logger: Logger;
  kinds?: readonly FactKind[];
  concurrency?: number;
  lockMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface FactsConsumer {
  worker: Worker<FactsJob>;
  close(): Promise<void>;
}

/**
 * Consumes the `facts` queue. A job is acknowledged only once its facts are committed or
 * dead-lettered; while Postgres is away the job is held and retried with backoff (never failed), so
 * nothing is lost and nothing is written twice.
 */
export function startFactsConsumer(options: FactsConsumerOptions): FactsConsumer {
  const { logger } = options;
  const writer = new FactWriter(options.pool, options.kinds ?? FactKinds);
  let closed = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
    });

  const worker = new Worker<FactsJob>(
    FactsQueueName,
    async (job: Job<FactsJob>) => {
      const facts = (job.data as Partial<FactsJob> | undefined)?.facts;
      if (!Array.isArray(facts)) {
        await writeDeadLetters(options.pool, [
          {
            code: 'invalid_record',
            reason: 'job data has no facts array',
            payload: job.data ?? null,
            jobId: job.id,
            factKind: '(none)',
          },
        ]);
        return { inserted: 0 };
      }
      let delay = options.retryMinMs ?? 100;
      for (;;) {
        try {
          const r = await writer.store(facts, job.id);
          if (r.deadLetters) logger.warn(`facts: ${r.deadLetters} fact(s) sent to dead letters`);
          return r;
        } catch (err) {
          if (!(err instanceof RecordsUnavailableError) || closed) throw err;
          logger.warn(
            `facts: ${facts.length} not written, retrying in ${delay} ms: ${errorText(err.reason)}`,
          );
          await sleep(delay);
          delay = Math.min(delay * 2, options.retryMaxMs ?? 10_000);
        }
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 8,
      lockDuration: options.lockMs ?? 30_000,
      maxStalledCount: 1_000_000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 10_000 },
    },
  );
  worker.on('error', (err) => logger.warn(`facts: queue connection: ${err.message}`));
  worker.on('failed', (job, err) => logger.error(`facts: job ${job?.id} failed: ${err.message}`));
  return {
    worker,
    async close() {
      closed = true;
      for (const wake of wakers) wake();
      await worker.close();
    },
  };
}
