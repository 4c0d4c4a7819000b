import { mkdirSync } from 'node:fs';
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { type CallRecord, recordsJobId } from './record.js';

/** How long records gather before one write + fsync + enqueue (group commit). */
export const DefaultFlushMs = 20;
export const DefaultBatchMax = 500;
/** How often Postgres is asked which handed-on records it has committed. */
export const DefaultConfirmEveryMs = 2000;
/** A record not in Postgres this long after its hand-off is handed on again (Redis may have lost it). */
export const DefaultResendAfterMs = 60_000;
/** Rewrite the file once this many settled lines sit in it. */
export const DefaultCompactAfter = 20_000;

/** Where items go next (BullMQ); `jobId` makes a repeated hand-off of the same batch a no-op. */
export type Enqueue<T = CallRecord> = (items: T[], jobId: string) => Promise<void>;
/** Which of these items' keys Postgres holds (written, or dead-lettered with a reason). */
export type Confirm<T = Pick<CallRecord, 'callId' | 'startedAt'>> = (items: T[]) => Promise<Set<string>>;

interface Pending<T> {
  record: T;
  sentAt: number | undefined;
}

export interface OutboxOptions<T> {
  dir: string;
  /** One file per engine process name, so processes never share a file. */
  name: string;
  enqueue: Enqueue<T>;
  confirm: Confirm<T>;
  logger: Logger;
  flushMs?: number;
  batchMax?: number;
  confirmEveryMs?: number;
  resendAfterMs?: number;
  compactAfter?: number;
}

/** What tells one outbox's items apart: the natural key, the job id of a batch, the file's suffix. */
export interface OutboxShape<T> {
  key(item: T): string;
  jobId(items: T[]): string;
  /** The file is `<name>.<suffix>.jsonl`. */
  suffix: string;
  /** Names the items in log lines ("records", "facts"). */
  noun: string;
}

/**
 * The producer-side outbox: an item (a call record, a fact) is appended to a local file and fsynced before it is handed
 * to BullMQ, and stays there until Postgres has it. Redis (AOF everysec) can lose the last second of
 * jobs in a crash, and this process can die between "call ended" and "job added": on restart, or
 * after `resendAfterMs`, whatever Postgres does not hold is handed on again. The worker's
 * ON CONFLICT DO NOTHING on (call_id, started_at) makes a repeat harmless.
 *
 * File format: one JSON object per line, {"r": item} or {"a": [key, ...]} (settled).
 */
export class Outbox<T> {
  private readonly pending = new Map<string, Pending<T>>();
  private buffer: T[] = [];
  private file: FileHandle | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private confirmTimer: NodeJS.Timeout | undefined;
  /** Every file operation runs on this chain, one at a time, so compaction never races an append. */
  private chain: Promise<void> = Promise.resolve();
  private settledLines = 0;
  private enqueueFailures = 0;
  private closed = false;

  constructor(
    private readonly options: OutboxOptions<T>,
    private readonly shape: OutboxShape<T>,
  ) {}

  private get path(): string {
    return join(this.options.dir, `${this.options.name}.${this.shape.suffix}.jsonl`);
  }

  /** Records written but not yet known to be in Postgres. */
  get size(): number {
    return this.pending.size + this.buffer.length;
  }

  /** Loads what a previous run left and schedules it to be handed on again. */
  async open(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true });
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let torn = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as { r?: T; a?: string[] };
        if (entry.r) this.pending.set(this.shape.key(entry.r), { record: entry.r, sentAt: undefined });
        for (const id of entry.a ?? []) this.pending.delete(id);
      } catch {
        torn++; // the last line of a crash: its record was never acknowledged to anyone
      }
    }
    if (torn) this.options.logger.warn('outbox had unreadable lines, skipped', { lines: torn });
    await this.serial(() => this.compact());
    if (this.pending.size)
      this.options.logger.info(`outbox recovered ${this.shape.noun} from a previous run`, {
        [this.shape.noun]: this.pending.size,
      });
    this.confirmTimer = setInterval(
      () => void this.confirmAndResend(),
      this.options.confirmEveryMs ?? DefaultConfirmEveryMs,
    );
    this.confirmTimer.unref();
    void this.confirmAndResend();
  }

  add(record: T): void {
    if (this.closed) throw new Error('outbox is closed');
    this.buffer.push(record);
    if (this.buffer.length >= (this.options.batchMax ?? DefaultBatchMax)) this.scheduleFlush(0);
    else this.scheduleFlush(this.options.flushMs ?? DefaultFlushMs);
  }

  private scheduleFlush(ms: number): void {
    if (this.flushTimer && ms > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.serial(() => this.flush());
    }, ms);
  }

  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op).catch((err: Error) => {
      this.options.logger.error('outbox file operation failed', { error: err.message });
    });
    this.chain = next;
    return next;
  }

  /** Writes and fsyncs the buffered records, then hands them on. */
  private async flush(): Promise<void> {
    const batch = this.buffer;
    if (!batch.length) return;
    this.buffer = [];
    try {
      this.file ??= await open(this.path, 'a');
      await this.file.appendFile(batch.map((r) => JSON.stringify({ r })).join('\n') + '\n');
      await this.file.sync();
    } catch (err) {
      this.buffer = batch.concat(this.buffer); // disk trouble: keep them in memory and try again
      this.scheduleFlush(1000);
      throw err;
    }
    for (const record of batch) this.pending.set(this.shape.key(record), { record, sentAt: undefined });
    await this.handOn(batch);
  }

  private async handOn(records: T[]): Promise<void> {
    try {
      await this.options.enqueue(records, this.shape.jobId(records));
      const now = Date.now();
      for (const r of records) {
        const p = this.pending.get(this.shape.key(r));
        if (p) p.sentAt = now;
      }
      this.enqueueFailures = 0;
    } catch (err) {
      // Redis is down: the records are safe on disk; the confirm loop hands them on again.
      if (this.enqueueFailures++ % 50 === 0) {
        this.options.logger.warn(`${this.shape.noun} not handed to the queue yet, kept in the outbox`, {
          [this.shape.noun]: records.length,
          error: (err as Error).message,
        });
      }
    }
  }

  /** Drops what Postgres holds; hands on again what was never sent or was sent long ago. */
  async confirmAndResend(): Promise<void> {
    if (this.closed || !this.pending.size) return;
    const now = Date.now();
    const resendAfter = this.options.resendAfterMs ?? DefaultResendAfterMs;
    const candidates = [...this.pending.values()].filter(
      (p) => p.sentAt === undefined || now - p.sentAt > 1000,
    );
    for (let i = 0; i < candidates.length; i += 5000) {
      const chunk = candidates.slice(i, i + 5000);
      let held: Set<string>;
      try {
        held = await this.options.confirm(chunk.map((p) => p.record));
      } catch {
        return; // Postgres down: keep everything, ask again later
      }
      const settled: string[] = [];
      const again: T[] = [];
      for (const p of chunk) {
        const key = this.shape.key(p.record);
        if (held.has(key)) settled.push(key);
        else if (p.sentAt === undefined || now - p.sentAt > resendAfter) again.push(p.record);
      }
      if (settled.length) await this.serial(() => this.settle(settled));
      for (let j = 0; j < again.length; j += this.options.batchMax ?? DefaultBatchMax) {
        await this.handOn(again.slice(j, j + (this.options.batchMax ?? DefaultBatchMax)));
      }
    }
    if (this.settledLines > (this.options.compactAfter ?? DefaultCompactAfter))
      await this.serial(() => this.compact());
  }

  private async settle(keys: string[]): Promise<void> {
    for (const id of keys) this.pending.delete(id);
    this.file ??= await open(this.path, 'a');
    await this.file.appendFile(JSON.stringify({ a: keys }) + '\n');
    this.settledLines += keys.length;
  }

  /** Rewrites the file with only what is still pending (atomic rename). */
  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const out = await open(tmp, 'w');
    await out.appendFile(
      [...this.pending.values()].map((p) => JSON.stringify({ r: p.record }) + '\n').join(''),
    );
    await out.sync();
    await out.close();
    await this.file?.close();
    this.file = undefined;
    await rename(tmp, this.path);
    this.settledLines = 0;
  }

  /** Flushes what is buffered; pending records stay on disk for the next run. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.confirmTimer);
    clearTimeout(this.flushTimer);
    await this.serial(() => this.flush());
    await this.file?.close();
    this.file = undefined;
  }
}

/** The call records' outbox: keyed by call id, in `<name>.outbox.jsonl`. */
export class RecordOutbox extends Outbox<CallRecord> {
  constructor(options: OutboxOptions<CallRecord>) {
    super(options, { key: (r) => r.callId, jobId: recordsJobId, suffix: 'outbox', noun: 'records' });
  }
}
