import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RecordsQueueName, recordsJobId, type RecordsJob } from '../../src/cdr/record.js';
import { createKnex, ensureDatabase, migrateLatest, type Knex } from '../../src/db/index.js';
import { silentLogger } from '../../src/log/index.js';
import { generateRecords } from '../../src/records/generate.js';
import {
  freePort,
  getJson,
  spawnWorker,
  startPostgresServer,
  startRedisServer,
  waitFor,
  type PostgresServer,
  type RedisServer,
  type WorkerProcess,
} from './servers.js';

/**
 * Faults on private servers (never the shared 5432/6379): kill -9 of the worker, a Redis restart
 * (AOF everysec) and a Postgres restart while calls keep arriving. Every call must end up stored
 * exactly once and the queue must end empty.
 */
describe('records: faults (private Redis and Postgres)', function () {
  this.timeout(120_000);
  let pgServer: PostgresServer;
  let redisServer: RedisServer;
  let knex: Knex;
  let dbUrl: string;
  let redis: Redis;
  let queue: Queue<RecordsJob>;
  let worker: WorkerProcess | undefined;
  let port: number;
  const prefix = `tongdai_fault_${randomBytes(4).toString('hex')}`;

  const startWorker = () => {
    worker = spawnWorker({
      DATABASE_URL: dbUrl,
      REDIS_URL: redisServer.url,
      REDIS_PREFIX: prefix,
      WORKER_HTTP_PORT: String(port),
      RECORDS_LOCK_MS: '2000',
      RECORDS_BATCH_WAIT_MS: '50',
    });
    return worker;
  };
  const killWorker = async () => {
    if (!worker || worker.child.exitCode !== null) return;
    worker.child.kill('SIGKILL');
    await worker.exited;
  };
  const calls = async () =>
    Number(
      (await knex.raw('SELECT count(*)::integer AS n FROM calls').catch(() => ({ rows: [{ n: -1 }] })))
        .rows[0].n,
    );

  /** The engine's side of the hand-off: retried until Redis takes it; the job id makes a retry harmless. */
  async function handOff(records: RecordsJob['records']): Promise<void> {
    for (;;) {
      try {
        await queue.add('records', { records }, { jobId: recordsJobId(records), removeOnComplete: true });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  before(async () => {
    [pgServer, redisServer] = await Promise.all([startPostgresServer(), startRedisServer({ aof: true })]);
    const url = new URL(pgServer.url);
    url.pathname = '/tongdai_fault';
    dbUrl = url.toString();
    await ensureDatabase(dbUrl);
    knex = createKnex(dbUrl, { poolMax: 2, logger: silentLogger() });
    await migrateLatest(knex);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    queue = new Queue<RecordsJob>(RecordsQueueName, { connection: redis, prefix });
    queue.on('error', () => undefined);
    port = await freePort();
  });
  after(async () => {
    await killWorker();
    await queue?.close().catch(() => undefined);
    redis?.disconnect();
    await knex?.destroy();
    await Promise.allSettled([pgServer?.destroy(), redisServer?.destroy()]);
  });
  afterEach(killWorker);

  it('Postgres down: the worker backs off, /health says degraded, and nothing is lost when it returns', async () => {
    startWorker();
    await waitFor(
      'worker /health',
      async () => (await getJson(`http://127.0.0.1:${port}/health`)).status === 200,
    );
    await pgServer.stop();
    const now = Date.now();
    const records = generateRecords(200, { from: new Date(now - 3_600_000), to: new Date(now), seed: 31 });
    for (let i = 0; i < records.length; i += 50) await handOff(records.slice(i, i + 50));
    await waitFor('/health degraded', async () => {
      const h = await getJson(`http://127.0.0.1:${port}/health`);
      return h.status === 503 && h.body.status === 'degraded' && h.body.checks.postgres.ok === false;
    });
    await pgServer.start();
    await waitFor('200 calls', async () => (await calls()) === 200, 30_000);
    await waitFor(
      '/health ok',
      async () => (await getJson(`http://127.0.0.1:${port}/health`)).status === 200,
    );
    expect(
      await knex.raw('SELECT count(*)::integer AS n FROM call_record_dead_letters'),
    ).to.have.nested.property('rows[0].n', 0);
    await knex.raw('TRUNCATE calls, call_events, call_rollups');
  });

  it('5,000 calls through 3 kill -9 of the worker, a Redis restart and a Postgres restart: each stored once, queue empty', async () => {
    const total = 5000;
    const now = Date.now();
    const records = generateRecords(total, {
      from: new Date(now - 6 * 3_600_000),
      to: new Date(now),
      seed: 77,
    });
    startWorker();
    let produced = 0;
    const producer = (async () => {
      for (let i = 0; i < total; i += 50) {
        await handOff(records.slice(i, i + 50));
        produced += 50;
        await new Promise((r) => setTimeout(r, 25)); // ~2,000 calls/s, so the faults land mid-run
      }
    })();
    const atProduced = (n: number) => waitFor(`${n} calls handed off`, async () => produced >= n, 60_000, 20);
    // Each kill lands on a worker that is mid-stream: it has written some calls and holds more.
    const atStored = (n: number) =>
      waitFor(`${n} calls stored`, async () => (await calls()) >= n, 60_000, 20);

    await atProduced(600);
    await atStored(200);
    await killWorker();
    startWorker();
    await atProduced(1500);
    await atStored(1000);
    await killWorker();
    startWorker();
    await atProduced(2200);
    await redisServer.stop();
    await new Promise((r) => setTimeout(r, 300));
    await redisServer.start();
    await atProduced(3000);
    await pgServer.stop();
    await new Promise((r) => setTimeout(r, 300));
    await pgServer.start();
    await atProduced(3800);
    await atStored(3000);
    await killWorker();
    startWorker();
    await producer;

    await waitFor(`${total} calls`, async () => (await calls()) === total, 60_000, 200);
    await waitFor('an empty queue', async () => {
      const c = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'completed',
        'failed',
        'prioritized',
      );
      return Object.values(c).every((n) => n === 0);
    });
    const r = await knex.raw(`
      SELECT (SELECT count(*) FROM calls)::integer AS calls,
             (SELECT count(DISTINCT call_id) FROM calls)::integer AS distinct_calls,
             (SELECT count(*) FROM call_events)::integer AS events,
             (SELECT sum(offered) FROM call_rollups WHERE grain = 'day' AND dimension = 'all')::integer AS rolled_up,
             (SELECT count(*) FROM call_record_dead_letters)::integer AS dead_letters`);
    expect(r.rows[0]).to.deep.equal({
      calls: total,
      distinct_calls: total,
      events: total * 8,
      rolled_up: total,
      dead_letters: 0,
    });
    const ids = new Set(records.map((x) => x.callId));
    const stored = await knex.raw('SELECT call_id FROM calls');
    expect(stored.rows.every((row: { call_id: string }) => ids.has(row.call_id))).to.equal(true);
    const jobKeys = await redis.keys(`${prefix}:${RecordsQueueName}:records.*`);
    expect(jobKeys).to.deep.equal([]);
  });
});
