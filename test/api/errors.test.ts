import { expect } from 'chai';
import { z } from 'zod';
import { startApi, type ApiHarness } from './harness.js';

/** A route that exists only in this test, to exercise nested validation paths and a crash. */
const probeRoutes = [
  (registry: import('../../src/api/index.js').RouteRegistry) => {
    registry.add({
      method: 'post',
      path: '/api/v1/test/queues/{queueId}',
      operationId: 'testQueue',
      summary: 'test only',
      access: ['supervisor'],
      params: z.object({ queueId: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and -') }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      body: z.object({
        queue: z.object({ name: z.string().min(1), service_level_s: z.number().positive() }),
      }),
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true, secret_internal: 'never serialised' }),
    });
    registry.add({
      method: 'get',
      path: '/api/v1/test/crash',
      operationId: 'testCrash',
      summary: 'test only',
      access: 'any',
      response: z.object({ ok: z.boolean() }),
      handler: () => {
        throw new Error('pool exhausted at postgres://tongdai:hunter2@db/tongdai');
      },
    });
  },
];

describe('api: errors, authentication and roles', () => {
  let h: ApiHarness;
  before(async () => (h = await startApi({ routes: probeRoutes })));
  after(async () => h?.close());

  const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, any> }).error;

  it('401 UNAUTHENTICATED without a key', async () => {
    const res = await h.request('/api/v1/whoami');
    expect(res.status).to.equal(401);
    const error = await errorOf(res);
    expect(error.code).to.equal('UNAUTHENTICATED');
    expect(error.message).to.match(/Bearer/);
  });

  it('401 for an unknown key, a malformed key and a malformed Authorization header', async () => {
    const unknown = 'td_0123456789ab_' + 'A'.repeat(43);
    const attempts: Array<Record<string, string>> = [
      { authorization: `Bearer ${unknown}` },
      { 'x-api-key': 'not-a-key' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${h.keys.admin.slice(0, -1)}${h.keys.admin.endsWith('x') ? 'y' : 'x'}` },
    ];
    for (const headers of attempts) {
      const res = await h.request('/api/v1/whoami', { headers });
      expect(res.status, JSON.stringify(headers)).to.equal(401);
      expect((await errorOf(res)).code).to.equal('UNAUTHENTICATED');
    }
  });

  it('accepts the key as Bearer or X-API-Key and says who it is', async () => {
    const bearer = await h.request('/api/v1/whoami', { key: h.keys.agent });
    expect(bearer.status).to.equal(200);
    const me = (await bearer.json()) as Record<string, string>;
    expect(me).to.include({ role: 'agent', name: 'test-agent', prefix: h.keys.agent.split('_')[1] });
    const header = await h.request('/api/v1/whoami', { headers: { 'x-api-key': h.keys.analyst } });
    expect(((await header.json()) as Record<string, string>).role).to.equal('analyst');
  });

  it('403 FORBIDDEN when the role may not call the route; admin passes every check', async () => {
    for (const role of ['agent', 'analyst', 'supervisor'] as const) {
      const res = await h.request('/api/v1/apikeys', { key: h.keys[role] });
      expect(res.status, role).to.equal(403);
      const error = await errorOf(res);
      expect(error.code).to.equal('FORBIDDEN');
      expect(error.message).to.include(role);
    }
    const body = JSON.stringify({ queue: { name: 'sales', service_level_s: 20 } });
    const agent = await h.request('/api/v1/test/queues/sales', { method: 'POST', body, key: h.keys.agent });
    expect(agent.status).to.equal(403);
    for (const role of ['supervisor', 'admin'] as const) {
      const ok = await h.request('/api/v1/test/queues/sales', { method: 'POST', body, key: h.keys[role] });
      expect(ok.status, role).to.equal(200);
      // The response schema strips what the handler should not have returned.
      expect(await ok.json()).to.deep.equal({ ok: true });
    }
  });

  it('400 VALIDATION_FAILED lists every bad field by its path', async () => {
    const res = await h.request('/api/v1/test/queues/Sales!?limit=0', {
      method: 'POST',
      body: JSON.stringify({ queue: { service_level_s: -5 } }),
      key: h.keys.supervisor,
    });
    expect(res.status).to.equal(400);
    const error = await errorOf(res);
    expect(error.code).to.equal('VALIDATION_FAILED');
    const paths = (error.issues as Array<{ path: string; message: string }>).map((i) => i.path);
    expect(paths).to.have.members([
      'params.queueId',
      'query.limit',
      'body.queue.name',
      'body.queue.service_level_s',
    ]);
    for (const issue of error.issues) expect(issue.message).to.be.a('string').with.length.above(0);
    expect(error.message).to.match(/^params\.queueId: .*\(and 3 more\)$/);
  });

  it('authenticates before validating: a bad body from a stranger is a 401, not a 400', async () => {
    const res = await h.request('/api/v1/test/queues/sales', { method: 'POST', body: '{}' });
    expect(res.status).to.equal(401);
  });

  it('400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await h.request('/api/v1/apikeys', {
      method: 'POST',
      body: '{"name": "x", role:',
      key: h.keys.admin,
    });
    expect(res.status).to.equal(400);
    expect(await errorOf(res)).to.deep.equal({
      code: 'MALFORMED_JSON',
      message: 'request body is not valid JSON',
    });
  });

  it('400 with body path when the body is missing or not JSON-typed', async () => {
    const res = await h.request('/api/v1/apikeys', {
      method: 'POST',
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
      key: h.keys.admin,
    });
    expect(res.status).to.equal(400);
    const error = await errorOf(res);
    expect(error.code).to.equal('VALIDATION_FAILED');
    expect(error.issues[0].path).to.equal('body');
  });

  it('413 PAYLOAD_TOO_LARGE beyond the JSON body limit', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(300 * 1024), role: 'agent' });
    const res = await h.request('/api/v1/apikeys', { method: 'POST', body, key: h.keys.admin });
    expect(res.status).to.equal(413);
    expect((await errorOf(res)).code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('404 NOT_FOUND as JSON for an unknown route', async () => {
    const res = await h.request('/api/v1/nothing-here', { key: h.keys.admin });
    expect(res.status).to.equal(404);
    expect((await errorOf(res)).code).to.equal('NOT_FOUND');
  });

  it('500 INTERNAL without internals; the log has the cause with credentials scrubbed', async () => {
    const res = await h.request('/api/v1/test/crash', { key: h.keys.agent });
    expect(res.status).to.equal(500);
    const error = await errorOf(res);
    expect(error).to.include({ code: 'INTERNAL', message: 'internal error' });
    expect(error.request_id).to.equal(res.headers.get('x-request-id'));
    expect(JSON.stringify(error)).to.not.match(/pool|postgres|hunter2|stack/);
    const logged = h.logLines.find((l) => l.includes('unhandled error') && l.includes(error.request_id));
    expect(logged).to.include('pool exhausted');
    expect(logged).to.not.include('hunter2');
  });

  it('request log lines carry the key prefix and never the key', async () => {
    await h.request('/api/v1/whoami?api_key=leak', { key: h.keys.supervisor });
    const all = h.logLines.join('\n');
    const [, prefix, secret] = /^td_([0-9a-f]+)_(.+)$/.exec(h.keys.supervisor)!;
    expect(all).to.include(`"keyPrefix":"${prefix}"`);
    for (const key of Object.values(h.keys)) expect(all).to.not.include(key.slice(16));
    expect(all).to.not.include(secret);
    expect(all).to.not.include('leak');
  });
});
