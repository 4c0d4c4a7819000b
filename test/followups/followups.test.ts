import { expect } from 'chai';
import { registerFollowUpRoutes } from '../../src/followups/routes.js';
import { FollowUpTransitionError, PgFollowUps } from '../../src/followups/store.js';
import { type ApiHarness, startApi } from '../api/harness.js';
import { lateKnex } from './late-knex.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('follow-ups: opened once per (type, call), SLA due times, the state machine, the API by role', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let store: PgFollowUps;
  let agentKey2: string;

  before(async () => {
    const knex = lateKnex(() => h.db.knex);
    store = new PgFollowUps(knex);
    h = await startApi({ routes: [registerFollowUpRoutes(store)] });
    agentKey2 = (await h.store.create({ name: 'test-agent-2', role: 'agent' })).key;
    await h.db.knex('customers').insert({ phone: '+84909999999', name: 'Trần Thị B', vip: true });
  });
  after(async () => h?.close());

  const api = async (path: string, key: string, init: RequestInit = {}) => {
    const res = await h.request(path, { ...init, key });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  };
  const post = (path: string, key: string, body?: unknown) =>
    api(path, key, { method: 'POST', ...(body ? { body: JSON.stringify(body) } : {}) });

  it('the routes are in /openapi.json', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).to.include.members([
      '/api/v1/follow-ups',
      '/api/v1/follow-ups/slas',
      '/api/v1/follow-ups/slas/{type}',
      '/api/v1/follow-ups/{id}',
      '/api/v1/follow-ups/{id}/assign',
      '/api/v1/follow-ups/{id}/start',
      '/api/v1/follow-ups/{id}/resolve',
    ]);
  });

  it('opens idempotently per (type, call), links a known customer, and sets due_at from the SLA table', async () => {
    const a = await store.open({ type: 'complaint', callId: uuid(1), customerPhone: '+84909999999' });
    const again = await store.open({ type: 'complaint', callId: uuid(1), customerPhone: '+84909999999' });
    expect(a.created).to.equal(true);
    expect(again).to.deep.equal({ id: a.id, created: false });
    const other = await store.open({ type: 'callback', callId: uuid(1), customerPhone: '+84909999999' });
    expect(other.id).to.not.equal(a.id);
    const f = (await store.get(a.id))!;
    expect(f).to.include({
      type: 'complaint',
      status: 'open',
      assignee: null,
      customerPhone: '+84909999999',
    });
    expect(f.customerId).to.be.a('number');
    expect((Date.parse(f.dueAt) - Date.parse(f.createdAt)) / 3600_000).to.equal(24);
    const cb = (await store.get(other.id))!;
    expect((Date.parse(cb.dueAt) - Date.parse(cb.createdAt)) / 60_000).to.equal(120);

    await store.setSla('voicemail', 30);
    const vm = (await store.get(
      (await store.open({ type: 'voicemail', callId: uuid(2), customerPhone: '+989121234567' })).id,
    ))!;
    expect((Date.parse(vm.dueAt) - Date.parse(vm.createdAt)) / 60_000).to.equal(30);
    expect(vm.customerId).to.equal(null);
  });

  it('moves open → in_progress → resolved; bad moves are refused with the status', async () => {
    const { id } = await store.open({ type: 'callback', callId: uuid(3), customerPhone: '+14155550123' });
    const started = (await store.act(id, 'start', { actor: 'agent-1' }))!;
    expect(started).to.include({ status: 'in_progress', assignee: 'agent-1' });
    let err: unknown;
    await store.act(id, 'start', { actor: 'agent-1' }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(FollowUpTransitionError);
    const resolved = (await store.act(id, 'resolve', {
      actor: 'agent-1',
      note: 'called back, booked a visit',
    }))!;
    expect(resolved).to.include({
      status: 'resolved',
      resolvedBy: 'agent-1',
      resolutionNote: 'called back, booked a visit',
    });
    expect(resolved.resolvedAt).to.be.a('string');
    for (const action of ['assign', 'start', 'resolve'] as const) {
      err = undefined;
      await store.act(id, action, { actor: 'x', assignee: 'y', note: 'n' }).catch((e) => (err = e));
      expect((err as Error).message).to.equal(`follow-up ${id} is resolved: cannot ${action} it`);
    }
    expect(await store.act(uuid(999), 'start', { actor: 'x' })).to.equal(undefined);
  });

  it('two resolutions at once: one wins, the other is a transition error', async () => {
    const { id } = await store.open({ type: 'complaint', callId: uuid(4), customerPhone: null });
    const results = await Promise.allSettled([
      store.act(id, 'resolve', { actor: 'a', note: 'one' }),
      store.act(id, 'resolve', { actor: 'b', note: 'two' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(results.filter((r) => r.status === 'rejected')).to.have.length(1);
  });

  it('overdue items show in overdue_follow_ups and through the overdue filter', async () => {
    const { id } = await store.open({ type: 'voicemail', callId: uuid(5), customerPhone: '+84909999999' });
    await h.db
      .knex('follow_ups')
      .where({ id })
      .update({ due_at: h.db.knex.raw("now() - interval '90 minutes'") });
    const [row] = await h.db.knex('overdue_follow_ups').where({ id });
    expect(row).to.include({ type: 'voicemail', customer_name: 'Trần Thị B', status: 'open' });
    expect(row.minutes_overdue).to.be.within(89, 91);
    const overdue = await store.list({ overdue: true, limit: 100, offset: 0 });
    expect(overdue.map((f) => f.id)).to.include(id);
    expect(overdue.every((f) => f.overdue)).to.equal(true);
    const notOverdue = await store.list({ overdue: false, limit: 100, offset: 0 });
    expect(notOverdue.map((f) => f.id)).to.not.include(id);
  });

  it('API: agents see theirs and unassigned, take and resolve their own; supervisors anything; analysts read; 4xx on bad moves and input', async () => {
    const { id } = await store.open({ type: 'complaint', callId: uuid(6), customerPhone: '+84901234567' });
    const { id: theirs } = await store.open({
      type: 'callback',
      callId: uuid(7),
      customerPhone: '+84901234568',
    });
    expect(
      (await post(`/api/v1/follow-ups/${theirs}/assign`, h.keys.supervisor, { assignee: 'test-agent-2' }))
        .body,
    ).to.include({
      assignee: 'test-agent-2',
      status: 'open',
    });

    const listed = await api('/api/v1/follow-ups?status=open', h.keys.agent);
    expect(listed.status).to.equal(200);
    const ids = listed.body.items.map((i: { id: string }) => i.id);
    expect(ids).to.include(id);
    expect(ids).to.not.include(theirs);
    expect((await api('/api/v1/follow-ups?assignee=test-agent-2', h.keys.agent)).status).to.equal(403);
    expect((await api(`/api/v1/follow-ups/${theirs}`, h.keys.agent)).status).to.equal(403);
    expect((await post(`/api/v1/follow-ups/${theirs}/start`, h.keys.agent)).status).to.equal(403);
    expect(
      (await post(`/api/v1/follow-ups/${id}/assign`, h.keys.agent, { assignee: 'someone-else' })).status,
    ).to.equal(403);

    const took = await post(`/api/v1/follow-ups/${id}/assign`, h.keys.agent, { assignee: 'test-agent' });
    expect(took.body).to.include({ assignee: 'test-agent', status: 'open' });
    expect((await post(`/api/v1/follow-ups/${id}/start`, agentKey2)).status).to.equal(403);
    expect((await post(`/api/v1/follow-ups/${id}/start`, h.keys.agent)).body).to.include({
      status: 'in_progress',
    });
    const twice = await post(`/api/v1/follow-ups/${id}/start`, h.keys.agent);
    expect(twice.status).to.equal(409);
    expect(twice.body.error.message).to.match(/is in_progress: cannot start it/);
    const noNote = await post(`/api/v1/follow-ups/${id}/resolve`, h.keys.agent, { note: '  ' });
    expect(noNote.status).to.equal(400);
    expect(noNote.body.error.issues[0].path).to.equal('body.note');
    const done = await post(`/api/v1/follow-ups/${id}/resolve`, h.keys.agent, {
      note: 'apologised, refund issued',
    });
    expect(done.body).to.include({
      status: 'resolved',
      resolved_by: 'test-agent',
      resolution_note: 'apologised, refund issued',
    });
    expect(
      (await post(`/api/v1/follow-ups/${id}/resolve`, h.keys.supervisor, { note: 'again' })).status,
    ).to.equal(409);

    expect(
      (await post(`/api/v1/follow-ups/${theirs}/resolve`, h.keys.analyst, { note: 'x' })).status,
    ).to.equal(403);
    expect(
      (await api(`/api/v1/follow-ups?type=callback&assignee=test-agent-2`, h.keys.analyst)).body.items,
    ).to.have.length(1);
    const badFilter = await api('/api/v1/follow-ups?status=closed', h.keys.supervisor);
    expect(badFilter.status).to.equal(400);
    expect(badFilter.body.error.issues[0].path).to.match(/^query\.status/);
    expect((await api(`/api/v1/follow-ups/not-a-uuid`, h.keys.supervisor)).status).to.equal(400);
    expect((await api(`/api/v1/follow-ups/${uuid(998)}`, h.keys.supervisor)).status).to.equal(404);
    expect((await post(`/api/v1/follow-ups/${uuid(998)}/start`, h.keys.supervisor)).status).to.equal(404);

    expect(
      (await api('/api/v1/follow-ups/slas', h.keys.agent)).body.items.map((s: { type: string }) => s.type),
    ).to.deep.equal(['callback', 'complaint', 'voicemail']);
    const put = await api('/api/v1/follow-ups/slas/callback', h.keys.admin, {
      method: 'PUT',
      body: JSON.stringify({ due_minutes: 60 }),
    });
    expect(put.body).to.deep.equal({ type: 'callback', due_minutes: 60 });
    expect(
      (
        await api('/api/v1/follow-ups/slas/callback', h.keys.supervisor, {
          method: 'PUT',
          body: JSON.stringify({ due_minutes: 5 }),
        })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api('/api/v1/follow-ups/slas/fax', h.keys.admin, {
          method: 'PUT',
          body: JSON.stringify({ due_minutes: 5 }),
        })
      ).status,
    ).to.equal(400);
  });
});
