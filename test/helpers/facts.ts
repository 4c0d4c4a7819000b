import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  startFactsConsumer,
  startFactsPipeline,
  type FactKind,
  type FactsConsumer,
  type FactsPipeline,
} from '../../src/facts/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { TestRedis } from './redis.js';

/** The engine's facts outbox and the worker's consumer, end to end, for a test's own database and prefix. */
export interface FactsLoop {
  pipeline: FactsPipeline;
  consumer: FactsConsumer;
  /** Closes both and removes the outbox folder (the database and Redis stay the caller's). */
  close(): Promise<void>;
}

export async function startFactsLoop(o: {
  db: { url: string; knex: import('knex').Knex };
  redis: TestRedis;
  kinds: FactKind[];
  name: string;
}): Promise<FactsLoop> {
  const dir = mkdtempSync(join(tmpdir(), `tongdai-facts-${o.name}-`));
  const prefix = o.redis.prefix.replace(/:$/, '');
  const pipeline = await startFactsPipeline({
    redis: o.redis.redis,
    db: o.db.knex,
    prefix,
    dir,
    name: o.name,
    logger: silentLogger(),
    kinds: o.kinds,
    confirmEveryMs: 100,
    flushMs: 5,
  });
  const pool = new pg.Pool({ connectionString: o.db.url, max: 2 });
  const consumer = startFactsConsumer({
    connection: o.redis.redis.duplicate({ maxRetriesPerRequest: null }),
    prefix,
    pool,
    logger: silentLogger(),
    kinds: o.kinds,
  });
  return {
    pipeline,
    consumer,
    async close() {
      await pipeline.close();
      await consumer.close();
      await pool.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
