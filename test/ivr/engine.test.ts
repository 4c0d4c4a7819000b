import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { ApiKeyStore } from '../../src/auth/store.js';
import { loadConfig } from '../../src/config/index.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { createMetrics } from '../../src/metrics/index.js';
import { startRecordsConsumer } from '../../src/records/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { capturingLogger, eventually } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/net.js';
import { type TestRedis, createTestRedis } from '../helpers/redis.js';

describe('ivr: wired into the engine (FLOWS_DIR), call_events and ivr_node_stats, the API', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let db: TestDatabase;
  let redis: TestRedis;
  let engine: Engine;
  let outbox: string;
  let base: string;
  const keys: Record<string, string> = {};

  before(async () => {
    sim = await startSimulator({ port: 0, user: 'tongdai', password: 'demo-pw' });
    db = await createTestDatabase();
    redis = await createTestRedis();
    outbox = mkdtempSync(join(tmpdir(), 'tongdai-ivr-'));
    const port = await freePort();
    const config = loadConfig({
      ARI_URL: sim.url,
      ARI_PASSWORD: 'demo-pw',
      DATABASE_URL: db.url,
      REDIS_PREFIX: redis.prefix.replace(/:$/, ''),
      HTTP_PORT: String(port),
      OUTBOX_DIR: outbox,
      FLOWS_DIR: 'flows',
    });
    engine = await startEngine(config, capturingLogger().logger, createMetrics());
    await engine.ari;
    base = `http://127.0.0.1:${port}`;
    const store = new ApiKeyStore(db.knex);
    for (const role of ['admin', 'supervisor', 'analyst'] as const)
      keys[role] = (await store.create({ name: `ivr-${role}`, role })).key;
  });
  after(async () => {
    await engine?.close();
    await sim?.close().catch(() => undefined);
    await redis?.cleanup();
    await db?.drop();
    rmSync(outbox, { recursive: true, force: true });
  });

  const api = (path: string, role: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${keys[role]}`, 'content-type': 'application/json' },
    });

  it('a call walks the sample flow; every node visit is a call_events row; the view counts them', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const consumer = startRecordsConsumer({
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: redis.prefix.replace(/:$/, ''),
      pool,
      logger: capturingLogger().logger,
      batchWaitMs: 20,
    });
    try {
      // Press 3 (English), then hang up in the purpose menu (or after hours, by the real clock).
      await sim.control.placeCall({
        from: '+84901234567',
        to: '+842838220000',
        script: [{ atMs: 200, dtmf: '3' }],
        hangupAfterMs: 2500,
      });
      await eventually(
        async () => Number((await db.knex('calls').count({ n: '*' }))[0]!.n) === 1,
        'the call row',
        30_000,
      );
      const events = await db.knex('call_events').where({ type: 'ivr_node' }).orderBy('seq');
      const path = events.map((e) => `${e.detail.node}:${e.detail.branch}`);
      expect(path.slice(0, 5)).to.deep.equal([
        'welcome:next',
        'customer:notFound',
        'language_menu:3',
        'lang_en:next',
        `office_hours:${events[4]!.detail.branch}`,
      ]);
      expect(path.at(-1)).to.match(/:hangup$/);
      expect(events[0]!.detail).to.include({ flow: 'main', version: 1, nodeType: 'play' });
      const stats = await db.knex('ivr_node_stats').where({ flow_id: 'main' }).orderBy('node_id');
      const menu = stats.find((s) => s.node_id === 'language_menu')!;
      expect(menu).to.include({ node_type: 'menu' });
      expect(Number(menu.entries)).to.equal(1);
      expect(menu.exits_by_branch).to.deep.equal({ '3': 1 });
      expect(stats.reduce((n, s) => n + Number(s.hangups), 0)).to.equal(1);
    } finally {
      await consumer.close();
      await pool.end();
    }
  });

  it('API: analysts read flows and versions; only admins change them; a bad document is refused with its path', async () => {
    const list = await api('/api/v1/ivr/flows', 'analyst');
    expect(list.status).to.equal(200);
    const body = (await list.json()) as {
      items: Array<{ flow_id: string; version: number }>;
      routing: { default: string };
    };
    expect(body.items.map((i) => i.flow_id)).to.deep.equal(['billing', 'intl', 'main', 'service']);
    expect(body.routing.default).to.equal('main');

    const main = (await (await api('/api/v1/ivr/flows/service', 'supervisor')).json()) as {
      document: Record<string, any>;
    };
    const changed: Record<string, any> = { ...main.document, description: 'Shorter greeting' };
    expect(
      (
        await api('/api/v1/ivr/flows/service', 'supervisor', {
          method: 'PUT',
          body: JSON.stringify({ document: changed }),
        })
      ).status,
    ).to.equal(403);

    const bad = structuredClone(changed);
    bad.nodes.purpose_menu.options['1'] = 'nowhere';
    const refused = await api('/api/v1/ivr/flows/service', 'admin', {
      method: 'PUT',
      body: JSON.stringify({ document: bad }),
    });
    expect(refused.status).to.equal(400);
    const err = (await refused.json()) as {
      error: { code: string; issues: Array<{ path: string; message: string }> };
    };
    expect(err.error.code).to.equal('VALIDATION_FAILED');
    expect(err.error.issues).to.deep.equal([
      { path: 'body.document.nodes.purpose_menu.options.1', message: 'no node "nowhere"' },
    ]);

    const put = await api('/api/v1/ivr/flows/service', 'admin', {
      method: 'PUT',
      body: JSON.stringify({ document: changed, comment: 'shorter' }),
    });
    expect(put.status).to.equal(200);
    expect(await put.json()).to.include({
      flow_id: 'service',
      version: 2,
      source: 'api',
      comment: 'shorter',
    });

    const versions = (await (await api('/api/v1/ivr/flows/service/versions', 'analyst')).json()) as {
      items: Array<{ version: number; changed_by: string }>;
    };
    expect(versions.items.map((v) => v.version)).to.deep.equal([2, 1]);
    expect(versions.items[0]!.changed_by).to.match(/^ivr-admin \(/);
    const v1 = (await (await api('/api/v1/ivr/flows/service/versions/1', 'analyst')).json()) as {
      document: { description: string };
    };
    expect(v1.document.description).to.not.equal('Shorter greeting');
    expect((await api('/api/v1/ivr/flows/nope/versions/1', 'analyst')).status).to.equal(404);
  });

  it('API: surveys loaded from flows/surveys; voicemail boxes declared in routing.yaml exist', async () => {
    const surveys = (await (await api('/api/v1/surveys', 'analyst')).json()) as {
      items: Array<{ id: string; questions: Array<{ id: string; type: string }> }>;
    };
    expect(surveys.items.map((s) => s.id)).to.deep.equal(['post_call']);
    expect(surveys.items[0]!.questions.map((q) => q.type)).to.deep.equal(['csat', 'nps', 'yes_no']);
    expect((await api('/api/v1/surveys/post_call', 'supervisor')).status).to.equal(200);
    expect((await api('/api/v1/surveys/nope', 'supervisor')).status).to.equal(404);
    const boxes = (await (await api('/api/v1/voicemail/boxes', 'supervisor')).json()) as {
      items: Array<{ box_id: string; owner_type: string }>;
    };
    expect(boxes.items.map((b) => `${b.box_id}:${b.owner_type}`)).to.deep.equal([
      'reception:team',
      'support:queue',
    ]);
    expect((await api('/api/v1/follow-ups', 'analyst')).status).to.equal(200);
  });
});
