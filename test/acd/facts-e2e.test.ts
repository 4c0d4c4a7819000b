import { expect } from 'chai';
import { agentEventKind, queueEventKind } from '../../src/acd/facts.js';
import type { FactsPipeline } from '../../src/facts/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { type FactsLoop, startFactsLoop } from '../helpers/facts.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { type AcdHarness, eventually, startAcdHarness } from './harness.js';

describe('acd: queue and agent events through the real facts pipeline and worker', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let redis: TestRedis;
  let loop: FactsLoop;
  let pipeline: FactsPipeline;
  let t: AcdHarness;

  before(async () => {
    db = await createTestDatabase();
    redis = await createTestRedis();
    loop = await startFactsLoop({ db, redis, kinds: [queueEventKind, agentEventKind], name: 'hcm-1' });
    pipeline = loop.pipeline;
    t = await startAcdHarness({ acd: { facts: pipeline.sink } });
    await t.h.sim.control.setEndpoint('PJSIP/agent1', {
      behaviour: 'answer',
      answerAfterMs: 100,
      hangupAfterMs: 300,
    });
  });
  after(async () => {
    await t?.close();
    await loop?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('an answered call and an abandoned one land in queue_events/agent_events and the views', async () => {
    await t.queue({ id: 'ho-tro', wrapupSeconds: 1, announceEverySeconds: 0 });
    t.request = { queue: 'ho-tro' };
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'ho-tro' }]);
    const answered = await t.call({ from: '+84912345678' });
    expect(await t.outcome(answered)).to.include({ result: 'answered', agent: 'lan' });
    await eventually(async () => (await t.state('lan')) === 'available', 'wrap-up over');
    await t.acd.agents.pause('lan', 'lunch', 'lan');
    const gone = await t.call({ from: '+989121234567' });
    await t.h.sim.control.remoteHangup(gone);
    await t.outcome(gone);
    await t.acd.agents.logout('lan', undefined, 'lan');

    const events = await eventually(async () => {
      const r = await db.knex('queue_events').select('event').orderBy('occurred_at');
      return r.length >= 6 ? r.map((x: { event: string }) => x.event) : undefined;
    }, 'queue_events rows');
    expect(events).to.deep.equal(['enter', 'ring', 'connect', 'complete', 'enter', 'abandon']);
    const states = await eventually(async () => {
      const r = await db.knex('agent_events').select('state', 'previous_state').orderBy('occurred_at');
      return r.length >= 7 ? r : undefined;
    }, 'agent_events rows');
    expect(states!.map((r: { state: string }) => r.state)).to.deep.equal([
      'available',
      'ringing',
      'on_call',
      'wrap_up',
      'available',
      'paused',
      'logged_out',
    ]);
    const [stats] = (
      await db.knex.raw(
        `SELECT offered, answered, abandoned, aht_seconds FROM acd_queue_stats_day WHERE queue = 'ho-tro'`,
      )
    ).rows;
    expect(stats).to.include({ offered: '2', answered: '1', abandoned: '1' });
    // AHT = talk + wrap-up (1 s) of the answered call.
    expect(Number(stats.aht_seconds)).to.be.greaterThan(1);
    const lunch = (
      await db.knex.raw(
        `SELECT sum(seconds) AS s FROM acd_agent_time_day WHERE agent = 'lan' AND reason = 'lunch'`,
      )
    ).rows[0];
    expect(Number(lunch.s)).to.be.greaterThan(0);
    // A repeat of every fact adds nothing (ids are natural keys).
    await eventually(() => pipeline.outbox.size === 0, 'outbox settled');
    const n = Number((await db.knex('queue_events').count('* as n'))[0]!.n);
    expect(n).to.equal(6);
  });
});
