import { expect } from 'chai';
import { registerAcdRoutes } from '../../src/acd/routes.js';
import { AcdStore } from '../../src/acd/store.js';
import { startApi, type ApiHarness } from '../api/harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { type AcdHarness, eventually, startAcdHarness } from './harness.js';

describe('acd: API (/api/v1/acd)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let t: AcdHarness;
  let api: ApiHarness;
  let store: AcdStore;

  before(async () => {
    db = await createTestDatabase();
    store = new AcdStore(db.knex);
    t = await startAcdHarness({ store });
    api = await startApi({ routes: [registerAcdRoutes(t.acd, store)] });
    for (let i = 1; i <= 3; i++)
      await t.h.sim.control.setEndpoint(`PJSIP/agent${i}`, { behaviour: 'answer', answerAfterMs: 100 });
  });
  after(async () => {
    await api.close();
    await t.close();
    await db.drop();
  });

  const json = async (path: string, init: RequestInit & { key?: string } = {}) => {
    const res = await api.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const put = (path: string, body: unknown, key = api.keys.admin) =>
    json(path, { method: 'PUT', body: JSON.stringify(body), key });
  const post = (path: string, body: unknown, key: string) =>
    json(path, { method: 'POST', body: JSON.stringify(body ?? {}), key });

  it('queues as data: create, read, validate, delete (stored in Postgres)', async () => {
    const created = await put('/api/v1/acd/queues/sales', {
      strategy: 'round-robin',
      wrapupSeconds: 0,
      announceEverySeconds: 0,
      callbackKey: '*',
    });
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ id: 'sales', strategy: 'round-robin', serviceLevelSeconds: 20 });
    expect((await store.queues()).map((q) => q.id)).to.deep.equal(['sales']);
    const list = await json('/api/v1/acd/queues', { key: api.keys.supervisor });
    expect(list.body.items).to.have.length(1);

    const bad = await put('/api/v1/acd/queues/sales', { strategy: 'fastest' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0].path).to.equal('body.strategy');
    const loop = await put('/api/v1/acd/queues/x', { overflow: { type: 'queue', queue: 'nowhere' } });
    expect(loop.status).to.equal(400);
    expect(loop.body.error.message).to.contain('body.overflow.queue: no queue nowhere');
    expect((await json('/api/v1/acd/queues/nope', { key: api.keys.admin })).status).to.equal(404);
    expect((await put('/api/v1/acd/queues/tmp', {}, api.keys.supervisor)).status).to.equal(403);
    expect((await put('/api/v1/acd/queues/tmp', {})).status).to.equal(200);
    expect((await json('/api/v1/acd/queues/tmp', { method: 'DELETE', key: api.keys.admin })).status).to.equal(
      204,
    );
    expect((await json('/api/v1/acd/queues/tmp', { method: 'DELETE', key: api.keys.admin })).status).to.equal(
      404,
    );
  });

  it('agents: unknown agent, queue or reason code are 4xx naming the field', async () => {
    expect(
      (
        await put('/api/v1/acd/agents/lan', {
          name: 'Nguyễn Thị Lan',
          endpoint: 'PJSIP/agent1',
          principal: 'test-agent',
        })
      ).status,
    ).to.equal(200);
    expect(
      (await put('/api/v1/acd/agents/dariush', { name: 'داریوش', endpoint: 'PJSIP/agent2' })).status,
    ).to.equal(200);
    const sup = api.keys.supervisor;
    const unknownAgent = await post('/api/v1/acd/agents/ghost/login', { queues: [{ queue: 'sales' }] }, sup);
    expect(unknownAgent.status).to.equal(404);
    expect(unknownAgent.body.error.message).to.contain('no agent ghost');
    const unknownQueue = await post('/api/v1/acd/agents/lan/login', { queues: [{ queue: 'nope' }] }, sup);
    expect(unknownQueue.status).to.equal(400);
    expect(unknownQueue.body.error.issues[0]).to.deep.equal({
      path: 'body.queues.0.queue',
      message: 'no queue nope',
    });
    const notIn = await post('/api/v1/acd/agents/lan/pause', { reason: 'lunch' }, sup);
    expect(notIn.status).to.equal(409);
    expect(
      (await post('/api/v1/acd/agents/lan/login', { queues: [{ queue: 'sales' }] }, sup)).status,
    ).to.equal(200);
    const badReason = await post('/api/v1/acd/agents/lan/pause', { reason: 'nap' }, sup);
    expect(badReason.status).to.equal(400);
    expect(badReason.body.error.issues[0].path).to.equal('body.reason');
    expect(badReason.body.error.message).to.contain('no pause reason nap');
    const notPaused = await post('/api/v1/acd/agents/lan/unpause', {}, sup);
    expect(notPaused.status).to.equal(409);
  });

  it('an agent changes its own state (by id or "me"), never another’s; a supervisor anyone’s', async () => {
    const agent = api.keys.agent;
    const own = await post('/api/v1/acd/agents/me/pause', { reason: 'break' }, agent);
    expect(own.status).to.equal(200);
    expect(own.body).to.include({ id: 'lan', state: 'paused', reason: 'break' });
    expect((await post('/api/v1/acd/agents/lan/unpause', {}, agent)).body.state).to.equal('available');
    const other = await post('/api/v1/acd/agents/dariush/login', { queues: [{ queue: 'sales' }] }, agent);
    expect(other.status).to.equal(403);
    const sup = await post(
      '/api/v1/acd/agents/dariush/login',
      { queues: [{ queue: 'sales', penalty: 1 }] },
      api.keys.supervisor,
    );
    expect(sup.body).to.include({ state: 'available' });
    expect(
      (await post('/api/v1/acd/agents/dariush/pause', { reason: 'training' }, api.keys.analyst)).status,
    ).to.equal(403);
    const me = await json('/api/v1/acd/agents/me', { key: agent });
    expect(me.body).to.include({ id: 'lan', state: 'available' });
    const noAgent = await json('/api/v1/acd/agents/me', { key: api.keys.supervisor });
    expect(noAgent.status).to.equal(404);
    // reason codes are data
    expect(
      (await put('/api/v1/acd/pause-reasons/prayer', { label: 'Prayer', productive: false })).status,
    ).to.equal(200);
    expect((await post('/api/v1/acd/agents/me/pause', { reason: 'prayer' }, agent)).body.reason).to.equal(
      'prayer',
    );
    expect((await post('/api/v1/acd/agents/me/unpause', {}, agent)).status).to.equal(200);
  });

  it('wrap-up notes are stored with the call and shown to the next agent who takes that customer', async () => {
    await post('/api/v1/acd/agents/dariush/pause', { reason: 'training' }, api.keys.supervisor);
    const ch = await t.call({ from: '+84912345678' });
    await eventually(async () => (await t.state('lan')) === 'on_call', 'lan on call');
    const during = await json('/api/v1/acd/agents/me/call', { key: api.keys.agent });
    expect(during.body).to.include({ state: 'on_call', customerPhone: '+84912345678', queue: 'sales' });
    await t.h.sim.control.remoteHangup(ch);
    await eventually(
      async () => (await t.state('lan')) === 'wrap_up' || (await t.state('lan')) === 'available',
      'call over',
    );
    const logged = await post(
      '/api/v1/acd/agents/me/wrapup',
      { outcome: 'resolved', tags: ['billing'], notes: 'Khách hỏi về hóa đơn tháng 10', priority: 'high' },
      api.keys.agent,
    );
    expect(logged.status).to.equal(201);
    expect(logged.body).to.include({ outcome: 'resolved', priority: 'high', customerPhone: '+84912345678' });
    expect(await t.state('lan')).to.equal('available');

    // The same customer calls again; lan is on a break, dariush takes it and sees lan's notes.
    await post('/api/v1/acd/agents/lan/pause', { reason: 'break' }, api.keys.supervisor);
    await post('/api/v1/acd/agents/dariush/unpause', {}, api.keys.supervisor);
    const ch2 = await t.call({ from: '+84912345678' });
    await eventually(async () => (await t.state('dariush')) === 'on_call', 'dariush on call');
    const seen = await json('/api/v1/acd/agents/dariush/call', { key: api.keys.supervisor });
    expect(seen.body.history).to.have.length(1);
    expect(seen.body.history[0]).to.include({
      agent: 'lan',
      notes: 'Khách hỏi về hóa đơn tháng 10',
      outcome: 'resolved',
    });
    const history = await json('/api/v1/acd/customers/%2B84912345678/history', { key: api.keys.analyst });
    expect(history.body.items[0].tags).to.deep.equal(['billing']);
    expect((await json('/api/v1/acd/customers/0912/history', { key: api.keys.analyst })).status).to.equal(
      400,
    );
    await t.h.sim.control.remoteHangup(ch2);
  });

  it('streams agent and queue state as server-sent events', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${api.baseUrl}/api/v1/acd/stream`, {
      headers: { authorization: `Bearer ${api.keys.supervisor}` },
      signal: ctl.signal,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) =>
      eventually(async () => {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) return false;
          text += new TextDecoder().decode(value);
        }
        return true;
      }, needle);
    await readUntil('event: snapshot');
    await readUntil('\n\n');
    const snapshot = JSON.parse(text.split('event: snapshot\ndata: ')[1]!.split('\n')[0]!);
    expect(snapshot.queues[0]).to.include({ id: 'sales' });
    expect(snapshot.agents.map((a: { id: string }) => a.id)).to.include('lan');
    await post('/api/v1/acd/agents/lan/unpause', {}, api.keys.supervisor);
    await readUntil('"agent":"lan","state":"available"');
    expect(text).to.contain('event: agent');
    ctl.abort();
    expect((await json('/api/v1/acd/stream', {})).status).to.equal(401);
  });
});
