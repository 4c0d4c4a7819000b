import { expect } from 'chai';
import type { AriBridge, AriChannel, Call } from '../../src/ari/index.js';
import type { QueueOutcome, QueueRequest, QueueService } from '../../src/acd/port.js';
import { createTransfers, type AgentTarget, type TransferFeature } from '../../src/acd/transfer/index.js';
import {
  type AcdHarness,
  type ApiServer,
  eventually,
  startAcdHarness,
  startApiServer,
} from './recording-harness.js';

/** Agents of the test's directory: agent9 is logged out. */
const Directory: Record<string, AgentTarget> = {
  agent1: { endpoint: 'PJSIP/agent1' },
  agent3: { endpoint: 'PJSIP/agent3' },
  agent4: { endpoint: 'PJSIP/agent4' },
  agent5: { endpoint: 'PJSIP/agent5' },
  agent9: { refused: 'offline' },
};

/** A queue of one agent phone, enough to see a caller handed over and its stay end. */
class OneAgentQueue implements QueueService {
  entered: Array<{ call: Call; request: QueueRequest; outcome?: QueueOutcome }> = [];
  constructor(private readonly acd: AcdHarness) {}
  has(queue: string) {
    return queue === 'support';
  }
  async enter(call: Call, request: QueueRequest): Promise<QueueOutcome> {
    const entry: (typeof this.entered)[number] = { call, request };
    this.entered.push(entry);
    const leg = await this.acd.h.ari.originate({ endpoint: 'PJSIP/agent6', parentCallId: call.callId });
    const bridge = await this.acd.h.ari.createBridge({ name: 'queue/support' });
    await bridge.addChannel(call);
    await bridge.addChannel(leg);
    await Promise.race([call.whenEnded(), leg.whenEnded()]);
    await leg.hangup();
    await bridge.destroy();
    entry.outcome = { result: 'answered', agent: 'agent6', conversationId: call.callId };
    return entry.outcome;
  }
}

describe('acd/transfer: blind, attended, three-way; failures never drop the caller', function () {
  let acd: AcdHarness;
  let api: ApiServer;
  let feature: TransferFeature;
  let entries: Array<{ channelId: string; what: string; detail: Record<string, unknown> }>;
  let originating: Array<{ channelId: string; parentCallId?: string; to?: string }>;
  let queue: OneAgentQueue;

  beforeEach(async () => {
    acd = await startAcdHarness();
    entries = [];
    originating = [];
    acd.h.ari.on('originating', (o) => originating.push(o));
    queue = new OneAgentQueue(acd);
    feature = createTransfers({
      telephony: () => acd.h.ari,
      conversations: acd.conversations,
      host: acd.host,
      queues: queue,
      resolveAgent: (agent) => Directory[agent] ?? { refused: 'unknown_agent' },
      logger: acd.h.ari.logger,
      ringSeconds: 2,
      annotator: {
        annotate: () => undefined,
        addEntry: (call, e) =>
          entries.push({ channelId: call.channelId, what: String(e.detail?.what), detail: e.detail ?? {} }),
      },
    });
    acd.hooks.push(feature.hooks);
    api = await startApiServer(() => [feature.routes]);
    await acd.h.sim.control.setOutboundProfile({
      answerProbability: 1,
      busyProbability: 0,
      noAnswerProbability: 0,
      invalidProbability: 0,
      machineProbability: 0,
      machineGreetingMs: 0,
      ringMs: { min: 300, max: 300 },
    });
  });
  afterEach(async () => {
    await api.close();
    await acd.close();
  });

  const bridges = () => acd.h.ari.rest.call<AriBridge[]>('bridges', 'list');
  const channels = () => acd.h.ari.rest.call<AriChannel[]>('channels', 'list');
  const transfer = (body: object, key = api.keys.agent) =>
    api.json('/api/v1/transfers', { method: 'POST', key, body: JSON.stringify(body) });
  const bridgeOf = async (channelId: string) => (await bridges()).find((b) => b.channels.includes(channelId));

  it('blind to an agent: the target rings with the caller’s number, the caller is bridged with it, the agent is released; legs linked', async () => {
    const c = await acd.connect({ agent: 'agent1', from: '+84901234567' });
    const r = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent3' } });
    expect(r.status).to.equal(201);
    expect(r.body).to.include({
      state: 'completed',
      callerWith: 'target',
      conversationId: c.conversationId,
      agent: 'agent1',
    });
    await eventually(() => c.agentLeg.ended, 'agent released');
    const target = (await channels()).find((ch) => ch.name.startsWith('PJSIP/agent3'))!;
    expect(target.caller.number).to.equal('+84901234567');
    const b = await bridgeOf(c.caller.channelId);
    expect(b!.channels).to.have.members([c.caller.channelId, target.id]);
    expect(originating.find((o) => o.channelId === target.id)?.parentCallId).to.equal(c.caller.callId);
    expect(r.body.targetCallId).to.equal(target.id);
    // The caller's stay is held by the transfer until the transferred call ends.
    expect(c.caller.ended).to.equal(false);
    await acd.h.sim.control.remoteHangup(target.id);
    await c.ended;
    expect(entries.map((e) => e.what)).to.deep.equal(['started', 'completed', 'ended']);
    expect(entries.every((e) => e.channelId === c.caller.channelId)).to.equal(true);
    expect(entries[2]!.detail.hungUpBy).to.equal('target');
    await acd.expectNoLeaks();
    expect(feature.service.active).to.equal(0);
  });

  it('target busy, not answering or offline: the caller is back with the agent and the call goes on', async () => {
    await acd.h.sim.control.setEndpoint('PJSIP/agent4', { behaviour: 'busy' });
    await acd.h.sim.control.setEndpoint('PJSIP/agent5', { behaviour: 'noanswer' });
    const c = await acd.connect({ agent: 'agent1' });
    const busy = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent4' } });
    expect(busy.body).to.include({ state: 'failed', reason: 'busy', callerWith: 'agent' });
    expect((await bridgeOf(c.caller.channelId))!.id).to.equal(c.bridge.id);
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.members([
      c.caller.channelId,
      c.agentLeg.channelId,
    ]);
    const noAnswer = await transfer({ kind: 'attended', target: { type: 'agent', agent: 'agent5' } });
    expect(noAnswer.body).to.include({ state: 'failed', reason: 'no_answer', callerWith: 'agent' });
    const offline = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent9' } });
    expect(offline.body).to.include({ state: 'failed', reason: 'offline', callerWith: 'agent' });
    const unknown = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent77' } });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.message).to.contain('agent77');
    expect(c.signal.aborted).to.equal(false);
    expect((await bridges()).length).to.equal(1);
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.length(2);
    await c.caller.hangup();
    await c.ended;
    await acd.expectNoLeaks();
  });

  it('attended to a number: consult while the caller holds, then complete; cancel and target hang-up take the caller back', async () => {
    const c = await acd.connect({ agent: 'agent1', from: '+989121234567', language: 'fa' });
    const r = await transfer({ kind: 'attended', target: { type: 'number', number: '+982188776655' } });
    expect(r.body).to.include({ state: 'consulting' });
    const outbound = originating.find((o) => o.to === '+982188776655')!;
    expect(outbound.parentCallId).to.equal(c.caller.callId);
    // Agent and target talk in the conversation's bridge; the caller holds in the transfer's own.
    const agentSide = await bridgeOf(c.agentLeg.channelId);
    expect(agentSide!.channels).to.have.members([c.agentLeg.channelId, outbound.channelId]);
    const holding = await bridgeOf(c.caller.channelId);
    expect(holding!.id).to.not.equal(c.bridge.id);
    expect(holding!.channels).to.deep.equal([c.caller.channelId]);
    // Another agent may not complete it.
    expect(
      (
        await api.json(`/api/v1/transfers/${r.body.transferId}/complete`, {
          method: 'POST',
          key: api.keys.agent2,
        })
      ).status,
    ).to.equal(403);
    const cancelled = await api.json(`/api/v1/transfers/${r.body.transferId}/cancel`, {
      method: 'POST',
      key: api.keys.agent,
    });
    expect(cancelled.body).to.include({ state: 'cancelled', callerWith: 'agent' });
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.members([
      c.caller.channelId,
      c.agentLeg.channelId,
    ]);
    await eventually(
      async () => !(await channels()).some((ch) => ch.id === outbound.channelId),
      'target hung up',
    );

    // Second try: the target hangs up during the consultation → back with the agent.
    const r2 = await transfer({ kind: 'attended', target: { type: 'number', number: '+982188776655' } });
    const target2 = originating.filter((o) => o.to === '+982188776655')[1]!;
    await acd.h.sim.control.remoteHangup(target2.channelId);
    await eventually(() => feature.service.active === 0, 'cancelled by the target');
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.members([
      c.caller.channelId,
      c.agentLeg.channelId,
    ]);
    expect(
      entries.filter((e) => e.detail.transferId === r2.body.transferId).map((e) => e.what),
    ).to.deep.equal(['started', 'consulting', 'cancelled']);

    // Third: complete (as a supervisor, naming the conversation).
    const r3 = await transfer(
      {
        kind: 'attended',
        target: { type: 'number', number: '+982188776655' },
        conversation_id: c.conversationId,
      },
      api.keys.supervisor,
    );
    const done = await api.json(`/api/v1/transfers/${r3.body.transferId}/complete`, {
      method: 'POST',
      key: api.keys.supervisor,
    });
    expect(done.body).to.include({ state: 'completed', callerWith: 'target' });
    await eventually(() => c.agentLeg.ended, 'agent released');
    const target3 = originating.filter((o) => o.to === '+982188776655')[2]!;
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.members([
      c.caller.channelId,
      target3.channelId,
    ]);
    await acd.h.sim.control.remoteHangup(c.caller.channelId);
    await c.ended;
    await acd.expectNoLeaks();
  });

  it('three-way: caller, agent and target together; the agent leaves and the other two go on', async () => {
    const c = await acd.connect({ agent: 'agent1' });
    const r = await transfer({ kind: 'conference', target: { type: 'agent', agent: 'agent3' } });
    expect(r.body).to.include({ state: 'conference', callerWith: 'conference' });
    const target = (await channels()).find((ch) => ch.name.startsWith('PJSIP/agent3'))!;
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.members([
      c.caller.channelId,
      c.agentLeg.channelId,
      target.id,
    ]);
    await c.agentLeg.hangup();
    await eventually(async () => {
      const b = await bridgeOf(c.caller.channelId);
      return b && b.id !== c.bridge.id && b.channels.length === 2 && b.channels.includes(target.id);
    }, 'caller and target bridged after the agent left');
    expect(c.caller.ended).to.equal(false);
    await acd.h.sim.control.remoteHangup(c.caller.channelId);
    await c.ended;
    expect(entries.map((e) => e.what)).to.deep.equal([
      'started',
      'conference',
      'agent_left_conference',
      'ended',
    ]);
    await acd.expectNoLeaks();
  });

  it('blind to a queue: the agent is released and the caller’s stay goes on in the queue', async () => {
    const c = await acd.connect({ agent: 'agent1', language: 'vi', from: '+84912345678' });
    const r = await transfer({ kind: 'blind', target: { type: 'queue', queue: 'support', priority: 80 } });
    expect(r.body).to.include({ state: 'completed', callerWith: 'queue' });
    await eventually(() => queue.entered.length === 1, 'queued');
    expect(queue.entered[0]!.request).to.include({
      queue: 'support',
      priority: 80,
      language: 'vi',
      customerPhone: '+84912345678',
    });
    await eventually(() => c.agentLeg.ended, 'agent released');
    const agent6 = await eventually(async () => {
      const leg = (await channels()).find((ch) => ch.name.startsWith('PJSIP/agent6') && ch.state === 'Up');
      const together = leg && (await bridgeOf(leg.id))?.channels.includes(c.caller.channelId);
      return together ? leg : undefined;
    }, 'queue agent answered and bridged with the caller');
    await acd.h.sim.control.remoteHangup(agent6!.id);
    await c.ended;
    expect(queue.entered[0]!.outcome).to.deep.include({ result: 'answered', agent: 'agent6' });
    expect(entries.map((e) => e.what)).to.deep.equal(['queued', 'queue_outcome']);
    const unknownQueue = await transfer({ kind: 'blind', target: { type: 'queue', queue: 'nope' } });
    expect(unknownQueue.status).to.equal(404);
    await acd.expectNoLeaks();
  });

  it('the agent leaves during a blind transfer that then fails: the caller hears a message and goes back to the flow; a caller hanging up while the target rings cancels it', async () => {
    await acd.h.sim.control.setEndpoint('PJSIP/agent5', { behaviour: 'noanswer' });
    const c = await acd.connect({ agent: 'agent1' });
    const pending = transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent5' } });
    await eventually(
      async () => (await channels()).some((ch) => ch.name.startsWith('PJSIP/agent5')),
      'target ringing',
    );
    await c.agentLeg.hangup();
    const r = await pending;
    expect(r.body).to.include({ state: 'failed', reason: 'no_answer', callerWith: 'flow' });
    const plays = (await acd.h.sim.control.requests()).filter((q) =>
      q.path.includes(`/channels/${c.caller.channelId}/play`),
    );
    expect(plays).to.have.length(1);
    await c.ended;
    await acd.expectNoLeaks();

    const c2 = await acd.connect({ agent: 'agent1' });
    const pending2 = transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent5' } });
    await eventually(
      async () => (await channels()).some((ch) => ch.name.startsWith('PJSIP/agent5')),
      'target ringing',
    );
    await acd.h.sim.control.remoteHangup(c2.caller.channelId);
    const r2 = await pending2;
    expect(r2.body).to.include({ state: 'failed', reason: 'caller_hung_up', callerWith: 'hung_up' });
    await c2.ended;
    await acd.expectNoLeaks();
  });

  it('bad input and roles: analysts 403, another agent’s call 403, bad numbers and queue kinds 400 with the path, no call 404', async () => {
    const none = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent3' } });
    expect(none.status).to.equal(404);
    const c = await acd.connect({ agent: 'agent1' });
    expect(
      (await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent3' } }, api.keys.analyst))
        .status,
    ).to.equal(403);
    expect(
      (
        await transfer(
          { kind: 'blind', target: { type: 'agent', agent: 'agent3' }, conversation_id: c.conversationId },
          api.keys.agent2,
        )
      ).status,
    ).to.equal(403);
    const badNumber = await transfer({ kind: 'blind', target: { type: 'number', number: '0912345678' } });
    expect(badNumber.status).to.equal(400);
    expect(badNumber.body.error.issues[0].path).to.equal('body.target.number');
    const queueAttended = await transfer({ kind: 'attended', target: { type: 'queue', queue: 'support' } });
    expect(queueAttended.status).to.equal(400);
    expect(queueAttended.body.error.issues[0].path).to.equal('body.kind');
    const self = await transfer({ kind: 'blind', target: { type: 'agent', agent: 'agent1' } });
    expect(self.status).to.equal(400);
    const supNoId = await transfer(
      { kind: 'blind', target: { type: 'agent', agent: 'agent3' } },
      api.keys.supervisor,
    );
    expect(supNoId.body.error.issues[0].path).to.equal('body.conversation_id');
    expect((await bridgeOf(c.caller.channelId))!.channels).to.have.length(2);
    await c.caller.hangup();
    await c.ended;
    await acd.expectNoLeaks();
  });
});
