import { expect } from 'chai';
import { sleep } from '../helpers/ari.js';
import { type AcdHarness, eventually, startAcdHarness } from './harness.js';

/** Calls through the simulator with real Redis; agents are the simulator's phones PJSIP/agentN. */
describe('acd: queue calls over ARI', function () {
  this.timeout(120_000);
  let t: AcdHarness;

  beforeEach(async () => {
    t = await startAcdHarness();
    for (let i = 1; i <= 6; i++)
      await t.h.sim.control.setEndpoint(`PJSIP/agent${i}`, { behaviour: 'answer', answerAfterMs: 100 });
  });
  afterEach(async () => {
    await t.close();
  });

  const sales = {
    id: 'sales',
    announceEverySeconds: 0,
    wrapupSeconds: 1,
    ringTimeoutSeconds: 3,
    retrySeconds: 0.2,
  };

  it('rings the longest-idle agent, bridges, wraps up and frees the agent; every step is a fact', async () => {
    await t.queue({ ...sales, strategy: 'longest-idle' });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await sleep(20);
    await t.agent({ id: 'minh', endpoint: 'PJSIP/agent2', wrapupSeconds: 0 }, [{ queue: 'sales' }]);
    const ch = await t.call();
    await eventually(async () => (await t.state('lan')) === 'on_call', 'lan on call');
    expect(await t.state('minh')).to.equal('available');
    expect((await eventually(() => t.acd.byAgent('lan'), 'conversation'))!.queue).to.equal('sales');
    await t.h.sim.control.remoteHangup(ch);
    const outcome = await t.outcome(ch);
    expect(outcome).to.include({ result: 'answered', agent: 'lan' });
    expect(await t.state('lan')).to.equal('wrap_up');
    await eventually(async () => (await t.state('lan')) === 'available', 'wrap-up over');
    expect(t.sink.agentStates('lan')).to.deep.equal([
      'available',
      'ringing',
      'on_call',
      'wrap_up',
      'available',
    ]);
    const events = t.sink.queue().map((e) => e.event);
    expect(events).to.deep.equal(['enter', 'ring', 'connect', 'complete']);
    const complete = t.sink.queue('complete')[0]!;
    expect(complete).to.include({ agent: 'lan', reason: 'caller', service_level_seconds: 20 });
    expect(t.acd.list()).to.have.length(0);
    expect(await t.acd.live.waitingCount('sales')).to.equal(0);
    // The second caller goes to minh now (lan rang last... longest idle is minh).
    const ch2 = await t.call();
    await eventually(async () => (await t.state('minh')) === 'on_call', 'minh on call');
    await t.h.sim.control.remoteHangup(ch2);
    expect(await t.outcome(ch2)).to.include({ agent: 'minh' });
    // minh's own wrap-up of 0 s overrides the queue's 1 s.
    await eventually(async () => (await t.state('minh')) === 'available', 'minh free at once');
  });

  it('a caller who hangs up while queued is an abandon and leaves no trace in Redis', async () => {
    await t.queue(sales);
    const ch = await t.call();
    await sleep(200);
    await t.h.sim.control.remoteHangup(ch);
    expect(await t.outcome(ch)).to.deep.equal({ result: 'hangup' });
    const [abandon] = t.sink.queue('abandon');
    expect(abandon).to.include({ queue: 'sales', position: 1 });
    expect(abandon!.wait_seconds as number).to.be.greaterThan(0);
    expect(await t.acd.live.waitingCount('sales')).to.equal(0);
    expect(t.acd.waiting).to.equal(0);
  });

  it('a caller who hangs up while an agent rings: the ringing stops and the agent is free again', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'noanswer' });
    await t.queue({ ...sales, ringTimeoutSeconds: 60 });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    const ch = await t.call();
    await eventually(async () => (await t.state('lan')) === 'ringing', 'ringing');
    await t.h.sim.control.remoteHangup(ch);
    expect(await t.outcome(ch)).to.deep.equal({ result: 'hangup' });
    await eventually(async () => (await t.state('lan')) === 'available', 'lan free');
    await eventually(async () => (await t.h.sim.control.state()).channels.count === 0, 'agent leg gone');
    expect(t.sink.queue('abandon')).to.have.length(1);
  });

  it('hang-up during wrap-up: the wrap-up runs out, a pause asked for on the call starts after it', async () => {
    await t.queue({ ...sales, wrapupSeconds: 2 });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    const ch = await t.call();
    await eventually(async () => (await t.state('lan')) === 'on_call', 'on call');
    await t.acd.agents.pause('lan', 'lunch', 'lan');
    expect(await t.state('lan')).to.equal('on_call');
    await t.h.sim.control.remoteHangup(ch);
    await eventually(async () => (await t.state('lan')) === 'wrap_up', 'wrap-up');
    // The agent's phone is already down; the wrap-up goes on by its timer.
    expect((await t.h.sim.control.state()).channels.count).to.equal(0);
    await eventually(async () => (await t.state('lan')) === 'paused', 'paused after wrap-up');
    expect((await t.acd.live.agent('lan'))!.reason).to.equal('lunch');
  });

  it('agent logs out while ringing: the phone stops, the caller is rung to the next agent', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'noanswer' });
    await t.queue({ ...sales, strategy: 'linear', ringTimeoutSeconds: 60 });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.agent({ id: 'minh', endpoint: 'PJSIP/agent2' }, [{ queue: 'sales' }]);
    // minh busy elsewhere at first so lan is rung
    await t.acd.agents.pause('minh', 'break', 'test');
    const ch = await t.call();
    await eventually(async () => (await t.state('lan')) === 'ringing', 'lan ringing');
    await t.acd.agents.unpause('minh', 'test');
    await t.acd.agents.logout('lan', undefined, 'lan');
    expect(await t.state('lan')).to.equal('logged_out');
    await eventually(async () => (await t.state('minh')) === 'on_call', 'minh answers');
    expect(await t.state('lan')).to.equal('logged_out');
    await t.h.sim.control.remoteHangup(ch);
    expect(await t.outcome(ch)).to.include({ agent: 'minh' });
  });

  it('an offline agent phone is skipped and logged; the caller reaches the next agent', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'unavailable' });
    await t.queue({ ...sales, strategy: 'linear' });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.agent({ id: 'minh', endpoint: 'PJSIP/agent2' }, [{ queue: 'sales' }]);
    const ch = await t.call();
    await eventually(async () => (await t.state('minh')) === 'on_call', 'minh answers');
    expect(t.sink.queue('ring_noanswer')[0]).to.include({ agent: 'lan', reason: 'unreachable' });
    expect(t.h.lines.some((l) => l.includes('agent endpoint unreachable: skipped'))).to.equal(true);
    expect(await t.state('lan')).to.equal('available');
    expect((await t.acd.live.agent('lan'))!.skipUntil).to.be.greaterThan(Date.now());
    await t.h.sim.control.remoteHangup(ch);
  });

  it('with only offline agents the caller is never stuck: it waits and leaves at max wait', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'unavailable' });
    await t.queue({ ...sales, maxWaitSeconds: 2 });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    const ch = await t.call();
    expect(await t.outcome(ch)).to.deep.equal({ result: 'timeout' });
    expect(t.sink.queue('timeout')).to.have.length(1);
    expect(await t.state('lan')).to.equal('available');
    expect(await t.acd.live.waitingCount('sales')).to.equal(0);
  });

  it('ring-no-answer pauses the agent when the queue says so, and the caller goes on to the next', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'noanswer' });
    await t.queue({ ...sales, strategy: 'linear', ringTimeoutSeconds: 3, ringNoAnswerPause: true });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.agent({ id: 'minh', endpoint: 'PJSIP/agent2' }, [{ queue: 'sales' }]);
    await t.acd.agents.pause('minh', 'break', 'test');
    const ch = await t.call();
    await eventually(async () => (await t.state('lan')) === 'paused', 'lan paused', 20_000);
    expect((await t.acd.live.agent('lan'))!.reason).to.equal('ring_no_answer');
    expect(t.sink.queue('ring_noanswer')[0]).to.include({ agent: 'lan', reason: 'no_answer' });
    await t.acd.agents.unpause('minh', 'test');
    await eventually(async () => (await t.state('minh')) === 'on_call', 'minh answers');
    await t.h.sim.control.remoteHangup(ch);
  });

  it('ring-all rings every free agent; the first to answer wins, the others stop ringing', async () => {
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'answer', answerAfterMs: 1500 });
    await t.h.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'answer', answerAfterMs: 100 });
    await t.h.sim.control.setEndpoint('PJSIP/agent3', { behaviour: 'noanswer' });
    await t.queue({ ...sales, strategy: 'ring-all' });
    for (const [id, n] of [
      ['lan', 1],
      ['minh', 2],
      ['dariush', 3],
    ] as const)
      await t.agent({ id, endpoint: `PJSIP/agent${n}` }, [{ queue: 'sales' }]);
    const ch = await t.call();
    await eventually(async () => (await t.state('minh')) === 'on_call', 'minh answers');
    await eventually(
      async () => (await t.state('lan')) === 'available' && (await t.state('dariush')) === 'available',
      'the others free',
    );
    expect(t.sink.queue('ring').map((e) => e.agent)).to.have.members(['lan', 'minh', 'dariush']);
    await t.h.sim.control.remoteHangup(ch);
  });

  it('a higher priority caller is served before earlier ones', async () => {
    await t.queue(sales);
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' });
    const normal = await t.call({ request: { priority: 0 } });
    const vip = await t.call({ from: '+989121234567', request: { priority: 80 } });
    expect(t.sink.queue('enter').map((e) => e.position)).to.deep.equal([1, 1]);
    await t.acd.agents.login('lan', [{ queue: 'sales', penalty: 0 }], 'test');
    await eventually(async () => (await t.state('lan')) === 'on_call', 'lan on call');
    const connect = await eventually(() => t.sink.queue('connect')[0], 'connect');
    expect(connect!.call_id).to.equal(t.sink.queue('enter')[1]!.call_id);
    await t.h.sim.control.remoteHangup(vip);
    await t.h.sim.control.remoteHangup(normal);
  });

  it('max length refuses (full), join-empty refuses (no agents), overflow names the destination', async () => {
    await t.queue({ ...sales, maxLength: 1 });
    await t.queue({ id: 'night', joinEmpty: 'loggedout', announceEverySeconds: 0 });
    await t.queue({
      id: 'vip',
      joinEmpty: 'unavailable',
      overflow: { type: 'voicemail', box: '1000' },
      announceEverySeconds: 0,
    });
    const first = await t.call();
    const second = await t.call();
    expect(await t.outcome(second)).to.deep.equal({ result: 'full' });
    const third = await t.call({ request: { queue: 'night' } });
    expect(await t.outcome(third)).to.deep.equal({ result: 'no_agents' });
    const fourth = await t.call({ request: { queue: 'vip' } });
    expect(await t.outcome(fourth)).to.deep.equal({
      result: 'overflow',
      destination: { type: 'voicemail', box: '1000' },
    });
    expect(t.sink.queue('full')).to.have.length(1);
    expect(t.sink.queue('empty')).to.have.length(2);
    await t.h.sim.control.remoteHangup(first);
    for (const c of [second, third, fourth]) await t.h.sim.control.remoteHangup(c).catch(() => undefined);
  });

  it('leave-empty: waiting callers leave when the last agent logs out', async () => {
    await t.queue({ ...sales, leaveEmpty: 'loggedout' });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.acd.agents.pause('lan', 'break', 'test');
    const ch = await t.call();
    await sleep(200);
    expect(t.outcomes.has(ch)).to.equal(false);
    await t.acd.agents.logout('lan', undefined, 'test');
    expect(await t.outcome(ch)).to.deep.equal({ result: 'no_agents' });
  });

  it('announces the position and estimated wait while the caller waits', async () => {
    await t.queue({ ...sales, announceEverySeconds: 1, periodicMedia: ['sound:queue-periodic-announce'] });
    // One agent logged in (on a break) and recent handle times of 3 minutes: about 3 minutes a caller.
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.acd.agents.pause('lan', 'break', 'test');
    await t.client.lpush(t.acd.live.key('handle', 'sales'), '180', '180');
    await t.h.sim.control.clearRequests();
    const ch = await t.call();
    await t.call({ from: '+442071234567' });
    await eventually(async () => {
      const plays = (await t.h.sim.control.requests()).filter((r) => r.path.includes('/play'));
      return plays.some((p) => JSON.stringify(p).includes('queue-youarenext'));
    }, 'position announced');
    const plays = (await t.h.sim.control.requests()).filter((r) => r.path.includes('/play'));
    expect(JSON.stringify(plays)).to.include('queue-periodic-announce');
    await eventually(async () => {
      const all = JSON.stringify((await t.h.sim.control.requests()).filter((r) => r.path.includes('/play')));
      // The second caller: "there are 1 calls waiting", "the estimated hold time is 6 minutes".
      return all.includes('queue-thereare') && all.includes('number:1') && all.includes('number:6');
    }, 'second caller hears its position and estimate');
    expect(JSON.stringify(plays)).to.include('queue-holdtime');
    expect((await t.h.sim.control.requests()).some((r) => r.path.endsWith('/moh'))).to.equal(true);
    await t.h.sim.control.remoteHangup(ch);
  });

  it('transfer seams: a handed-off caller’s stay outlives the agent leg; agents resolve as targets', async () => {
    await t.queue(sales);
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'sales' }]);
    await t.agent({ id: 'minh', endpoint: 'PJSIP/agent2' }, [{ queue: 'sales' }]);
    await t.acd.agents.pause('minh', 'break', 'test');
    const ch = await t.call();
    const conversation = (await eventually(() => t.acd.list()[0], 'conversation'))!;
    expect(await t.acd.resolveAgent('lan')).to.deep.equal({ refused: 'busy' });
    expect(await t.acd.resolveAgent('minh')).to.deep.equal({ refused: 'offline' });
    expect(await t.acd.resolveAgent('nobody')).to.deep.equal({ refused: 'unknown_agent' });
    let release!: () => void;
    t.acd.handOff(conversation, new Promise<void>((r) => (release = r)));
    await t.h.sim.control.remoteHangup(conversation.agentLeg.channelId);
    await eventually(async () => (await t.state('lan')) !== 'on_call', 'lan wraps up');
    await sleep(300);
    expect(t.outcomes.has(ch)).to.equal(false);
    expect(conversation.caller.ended).to.equal(false);
    release();
    expect(await t.outcome(ch)).to.include({ result: 'answered', agent: 'lan' });
    await eventually(async () => (await t.state('lan')) === 'available', 'lan free');
    const target = await t.acd.resolveAgent('lan');
    expect(target).to.include({ endpoint: 'PJSIP/agent1' });
    expect(await t.state('lan')).to.equal('on_call');
    await (target as { release(): Promise<void> }).release();
    expect(await t.state('lan')).to.equal('available');
    await t.h.sim.control.remoteHangup(ch);
  });
});
