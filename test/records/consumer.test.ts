import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RecordsQueueName, recordsJobId, type RecordsJob } from '../../src/cdr/record.js';
import { silentLogger } from '../../src/log/index.js';
import { generateRecords } from '../../src/records/generate.js';
import { assertNoEviction, RedisEvictionPolicyError, startRecordsConsumer } from '../../src/records/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, TestRedisUrl, type TestRedis } from '../helpers/redis.js';
import { freePort, getJson, spawnWorker, startRedisServer, waitFor, type RedisServer } from './servers.js';

const From = new Date(Date.now() - 20 * 86_400_000);
const To = new Date(Date.now() - 86_400_000);

async function callCount(db: TestDatabase): Promise<number> {
  return (await db.knex.raw('SELECT count(*)::integer AS n FROM calls')).rows[0].n;
}

async function queueIsEmpty(queue: Queue): Promise<boolean> {
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'completed',
    'failed',
    'waiting-children',
    'prioritized',
  );
  return Object.values(counts).every((n) => n === 0);
}

function batches(records: ReturnType<typeof generateRecords>, size: number): RecordsJob[] {
  const out: RecordsJob[] = [];
  for (let i = 0; i < records.length; i += size) out.push({ records: records.slice(i, i + size) });
  return out;
}

describe('records: queue consumer and worker process', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let queue: Queue;
  let lru: RedisServer | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
    redis = await createTestRedis();
    queue = new Queue(RecordsQueueName, {
      connection: redis.redis.duplicate(),
      prefix: redis.prefix.slice(0, -1),
    });
  });
  afterEach(async () => {
    await queue?.close();
    await redis?.cleanup();
    await db?.drop();
  });
  after(async () => lru?.destroy());

  it('writes the records of many jobs in shared batches and leaves nothing in the queue', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const consumer = startRecordsConsumer({
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: redis.prefix.slice(0, -1),
      pool,
      logger: silentLogger(),
      batchWaitMs: 20,
    });
    try {
      const records = generateRecords(1500, { from: From, to: To, seed: 11 });
      const jobs = batches(records, 50);
      await queue.addBulk(
        jobs.map((data) => ({ name: 'records', data, opts: { jobId: recordsJobId(data.records) } })),
      );
      await queue.add('records', { nothing: 'here' } as unknown as RecordsJob);
      await waitFor('1500 calls', async () => (await callCount(db)) === 1500);
      await waitFor('an empty queue', () => queueIsEmpty(queue));
      const letters = await db.knex.raw(`SELECT reason FROM call_record_dead_letters`);
      expect(letters.rows.map((r: { reason: string }) => r.reason)).to.deep.equal([
        'job data has no records array',
      ]);
    } finally {
      await consumer.close();
      await pool.end();
    }
  });

  it('assertNoEviction accepts noeviction and refuses any other policy with a one-line reason', async () => {
    const shared = new Redis(TestRedisUrl);
    try {
      await assertNoEviction(shared);
    } finally {
      shared.disconnect();
    }
    lru = await startRedisServer({ policy: 'allkeys-lru', aof: false });
    const client = new Redis(lru.url);
    let error: unknown;
    await assertNoEviction(client)
      .catch((e) => (error = e))
      .finally(() => client.disconnect());
    expect(error).to.be.instanceOf(RedisEvictionPolicyError);
    expect((error as Error).message)
      .to.match(/allkeys-lru/)
      .and.match(/noeviction/)
      .and.not.match(/\n/);
  });

  it('npm run worker refuses to start on an evicting Redis', async () => {
    lru ??= await startRedisServer({ policy: 'allkeys-lru', aof: false });
    const w = spawnWorker({
      REDIS_URL: lru.url,
      DATABASE_URL: db.url,
      WORKER_HTTP_PORT: String(await freePort()),
    });
    expect(await w.exited).to.equal(1);
    const lines = w.output().trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/maxmemory-policy is "allkeys-lru".*noeviction/);
  });

  it('npm run worker drains the queue, reports healthy, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const w = spawnWorker({
      REDIS_URL: TestRedisUrl,
      REDIS_PREFIX: redis.prefix.slice(0, -1),
      DATABASE_URL: db.url,
      WORKER_HTTP_PORT: String(port),
      RECORDS_BATCH_WAIT_MS: '20',
    });
    try {
      const records = generateRecords(400, { from: From, to: To, seed: 12 });
      await queue.addBulk(batches(records, 40).map((data) => ({ name: 'records', data })));
      await waitFor('400 calls', async () => (await callCount(db)) === 400, 30_000);
      await waitFor('an empty queue', () => queueIsEmpty(queue));
      await waitFor('/health', async () => (await getJson(`http://127.0.0.1:${port}/health`)).status === 200);
      const health = await getJson(`http://127.0.0.1:${port}/health`);
      expect(health.body.status).to.equal('ok');
      expect(Object.keys(health.body.checks)).to.include.members(['redis', 'postgres']);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
      expect(metrics).to.match(/tongdai_records_total\{outcome="inserted"\} 400/);
      w.child.kill('SIGTERM');
      expect(await w.exited, w.output()).to.equal(0);
    } finally {
      if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }
  });
});
