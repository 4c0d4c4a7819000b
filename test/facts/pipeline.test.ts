import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { z } from 'zod';
import {
  defineFactKind,
  fact,
  factId,
  startFactsConsumer,
  startFactsPipeline,
  type FactsConsumer,
  type FactsPipeline,
} from '../../src/facts/index.js';
import { silentLogger } from '../../src/log/index.js';
import { eventually } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type TestRedis, createTestRedis, deletePrefix } from '../helpers/redis.js';

/** A kind of the test's own, on a table of its own: the pipeline knows nothing about real kinds. */
const Rating = defineFactKind({
  kind: 'test_rating',
  table: 'test_ratings',
  schema: z.object({
    call_id: z.uuid(),
    queue: z.string().nullable(),
    score: z.number().int(),
    tags: z.array(z.string()).default([]),
    detail: z.record(z.string(), z.unknown()).default({}),
  }),
});

describe('facts: typed rows through outbox → BullMQ → worker → Postgres', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let redis: TestRedis;
  let pool: pg.Pool;
  let dir: string;
  let pipeline: FactsPipeline | undefined;
  let consumer: FactsConsumer | undefined;
  const prefix = () => redis.prefix.replace(/:$/, '');
  const callId = '6f1d9a52-3c2e-4d8a-9f00-84a1b2c3d4e5';

  beforeEach(async () => {
    db = await createTestDatabase({ migrate: true });
    await db.knex.raw(`CREATE TABLE test_ratings (
      id uuid PRIMARY KEY, occurred_at timestamptz NOT NULL, call_id uuid NOT NULL, queue text,
      score integer NOT NULL CHECK (score BETWEEN 1 AND 5), tags text[] NOT NULL, detail jsonb NOT NULL)`);
    redis = await createTestRedis();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    dir = mkdtempSync(join(tmpdir(), 'tongdai-facts-'));
  });
  afterEach(async () => {
    await pipeline?.close();
    await consumer?.close();
    pipeline = consumer = undefined;
    await pool.end();
    await redis.cleanup();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = () =>
    startFactsPipeline({
      redis: redis.redis,
      db: db.knex,
      prefix: prefix(),
      dir,
      name: 'e1',
      logger: silentLogger(),
      kinds: [Rating],
      confirmEveryMs: 100,
      flushMs: 5,
    });
  const consume = () =>
    startFactsConsumer({
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: prefix(),
      pool,
      logger: silentLogger(),
      kinds: [Rating],
    });
  const rating = (n: number, score = 4) =>
    fact(Rating, factId('rating', callId, n), new Date(Date.UTC(2026, 10, 23, 3, 0, n)), {
      call_id: callId,
      queue: n % 2 ? 'ban-hang' : null,
      score,
      tags: ['vi', `q${n}`],
      detail: { question: `q${n}`, lang: 'vi' },
    });

  it('lands each fact once with typed columns, a repeat adds nothing, and the outbox empties', async () => {
    pipeline = await open();
    consumer = consume();
    for (let n = 1; n <= 20; n++) pipeline.sink.emit(rating(n, 1 + (n % 5)));
    pipeline.sink.emit(rating(3, 4)); // the same fact again (same id): one row
    await eventually(
      async () => Number((await db.knex('test_ratings').count('* as n'))[0]!.n) === 20,
      'rows',
    );
    await eventually(() => pipeline!.outbox.size === 0, 'outbox settled');
    const row = await db
      .knex('test_ratings')
      .where({ id: factId('rating', callId, 1) })
      .first();
    expect(row).to.deep.include({ call_id: callId, queue: 'ban-hang', score: 2 });
    expect(row.tags).to.deep.equal(['vi', 'q1']);
    expect(row.detail).to.deep.equal({ question: 'q1', lang: 'vi' });
    expect(new Date(row.occurred_at).toISOString()).to.equal('2026-11-23T03:00:01.000Z');
  });

  it('dead-letters what can never be written (unknown kind, bad shape, a row Postgres refuses) and keeps the rest', async () => {
    pipeline = await open();
    consumer = consume();
    const good = rating(1, 5);
    const outOfRange = rating(2, 9); // CHECK (score BETWEEN 1 AND 5) refuses it
    const unknown = { kind: 'no_such_kind', id: factId('x', 1), at: good.at, data: {} };
    const badShape = { ...rating(3), data: { call_id: 'not-a-uuid', score: 'five' } };
    for (const f of [good, outOfRange, unknown, badShape]) pipeline.sink.emit(f);
    await eventually(() => pipeline!.outbox.size === 0, 'every fact settled (written or dead-lettered)');
    expect((await db.knex('test_ratings').select('id')).map((r) => r.id)).to.deep.equal([good.id]);
    const letters = await db
      .knex('call_record_dead_letters')
      .select('fact_kind', 'fact_id', 'error_code', 'reason', 'call_id')
      .orderBy('fact_id');
    const byId = new Map(letters.map((l) => [l.fact_id, l]));
    expect(byId.get(outOfRange.id)).to.include({ fact_kind: 'test_rating', error_code: 'write_rejected' });
    expect(byId.get(outOfRange.id).reason).to.match(/check constraint/i);
    expect(byId.get(unknown.id)).to.include({ fact_kind: 'no_such_kind', error_code: 'invalid_record' });
    expect(byId.get(unknown.id).reason).to.contain('unknown fact kind "no_such_kind"');
    expect(byId.get(badShape.id).reason).to.match(/data\.call_id/);
    expect(letters.every((l) => l.call_id === null)).to.equal(true);
  });

  it('facts emitted while no worker runs stay in the fsynced file and are delivered after a restart', async () => {
    pipeline = await open();
    for (let n = 1; n <= 5; n++) pipeline.sink.emit(rating(n));
    await eventually(() => {
      try {
        return readFileSync(join(dir, 'e1.facts.jsonl'), 'utf8').trim().split('\n').length === 5;
      } catch {
        return false;
      }
    }, 'five lines on disk');
    await pipeline.close();
    await deletePrefix(redis.redis, redis.prefix); // Redis lost its jobs meanwhile
    pipeline = await open();
    expect(pipeline.outbox.size).to.equal(5);
    consumer = consume();
    await eventually(async () => Number((await db.knex('test_ratings').count('* as n'))[0]!.n) === 5, 'rows');
    await eventually(() => pipeline!.outbox.size === 0, 'outbox settled');
  });
});
