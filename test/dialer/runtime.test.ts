import { expect } from 'chai';
import {
  addLeads,
  campaignInput,
  createList,
  type DialerWorld,
  loginAgents,
  startDialerWorld,
} from './harness.js';

describe('dialer runtime through the simulator (virtual clock)', function () {
  this.timeout(180_000);
  let world: DialerWorld;
  afterEach(async () => world?.close());

  it('dials progressive leads, connects live answers to agents and records every attempt', async () => {
    world = await startDialerWorld();
    await world.sim.control.setOutboundProfile({
      answerProbability: 0.6,
      busyProbability: 0.2,
      noAnswerProbability: 0.2,
      invalidProbability: 0,
      machineProbability: 0.3,
      machineGreetingMs: 2000,
      ringMs: { min: 2000, max: 6000 },
      talkMs: { min: 20_000, max: 60_000 },
      seed: 7,
    });
    const list = await createList(world.db.knex);
    await addLeads(
      world.db.knex,
      list,
      Array.from({ length: 12 }, (_, i) => ({
        phone: `+8490${String(1000000 + i).padStart(7, '0')}`,
        time_zone: 'Asia/Ho_Chi_Minh',
        country: 'VN',
      })),
    );
    const c = await world.store.create(campaignInput(list, { max_attempts: 1 }), 'test');
    await loginAgents(world, c.id, 3);
    const runtime = await world.addRuntime('engine-a');
    await world.store.transition(c.id, 'start');
    await world.advance(10 * 60_000, 200);
    await runtime.drained();
    const rows = await world.db.knex('call_attempts').where({ campaign_id: c.id, decision: 'dial' });
    expect(rows).to.have.length(12);
    expect(rows.every((r) => !r.active)).to.equal(true);
    const outcomes = new Set(rows.map((r) => r.outcome));
    expect(
      [...outcomes].every((o) => ['completed', 'busy', 'no_answer', 'machine', 'abandoned'].includes(o)),
    ).to.equal(true, [...outcomes].join(','));
    const completed = rows.filter((r) => r.outcome === 'completed');
    expect(completed.length).to.be.greaterThan(0);
    for (const r of completed) expect(r.agent).to.match(/^agent\d$/);
    const counters = runtime.counters(c.id);
    expect(counters.dialed).to.equal(12);
    expect(counters.abandoned).to.equal(rows.filter((r) => r.abandoned).length);
    // Every lead closed, nothing in progress: the campaign completed by itself.
    expect((await world.store.get(c.id)).state).to.equal('completed');
  });
});
