import { expect } from 'chai';
import type { Conversation } from '../../src/acd/port.js';
import { sleep } from '../helpers/ari.js';
import { type AcdHarness, eventually, startAcdHarness } from './harness.js';

describe('acd: callback in queue, and the conversation hooks', function () {
  this.timeout(120_000);
  let t: AcdHarness;
  const connected: Conversation[] = [];
  const ended: string[] = [];

  beforeEach(async () => {
    connected.length = 0;
    ended.length = 0;
    t = await startAcdHarness({
      acd: {
        hooks: {
          connected: (c) => void connected.push(c),
          ended: (c) => void ended.push(c.conversationId),
        },
      },
    });
    await t.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'answer', answerAfterMs: 100 });
    await t.queue({
      id: 'support',
      callbackKey: '*',
      announceEverySeconds: 0,
      wrapupSeconds: 0,
      callbackRetrySeconds: 1,
      callbackAttempts: 2,
      callbackRingSeconds: 3,
      retrySeconds: 0.2,
    });
    await t.agent({ id: 'lan', endpoint: 'PJSIP/agent1' }, [{ queue: 'support' }]);
    await t.acd.agents.pause('lan', 'break', 'test');
    t.request = { queue: 'support' };
  });
  afterEach(async () => {
    await t.close();
  });

  it('the caller presses * and hangs up keeping the place; the agent is dialled first, then the customer', async () => {
    await t.h.sim.control.setOutboundProfile({
      answerProbability: 1,
      busyProbability: 0,
      noAnswerProbability: 0,
      invalidProbability: 0,
      machineProbability: 0,
      ringMs: { min: 100, max: 100 },
    });
    const first = await t.call({ from: '+989121234567' });
    await sleep(100);
    await t.h.sim.control.sendDtmf(first, '*');
    expect(await t.outcome(first)).to.deep.include({ result: 'callback' });
    await eventually(
      async () => !(await t.h.sim.control.state()).channels.ids.includes(first),
      'caller hung up',
    );
    const [requested] = t.sink.queue('callback_requested');
    const callId = requested!.call_id as string;
    // Still first in line although its channel is gone; a later caller is behind it.
    const second = await t.call({ from: '+84987654321' });
    expect(await t.acd.live.position('support', callId)).to.equal(1);
    expect(t.sink.queue('enter', undefined).map((e) => e.position)).to.deep.equal([1, 2]);

    await t.acd.agents.unpause('lan', 'test');
    await eventually(() => connected.length === 1, 'callback connected');
    expect(connected[0]).to.include({ agent: 'lan', queue: 'support', conversationId: callId });
    const requests = await t.h.sim.control.requests();
    const originates = requests.filter((r) => r.method === 'POST' && /^\/ari\/channels\/[^/]+$/.test(r.path));
    const endpoints = originates.map((r) => String((r.query as Record<string, unknown>).endpoint));
    expect(endpoints.slice(-2)).to.deep.equal(['PJSIP/agent1', 'PJSIP/+989121234567@trunk']);
    // The customer hangs up: the conversation ends, then the second caller gets lan.
    await t.h.sim.control.remoteHangup(connected[0]!.caller.channelId);
    await eventually(() => connected.length === 2, 'second caller connected');
    expect(connected[1]!.caller.channelId).to.equal(second);
    expect(ended).to.include(callId);
    expect(t.sink.queue(undefined, callId).map((e) => e.event)).to.deep.equal([
      'enter',
      'callback_requested',
      'ring',
      'callback_attempt',
      'connect',
      'complete',
    ]);
    await t.h.sim.control.remoteHangup(second);
  });

  it('a customer who does not answer is retried; the agent hears why; after the last attempt the callback ends', async () => {
    await t.h.sim.control.setOutboundProfile({
      answerProbability: 0,
      busyProbability: 0,
      noAnswerProbability: 1,
      invalidProbability: 0,
      machineProbability: 0,
      ringMs: { min: 100, max: 100 },
    });
    const ch = await t.call({ from: '+989121234567' });
    await sleep(100);
    await t.h.sim.control.sendDtmf(ch, '*');
    await t.outcome(ch);
    const callId = t.sink.queue('callback_requested')[0]!.call_id as string;
    await t.acd.agents.unpause('lan', 'test');
    await eventually(() => t.sink.queue('callback_abandoned').length === 1, 'callback given up', 90_000);
    expect(t.sink.queue('callback_failed', callId).map((e) => e.reason)).to.deep.equal([
      'no_answer',
      'no_answer',
    ]);
    expect(t.sink.queue('callback_attempt', callId)).to.have.length(2);
    const plays = (await t.h.sim.control.requests()).filter((r) => r.path.includes('/play'));
    expect(JSON.stringify(plays)).to.include('please-try-again');
    await eventually(async () => (await t.state('lan')) === 'available', 'lan free');
    expect(await t.acd.live.waitingCount('support')).to.equal(0);
    expect(connected).to.have.length(0);
  });
});
