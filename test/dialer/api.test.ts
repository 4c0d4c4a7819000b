import { expect } from 'chai';
import type { RouteRegistry } from '../../src/api/registry.js';
import { createDialer, type Dialer } from '../../src/dialer/index.js';
import { silentLogger } from '../../src/log/index.js';
import { type ApiHarness, startApi } from '../api/harness.js';
import { addLeads, createList } from './harness.js';

const json = (res: Response): Promise<any> => res.json();

describe('dialer API: campaigns as data', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let dialer: Dialer;
  let list: string;

  before(async () => {
    let registry: RouteRegistry | undefined;
    h = await startApi({ routes: [(r) => void (registry = r)] });
    dialer = createDialer({
      db: h.db.knex,
      redis: h.redis.redis,
      prefix: h.redis.prefix,
      logger: silentLogger(),
      engine: 'api-test',
    });
    dialer.routes(registry!);
    list = await createList(h.db.knex, 'Khách hàng Hà Nội', 'VN');
    await addLeads(h.db.knex, list, [
      { phone: '+84912000001', time_zone: 'Asia/Ho_Chi_Minh', country: 'VN', first_name: 'Lan' },
      { phone: '+84912000002', time_zone: 'Asia/Ho_Chi_Minh', country: 'VN', first_name: 'Minh' },
    ]);
  });
  after(async () => {
    await dialer?.close();
    await h?.close();
  });

  const body = (over: Record<string, unknown> = {}) => ({
    name: 'Chăm sóc khách hàng tháng 12',
    mode: 'progressive',
    purpose: 'customer_care',
    jurisdiction: 'VN',
    lead_lists: [list],
    caller_id: { default: '+842838220000', pool: [{ prefix: '+8424', number: '+842473001234' }] },
    abandon_message: 'sound:vi/dialer-identity-optout',
    ...over,
  });
  const post = (path: string, b: unknown, key = h.keys.supervisor) =>
    h.request(path, { method: 'POST', key, body: JSON.stringify(b) });

  async function expectIssue(res: Response, status: number, path: string, message: RegExp) {
    const text = await res.text();
    expect(res.status, text).to.equal(status);
    const err = JSON.parse(text).error;
    const issue = (err.issues ?? []).find((i: { path: string }) => i.path === path);
    expect(issue, text).to.not.equal(undefined);
    expect(issue.message).to.match(message);
  }

  it('refuses bad campaigns with the field and the reason, and stores nothing', async () => {
    await expectIssue(
      await post('/api/v1/campaigns', body({ ring_timeout_seconds: 10 })),
      400,
      'body.ring_timeout_seconds',
      /below 15 s/,
    );
    await expectIssue(
      await post('/api/v1/campaigns', body({ lead_lists: ['7d1f0b7e-1111-4a4a-9999-123456789abc'] })),
      400,
      'body.lead_lists.0',
      /no lead list/,
    );
    await expectIssue(
      await post('/api/v1/campaigns', body({ caller_id: { default: '0283822' } })),
      400,
      'body.caller_id.default',
      /E\.164/,
    );
    await expectIssue(
      await post('/api/v1/campaigns', body({ mode: 'agentless' })),
      400,
      'body.agentless',
      /agentless/,
    );
    await expectIssue(
      await post('/api/v1/campaigns', body({ window: { default: { start: '21:00', end: '08:00' } } })),
      400,
      'body.window.default.end',
      /before end/,
    );
    // Vietnam advertising: caller IDs must be registered brand names (Decree 91/2020).
    await expectIssue(
      await post('/api/v1/campaigns', body({ purpose: 'advertising' })),
      400,
      'body.caller_id.default',
      /brand-name/,
    );
    expect(
      (
        await h.request('/api/v1/campaigns', {
          method: 'POST',
          key: h.keys.analyst,
          body: JSON.stringify(body()),
        })
      ).status,
    ).to.equal(403);
    expect(await h.db.knex('campaigns').count({ n: '*' }).first()).to.deep.equal({ n: '0' });
    expect(await h.db.knex('call_attempts').count({ n: '*' }).first()).to.deep.equal({ n: '0' });
  });

  it('accepts a Vietnam advertising campaign once its caller IDs are registered brand names', async () => {
    for (const number of ['+842838220000', '+842473001234']) {
      const res = await h.request(`/api/v1/dialer/brand-caller-ids/${encodeURIComponent(number)}`, {
        method: 'PUT',
        key: h.keys.admin,
        body: JSON.stringify({ brand: 'TONGDAI', carrier: 'Viettel', registered_on: '2026-01-01' }),
      });
      expect(res.status, await res.text()).to.equal(204);
    }
    const res = await post('/api/v1/campaigns', body({ purpose: 'advertising' }));
    const c = await json(res);
    expect(res.status, JSON.stringify(c)).to.equal(201);
    expect(c).to.include({
      state: 'draft',
      ring_timeout_seconds: 20,
      max_attempts: 3,
      purpose: 'advertising',
    });
    expect(c.window.default).to.deep.equal({ start: '08:00', end: '21:00' });
    const row = await h.db.knex('campaigns').where({ id: c.id }).first();
    expect(row).to.include({ abandon_window_hours: 720, jurisdiction: 'VN' });
    expect((await h.db.knex('lead_lists').where({ id: list }).first()).campaign_id).to.equal(c.id);
  });

  it('start, pause and stop move the state; invalid moves are 409 and settings change only when not running', async () => {
    const c = await json(
      await post('/api/v1/campaigns', body({ name: 'Nhắc thanh toán', purpose: 'collection' })),
    );
    expect((await post(`/api/v1/campaigns/${c.id}/pause`, {})).status).to.equal(409);
    const started = await post(`/api/v1/campaigns/${c.id}/start`, {});
    expect((await json(started)).state).to.equal('running');
    const put = await h.request(`/api/v1/campaigns/${c.id}`, {
      method: 'PUT',
      key: h.keys.supervisor,
      body: JSON.stringify(body({ purpose: 'collection' })),
    });
    expect(put.status).to.equal(409);
    expect((await json(await post(`/api/v1/campaigns/${c.id}/pause`, {}))).state).to.equal('paused');
    const changed = await h.request(`/api/v1/campaigns/${c.id}`, {
      method: 'PUT',
      key: h.keys.supervisor,
      body: JSON.stringify(body({ purpose: 'collection', ring_timeout_seconds: 25 })),
    });
    const changedBody = await json(changed);
    expect(changed.status, JSON.stringify(changedBody)).to.equal(200);
    expect(changedBody).to.include({ ring_timeout_seconds: 25, version: 2 });
    expect((await json(await post(`/api/v1/campaigns/${c.id}/stop`, {}))).state).to.equal('stopped');
    const stats = await json(await h.request(`/api/v1/campaigns/${c.id}/stats`, { key: h.keys.analyst }));
    expect(stats.abandon).to.include({
      window_hours: 720,
      limit: 0.03,
      live_answers: 0,
      rate: 0,
      over_limit: false,
    });
    expect((await h.request(`/api/v1/campaigns/not-a-uuid`, { key: h.keys.analyst })).status).to.equal(400);
    expect(
      (await h.request(`/api/v1/campaigns/7d1f0b7e-1111-4a4a-9999-123456789abc`, { key: h.keys.analyst }))
        .status,
    ).to.equal(404);
  });

  it('preview: the agent sees the lead first, skips it, and a disposition needs a known code', async () => {
    const c = await json(
      await post(
        '/api/v1/campaigns',
        body({
          name: 'Gọi xem trước',
          mode: 'preview',
          window: { default: { start: '00:00', end: '24:00' } },
        }),
      ),
    );
    await post(`/api/v1/campaigns/${c.id}/start`, {});
    expect(
      (await post(`/api/v1/campaigns/${c.id}/preview`, { agent: 'agent3' }, h.keys.agent)).status,
    ).to.equal(409); // not logged in
    const login = await post(
      `/api/v1/campaigns/${c.id}/agents`,
      { agent: 'agent3', endpoint: 'PJSIP/agent3' },
      h.keys.agent,
    );
    expect(login.status, await login.text()).to.equal(204);
    const res = await post(`/api/v1/campaigns/${c.id}/preview`, { agent: 'agent3' }, h.keys.agent);
    const p = await json(res);
    expect(res.status, JSON.stringify(p)).to.equal(200);
    expect(p.lead.phone).to.match(/^\+8491200000[12]$/);
    expect(p.caller_id).to.equal('+842838220000');
    const row = await h.db.knex('call_attempts').where({ id: p.attempt_id }).first();
    expect(row).to.include({ decision: 'preview', active: true, agent: 'agent3', window_allowed: true });
    // Nothing was dialed: a preview is not a dial.
    expect(row.dialed_at).to.equal(null);
    const bad = await post(
      `/api/v1/dialer/attempts/${p.attempt_id}/disposition`,
      { agent: 'agent3', code: 'sale' },
      h.keys.agent,
    );
    expect(bad.status).to.equal(409); // never dialed
    expect(
      (await post(`/api/v1/dialer/attempts/${p.attempt_id}/skip`, { agent: 'agent3' }, h.keys.agent)).status,
    ).to.equal(204);
    const skipped = await h.db.knex('call_attempts').where({ id: p.attempt_id }).first();
    expect(skipped).to.include({ outcome: 'skipped', active: false });
    expect(await dialer.agents.state('agent3')).to.include({ state: 'ready' });
  });
});

describe('dialer API: OpenAPI', () => {
  it('every dialer route has an OpenAPI operation with its schemas', async () => {
    const { RouteRegistry } = await import('../../src/api/registry.js');
    const { buildOpenApi } = await import('../../src/api/openapi.js');
    const { registerDialerRoutes } = await import('../../src/dialer/routes.js');
    const registry = new RouteRegistry(async () => undefined, silentLogger());
    registerDialerRoutes({
      db: {} as never,
      store: {} as never,
      service: {} as never,
      clock: { now: Date.now, setTimeout: () => ({ cancel() {} }) },
    })(registry);
    const doc = buildOpenApi(registry.routes, { title: 't', version: '1' }) as any;
    const create = doc.paths['/api/v1/campaigns'].post;
    expect(create.operationId).to.equal('createCampaign');
    const schema = JSON.stringify(create.requestBody);
    expect(schema).to.include('ring_timeout_seconds').and.include('"minimum":15');
    expect(Object.keys(doc.paths)).to.include.members([
      '/api/v1/campaigns/{id}/start',
      '/api/v1/dialer/attempts/{id}/disposition',
    ]);
  });
});
