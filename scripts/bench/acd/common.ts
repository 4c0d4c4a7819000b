import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import winston from 'winston';
import type { Fact, FactSink } from '../../../src/facts/fact.js';
import { createLogger, type Logger } from '../../../src/log/index.js';

/** Facts kept in memory, each stamped with the wall time it was emitted at (routing latency). */
export class MemoryFacts implements FactSink {
  readonly facts: Array<Fact & { wallMs: number }> = [];
  private readonly listeners: Array<(f: Fact, wallMs: number) => void> = [];
  emit(fact: Fact): void {
    const wallMs = performance.now();
    this.facts.push({ ...fact, wallMs });
    for (const l of this.listeners) l(fact, wallMs);
  }
  on(listener: (f: Fact, wallMs: number) => void): void {
    this.listeners.push(listener);
  }
}

/** A logger that keeps warnings and errors for the report instead of printing them. */
export function benchLogger(): { logger: Logger; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger = createLogger({
    level: 'warn',
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _e, done) {
            const line = String(chunk);
            if (line.includes('"level":"error"')) errors.push(line);
            else warnings.push(line);
            done();
          },
        }),
      }),
    ],
  });
  return { logger, errors, warnings };
}

/** Its own Redis prefix, removed afterwards (SCAN, never FLUSHDB: the server is shared). */
export async function benchRedis(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const prefix = `tongdai_bench_acd_${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // work still winding down at close is not a bench failure
  await redis.connect();
  return {
    redis,
    prefix,
    async close() {
      // Let the engine's last writes (callers leaving at shutdown) land before the keys go.
      await new Promise((r) => setTimeout(r, 300));
      const pattern = `${prefix}*`;
      for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>)
        if (keys.length) await redis.unlink(...keys);
      await redis.quit();
    },
  };
}

export const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** A min-heap of timed bench actions (arrivals, patience running out, end of talk). */
export class Agenda<T> {
  private h: Array<{ at: number; seq: number; item: T }> = [];
  private seq = 0;
  get size(): number {
    return this.h.length;
  }
  push(at: number, item: T): void {
    const h = this.h;
    h.push({ at, seq: this.seq++, item });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  peek(): { at: number; item: T } | undefined {
    return this.h[0];
  }
  pop(): { at: number; item: T } | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.h[a]!;
    const y = this.h[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}
