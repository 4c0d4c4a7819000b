import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { createMetrics } from '../../src/metrics/index.js';
import { startRecordsConsumer } from '../../src/records/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { capturingLogger, eventually } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/net.js';
import { type TestRedis, createTestRedis } from '../helpers/redis.js';

describe('engine: the composition root against the simulator, Postgres and Redis', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let db: TestDatabase;
  let redis: TestRedis;
  let engine: Engine | undefined;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, user: 'tongdai', password: 'demo-pw' });
    db = await createTestDatabase({ migrate: true });
    redis = await createTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'tongdai-engine-'));
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await sim.close().catch(() => undefined);
    await redis.cleanup();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function boot(): Promise<{ base: string; lines: string[] }> {
    const port = await freePort();
    const config = loadConfig({
      ARI_URL: sim.url,
      ARI_PASSWORD: 'demo-pw',
      DATABASE_URL: db.url,
      REDIS_PREFIX: redis.prefix.replace(/:$/, ''),
      HTTP_PORT: String(port),
      OUTBOX_DIR: dir,
      WELCOME_SOUND: 'sound:beep',
      ARI_RECONNECT_MAX_MS: '200',
    });
    const { logger, lines } = capturingLogger();
    engine = await startEngine(config, logger, createMetrics());
    await engine.ari;
    return { base: `http://127.0.0.1:${port}`, lines };
  }

  it('/health is 200 with ARI, Redis and Postgres up, 503 naming ARI when Asterisk goes away', async () => {
    const { base } = await boot();
    const ok = await fetch(`${base}/health`);
    expect(ok.status).to.equal(200);
    const body = (await ok.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).to.equal('ok');
    expect(Object.keys(body.checks).sort()).to.deep.equal(['ari', 'outbox', 'postgres', 'redis']);
    expect((body.checks.outbox as { detail?: string }).detail).to.match(/^pending records \d+, facts \d+$/);
    await sim.control.refuseConnections(60_000);
    await sim.control.dropWebSockets();
    await eventually(
      async () => (await fetch(`${base}/health`)).status === 503,
      '503 while Asterisk is away',
    );
    const down = (await (await fetch(`${base}/health`)).json()) as {
      status: string;
      checks: Record<string, { ok: boolean }>;
    };
    expect(down.status).to.equal('degraded');
    expect(down.checks.ari!.ok).to.equal(false);
    expect(down.checks.postgres!.ok).to.equal(true);
  });

  it('an inbound call runs the welcome flow and leaves its record in Postgres; metrics count it', async () => {
    const { base, lines } = await boot();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const consumer = startRecordsConsumer({
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: redis.prefix.replace(/:$/, ''),
      pool,
      logger: capturingLogger().logger,
      batchWaitMs: 20,
    });
    try {
      await sim.control.placeCall({ from: '+84901234567', to: '+842838220000', language: 'vi' });
      await eventually(
        async () => Number((await db.knex('calls').count({ n: '*' }))[0]!.n) === 1,
        'the call row',
        30_000,
      );
      const row = await db.knex('calls').first();
      expect(row).to.include({
        direction: 'inbound',
        disposition: 'answered',
        hangup_by: 'system',
        language: 'vi',
        did: '+842838220000',
      });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).to.match(/tongdai_ari_events_total\{type="StasisStart"\} 1/);
      expect(metrics).to.include('tongdai_ari_rest_seconds_bucket');
      expect(metrics).to.match(/tongdai_active_calls 0/);
      expect(lines.join('\n')).to.not.include('demo-pw');
    } finally {
      await consumer.close();
      await pool.end();
    }
  });

  it('refuses to start on a Redis that may evict keys', async () => {
    const original = ((await redis.redis.config('GET', 'maxmemory-policy')) as string[])[1]!;
    await redis.redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const err = await boot().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.include('noeviction');
    } finally {
      await redis.redis.config('SET', 'maxmemory-policy', original);
    }
  });
});
