import type { Logger } from '../log/index.js';
import { RecordsUnavailableError, errorText } from './errors.js';
import type { RecordsMetrics } from './metrics.js';
import type { IncomingRecord, RecordWriter, StoreResult } from './writer.js';

export const DefaultBatchMax = 2000;
export const DefaultBatchWaitMs = 200;
export const DefaultWriters = 2;
export const DefaultRetryMinMs = 100;
export const DefaultRetryMaxMs = 10_000;

export interface BatcherOptions {
  batchMax?: number;
  batchWaitMs?: number;
  /** Batches committed in parallel (each on its own connection): one builds while the other commits. */
  writers?: number;
  /** Jobs the consumer can hold at once; when all are waiting here, waiting longer cannot fill the batch. */
  slots?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  logger: Logger;
  metrics?: RecordsMetrics;
}

interface Entry {
  items: IncomingRecord[];
  resolve: (r: StoreResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Gathers the records of many jobs into batches of up to `batchMax` records or `batchWaitMs`, and
 * settles each job's promise when its records are committed (or dead-lettered). While Postgres is
 * unavailable it retries the same batch with exponential backoff, holding the jobs: a job is
 * acknowledged only after its rows are committed, so a crash at any point loses nothing.
 */
export class RecordBatcher {
  private pending: Entry[] = [];
  private pendingRecords = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private healthy = true;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly writer: RecordWriter,
    private readonly options: BatcherOptions,
  ) {}

  /** False while the writer is backing off after a failed batch. */
  get writing(): boolean {
    return this.healthy;
  }

  submit(items: IncomingRecord[]): Promise<StoreResult> {
    if (this.closed) return Promise.reject(new Error('records batcher is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.pendingRecords += items.length;
      this.schedule();
    });
  }

  /** Stops retrying: batches still waiting for Postgres are left to the queue's stalled-job recovery. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const wake of this.wakers) wake();
  }

  private get max() {
    return this.options.batchMax ?? DefaultBatchMax;
  }

  private schedule(): void {
    if (this.pending.length === 0 || this.closed) return;
    if (this.inFlight >= (this.options.writers ?? DefaultWriters)) return;
    const full = this.pendingRecords >= this.max;
    const starved =
      this.options.slots !== undefined && this.pending.length >= this.options.slots - this.inFlightJobs;
    if (full || starved) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.batchWaitMs ?? DefaultBatchWaitMs);
    }
  }

  private inFlightJobs = 0;

  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closed) return;
    const take: Entry[] = [];
    let count = 0;
    while (this.pending.length && (count === 0 || count + this.pending[0]!.items.length <= this.max)) {
      const e = this.pending.shift()!;
      take.push(e);
      count += e.items.length;
    }
    this.pendingRecords -= count;
    this.inFlight++;
    this.inFlightJobs += take.length;
    try {
      const result = await this.storeWithRetry(take.flatMap((e) => e.items));
      for (const e of take) e.resolve(result);
    } catch (err) {
      for (const e of take) e.reject(err);
    } finally {
      this.inFlight--;
      this.inFlightJobs -= take.length;
      this.schedule();
    }
  }

  private async storeWithRetry(items: IncomingRecord[]): Promise<StoreResult> {
    const { logger, metrics } = this.options;
    let delay = this.options.retryMinMs ?? DefaultRetryMinMs;
    for (;;) {
      const started = process.hrtime.bigint();
      try {
        const result = await this.writer.store(items);
        if (!this.healthy) logger.info('records: Postgres accepts writes again');
        this.healthy = true;
        metrics?.writerUp.set(1);
        metrics?.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        metrics?.batchSize.observe(items.length);
        metrics?.records.inc({ outcome: 'inserted' }, result.inserted);
        metrics?.records.inc({ outcome: 'duplicate' }, result.duplicates);
        metrics?.records.inc({ outcome: 'dead_letter' }, result.deadLetters);
        metrics?.events.inc(result.events);
        if (result.deadLetters) logger.warn(`records: ${result.deadLetters} record(s) sent to dead letters`);
        return result;
      } catch (err) {
        if (!(err instanceof RecordsUnavailableError)) throw err;
        if (this.closed) throw err;
        this.healthy = false;
        metrics?.writerUp.set(0);
        metrics?.retries.inc();
        logger.warn(
          `records: batch of ${items.length} not written, retrying in ${delay} ms: ${errorText(err.reason)}`,
        );
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? DefaultRetryMaxMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
