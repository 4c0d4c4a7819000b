import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createKnex } from '../../src/db/index.js';
import { silentLogger } from '../../src/log/index.js';
import { postgresCheck, redisCheck, runCheck } from '../../src/api/index.js';
import { startApi, type ApiHarness } from './harness.js';

describe('api: /health', () => {
  describe('with every dependency up', () => {
    let h: ApiHarness;
    before(async () => (h = await startApi()));
    after(async () => h?.close());

    it('answers 200 ok with each check, without an API key', async () => {
      const res = await h.request('/health');
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({
        status: 'ok',
        checks: { ari: { ok: true }, redis: { ok: true }, postgres: { ok: true } },
      });
    });

    it('logs health probes at debug, with the request id', async () => {
      const res = await h.request('/health', { headers: { 'x-request-id': 'probe-1' } });
      expect(res.headers.get('x-request-id')).to.equal('probe-1');
      const line = h.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'probe-1');
      expect(line).to.include({ level: 'debug', message: 'http request', route: '/health', status: 200 });
    });
  });

  describe('with dependencies down', () => {
    let h: ApiHarness;
    let deadRedis: Redis;
    const deadPg = createKnex('postgres://postgres@127.0.0.1:1/nowhere', {
      acquireTimeoutMs: 300,
      logger: silentLogger(),
    });
    before(async () => {
      // Real clients pointed at a closed port: the failures are the drivers' own.
      deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      deadRedis.on('error', () => {});
      await deadRedis.connect().catch(() => {});
      h = await startApi({
        checks: {
          ari: async () => ({ ok: false, detail: 'events WebSocket closed' }),
          redis: redisCheck(deadRedis, 300),
          postgres: postgresCheck(deadPg, 500),
        },
      });
    });
    after(async () => {
      await h?.close();
      deadRedis.disconnect();
      await deadPg.destroy();
    });

    it('answers 503 degraded naming what is down', async () => {
      const res = await h.request('/health');
      expect(res.status).to.equal(503);
      const body = (await res.json()) as any;
      expect(body.status).to.equal('degraded');
      expect(body.checks.ari).to.deep.equal({ ok: false, detail: 'events WebSocket closed' });
      expect(body.checks.redis.ok).to.equal(false);
      expect(body.checks.redis.detail).to.be.a('string');
      expect(body.checks.postgres.ok).to.equal(false);
      expect(body.checks.postgres.detail).to.be.a('string');
    });
  });

  describe('runCheck', () => {
    it('turns a hung probe into a timeout result', async () => {
      const r = await runCheck(() => new Promise(() => {}), 50);
      expect(r).to.deep.equal({ ok: false, detail: 'no answer within 50 ms' });
    });

    it('turns a throw into a result and scrubs credentials from its detail', async () => {
      const r = await runCheck(async () => {
        throw new Error('connect failed: postgres://tongdai:hunter2@db:5432/tongdai');
      });
      expect(r.ok).to.equal(false);
      expect(r.detail).to.not.include('hunter2');
    });
  });
});
