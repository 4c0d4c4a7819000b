import { expect } from 'chai';
import { leadCompliance } from '../../src/dialer/index.js';
import { DialerService } from '../../src/dialer/service.js';
import { checkDnc } from '../../src/leads/index.js';
import {
  addLeads,
  campaignInput,
  createList,
  type DialerWorld,
  loginAgents,
  startDialerWorld,
} from './harness.js';

const humans = {
  answerProbability: 1,
  busyProbability: 0,
  noAnswerProbability: 0,
  invalidProbability: 0,
  machineProbability: 0,
  machineGreetingMs: 2000,
  ringMs: { min: 3000, max: 3000 },
  talkMs: { min: 30_000, max: 30_000 },
  seed: 1,
};

describe('dialer agents: longest idle, abandons, dispositions, call-backs, pause and stop', function () {
  this.timeout(300_000);
  let world: DialerWorld;
  afterEach(async () => world?.close());

  it('a live answer with no agent in 2 s hears the opt-out message; the opt-out key is honoured', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile(humans);
    const list = await createList(db);
    const phones = ['+84912000101', '+84912000102', '+84912000103'];
    await addLeads(
      db,
      list,
      phones.map((phone) => ({ phone, time_zone: 'Asia/Ho_Chi_Minh', country: 'VN' })),
    );
    const c = await world.store.create(campaignInput(list, { mode: 'predictive', max_attempts: 1 }), 'test');
    await loginAgents(world, c.id, 1);
    // Over-dial on purpose: three calls for one agent.
    const runtime = await world.addRuntime('engine-a', {
      pacer: () => ({ callsToPlace: (i) => (i.callsRinging + i.callsWaiting === 0 ? 3 * i.agentsReady : 0) }),
    });
    await world.store.transition(c.id, 'start');
    // Ring 3 s + AMD 1.5 s, then at most 2 s for an agent: by 7 s both are abandoned (message playing).
    await world.advance(7_000, 100);
    const abandoned = await db('call_attempts').where({ campaign_id: c.id, abandoned: true });
    expect(abandoned).to.have.length(2);
    // One of them presses the opt-out key during the message.
    await world.sim.control.sendDtmf(abandoned[0].channel_id, '9');
    await world.advance(60_000, 100);
    await runtime.drained();
    const rows = await db('call_attempts').where({ campaign_id: c.id }).orderBy('dialed_at');
    expect(rows.map((r) => r.outcome).sort()).to.deep.equal(['abandoned', 'completed', 'opted_out']);
    const connected = rows.find((r) => r.outcome === 'completed')!;
    expect(connected.agent).to.equal('agent1');
    for (const r of rows.filter((x) => x.abandoned)) {
      expect(r.abandon_reason).to.match(/no agent/);
    }
    const optedOut = rows.find((r) => r.outcome === 'opted_out')!;
    expect(await checkDnc(db, optedOut.phone, { at: new Date() })).to.include({ allowed: false });
    expect(runtime.counters(c.id)).to.include({ liveAnswers: 3, abandoned: 2, connected: 1 });
    // The playback asked for was the campaign's identity + opt-out message.
    const plays = (await world.sim.control.requests()).filter((r) => /\/play/.test(r.path));
    expect(plays.some((r) => JSON.stringify(r).includes('dialer-identity-optout'))).to.equal(true);
  });

  it('a call-back promised by an agent is dialed at the lead-local time and reaches the same agent', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile(humans);
    const list = await createList(db, 'Tehran', 'IR');
    await addLeads(db, list, [{ phone: '+989121110000', time_zone: 'Asia/Tehran', country: 'IR' }]);
    const c = await world.store.create(
      campaignInput(list, { mode: 'progressive', max_attempts: 1, wrap_up_seconds: 600 }),
      'test',
    );
    await loginAgents(world, c.id, 2);
    const service = new DialerService({
      db,
      store: world.store,
      agents: world.agents,
      compliance: leadCompliance,
      clock: world.clock,
      engine: 'engine-a',
    });
    const runtime = await world.addRuntime('engine-a');
    await world.store.transition(c.id, 'start');
    await world.advance(45_000, 200);
    const [first] = await db('call_attempts').where({ campaign_id: c.id });
    expect(first).to.include({ outcome: 'completed', agent: 'agent1' });
    expect(await world.agents.state('agent1')).to.include({ state: 'wrapup' });

    // Unknown code: 400 with the campaign's codes.
    const bad = await service.disposition(first.id, { agent: 'agent1', code: 'maybe' }).catch((e) => e);
    expect(bad.status).to.equal(400);
    // 20:45 Tehran is outside the campaign window? No: the test window is all day; 30 minutes later, local time.
    const local = new Date(world.clock.now() + 30 * 60_000 + 3.5 * 3_600_000).toISOString().slice(0, 16);
    const r = await service.disposition(first.id, { agent: 'agent1', code: 'callback', callback_at: local });
    expect(r.lead_status).to.equal('callback');
    expect(await world.agents.state('agent1')).to.include({ state: 'ready' }); // disposition ends wrap-up
    const [cb] = await db('dialer_callbacks').where({ campaign_id: c.id });
    expect(cb).to.include({ agent: 'agent1', status: 'pending', time_zone: 'Asia/Tehran' });

    // agent2 is idle longer, but the promise was agent1's.
    await world.advance(25 * 60_000, 1000);
    expect(await db('call_attempts').where({ campaign_id: c.id })).to.have.length(1);
    await world.advance(7 * 60_000, 500);
    await runtime.drained();
    const rows = await db('call_attempts').where({ campaign_id: c.id }).orderBy('decided_at');
    expect(rows).to.have.length(2);
    expect(rows[1]).to.include({ outcome: 'completed', agent: 'agent1' });
    expect(new Date(rows[1].decided_at).getTime()).to.be.at.least(new Date(cb.due_at).getTime());
    expect((await db('dialer_callbacks').where({ id: cb.id }).first()).status).to.equal('done');
  });

  it('pause stops new calls at the next tick; stop hangs up calls still ringing', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile({ ...humans, ringMs: { min: 15_000, max: 15_000 } });
    const list = await createList(db);
    await addLeads(
      db,
      list,
      Array.from({ length: 20 }, (_, i) => ({
        phone: `+8428390${String(i).padStart(4, '0')}`,
        time_zone: 'Asia/Ho_Chi_Minh',
      })),
    );
    const c = await world.store.create(
      campaignInput(list, {
        mode: 'agentless',
        agentless: { kind: 'message', message: 'sound:vi/thong-bao' },
      }),
      'test',
    );
    const runtime = await world.addRuntime('engine-a', { agentlessLines: 4 });
    await world.store.transition(c.id, 'start');
    await world.advance(1000, 100);
    expect(runtime.activeCalls(c.id)).to.equal(4);
    await world.store.transition(c.id, 'pause');
    await world.advance(1000, 100); // within a second
    const dialsAtPause = await db('call_attempts')
      .where({ campaign_id: c.id, decision: 'dial' })
      .count({ n: '*' });
    await world.advance(60_000, 250);
    const dialsLater = await db('call_attempts')
      .where({ campaign_id: c.id, decision: 'dial' })
      .count({ n: '*' });
    expect(dialsLater[0]!.n).to.equal(dialsAtPause[0]!.n);
    await world.store.transition(c.id, 'start');
    await world.advance(1000, 100);
    expect(runtime.activeCalls(c.id)).to.equal(4);
    await world.store.transition(c.id, 'stop');
    await world.advance(1000, 100); // within a second the ringing calls are gone
    await runtime.drained();
    expect(runtime.activeCalls(c.id)).to.equal(0);
    const cancelled = await db('call_attempts').where({ campaign_id: c.id, outcome: 'cancelled' });
    expect(cancelled).to.have.length(4);
    expect(await db('call_attempts').where({ campaign_id: c.id, active: true })).to.have.length(0);
  });
});

describe('dialer recovery after an engine restart', function () {
  this.timeout(120_000);
  let world: DialerWorld;
  afterEach(async () => world?.close());

  it('closes the attempts the engine left active and a preview nobody answered, and the leads are dialed again', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile(humans);
    const list = await createList(db);
    const [crashed, previewed] = await addLeads(db, list, [
      { phone: '+84912000201', time_zone: 'Asia/Ho_Chi_Minh' },
      { phone: '+84912000202', time_zone: 'Asia/Ho_Chi_Minh' },
    ]);
    const c = await world.store.create(
      campaignInput(list, {
        mode: 'agentless',
        agentless: { kind: 'message', message: 'sound:vi/thong-bao' },
      }),
      'test',
    );
    const now = world.clock.now();
    const row = (id: string, lead: string, decision: string, at: number, engine: string) => ({
      id,
      campaign_id: c.id,
      lead_id: lead,
      phone: lead === crashed ? '+84912000201' : '+84912000202',
      attempt_no: 1,
      mode: 'agentless',
      purpose: 'customer_care',
      jurisdiction: 'none',
      engine,
      decided_at: new Date(at),
      window_allowed: true,
      window_reason: 'inside_window',
      consent_required: false,
      rule_decisions: '[]',
      decision,
      active: true,
      dialed_at: decision === 'dial' ? new Date(at) : null,
    });
    await db('call_attempts').insert([
      row('0b6f3c52-6f53-4d3e-9a55-000000000001', crashed!, 'dial', now - 60_000, 'engine-a'),
      row('0b6f3c52-6f53-4d3e-9a55-000000000002', previewed!, 'preview', now - 11 * 60_000, 'engine-b'),
    ]);
    await db('leads').where({ id: crashed }).update({ status: 'dialing', attempts: 1 });
    await db('leads').where({ id: previewed }).update({ status: 'preview' });
    await world.store.transition(c.id, 'start');
    const runtime = await world.addRuntime('engine-a', { agentlessLines: 4 });
    await world.advance(30_000, 200);
    await runtime.drained();
    const old = await db('call_attempts').whereIn('id', [
      '0b6f3c52-6f53-4d3e-9a55-000000000001',
      '0b6f3c52-6f53-4d3e-9a55-000000000002',
    ]);
    expect(old.map((r) => [r.outcome, r.active]).sort()).to.deep.equal([
      ['failed', false],
      ['skipped', false],
    ]);
    const dialed = await db('call_attempts')
      .where({ campaign_id: c.id, decision: 'dial', engine: 'engine-a' })
      .whereNot('id', '0b6f3c52-6f53-4d3e-9a55-000000000001');
    expect(dialed.map((r) => r.lead_id).sort()).to.deep.equal([crashed, previewed].sort());
  });
});

describe('dialer preview: accept dials with the agent reserved', function () {
  this.timeout(120_000);
  let world: DialerWorld;
  afterEach(async () => world?.close());

  it('the agent reads the lead, accepts, and the answered call is bridged to that agent', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile(humans);
    const list = await createList(db);
    await addLeads(db, list, [{ phone: '+84912000301', time_zone: 'Asia/Ho_Chi_Minh', first_name: 'Hương' }]);
    const c = await world.store.create(campaignInput(list, { mode: 'preview' }), 'test');
    const runtime = await world.addRuntime('engine-a');
    const service = new DialerService({
      db,
      store: world.store,
      agents: world.agents,
      compliance: leadCompliance,
      runtime,
      clock: world.clock,
      engine: 'engine-a',
    });
    await world.store.transition(c.id, 'start');
    await service.login(c.id, 'agent4', 'PJSIP/agent4');
    const p = (await service.previewNext(c.id, 'agent4'))!;
    expect(p.lead).to.include({ first_name: 'Hương', phone: '+84912000301' });
    await world.advance(5000, 200); // the agent reads; nothing is dialed meanwhile
    expect(
      (await world.sim.control.requests()).filter(
        (r) => r.path.startsWith('/ari/channels') && r.method === 'POST',
      ),
    ).to.have.length(0);
    expect(await service.accept(p.attempt_id, 'agent4')).to.deep.equal({ decision: 'dial' });
    await world.advance(60_000, 200);
    await runtime.drained();
    const row = await db('call_attempts').where({ id: p.attempt_id }).first();
    expect(row).to.include({ decision: 'dial', outcome: 'completed', agent: 'agent4' });
    expect(row.connected_at).to.not.equal(null);
    const r = await service.disposition(p.attempt_id, { agent: 'agent4', code: 'do_not_call' });
    expect(r.lead_status).to.equal('do_not_call');
    expect(await checkDnc(db, '+84912000301', { at: new Date() })).to.include({ allowed: false });
  });
});
