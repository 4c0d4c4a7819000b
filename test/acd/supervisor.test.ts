import { expect } from 'chai';
import type { AriBridge, AriChannel } from '../../src/ari/index.js';
import type { Fact } from '../../src/facts/fact.js';
import { createSupervisor, type SupervisorFeature } from '../../src/acd/supervisor/index.js';
import {
  type AcdHarness,
  type ApiServer,
  eventually,
  startAcdHarness,
  startApiServer,
} from './recording-harness.js';

describe('acd/supervisor: listen, whisper, barge', function () {
  let acd: AcdHarness;
  let api: ApiServer;
  let feature: SupervisorFeature;
  let facts: Fact[];

  beforeEach(async () => {
    acd = await startAcdHarness();
    facts = [];
    feature = createSupervisor({
      telephony: () => acd.h.ari,
      conversations: acd.conversations,
      facts: { emit: (f) => facts.push(f) },
      logger: acd.h.ari.logger,
    });
    acd.hooks.push(feature.hooks);
    api = await startApiServer(() => [feature.routes]);
    await acd.h.sim.control.setEndpoint('PJSIP/supervisor1', { behaviour: 'answer', answerAfterMs: 200 });
  });
  afterEach(async () => {
    await api.close();
    await acd.close();
  });

  const bridges = () => acd.h.ari.rest.call<AriBridge[]>('bridges', 'list');
  const channels = () => acd.h.ari.rest.call<AriChannel[]>('channels', 'list');
  const snoopRequests = async () =>
    (await acd.h.sim.control.requests())
      .filter((r) => r.path.includes('/snoop'))
      .map((r) => ({ ...r.query, ...(r.body as object) }) as Record<string, string>);
  const start = (body: object, key = api.keys.supervisor) =>
    api.json('/api/v1/supervision', { method: 'POST', key, body: JSON.stringify(body) });

  it('listen → whisper → barge on one phone call, then the caller hangs up: snoops, bridges and the supervisor leg all go', async () => {
    const c = await acd.connect({ queue: 'sales', agent: 'agent1', from: '+84912345678' });
    const listen = await start({ agent: 'agent1', mode: 'listen', endpoint: 'PJSIP/supervisor1' });
    expect(listen.status).to.equal(201);
    expect(listen.body).to.include({
      mode: 'listen',
      agent: 'agent1',
      conversationId: c.conversationId,
      state: 'active',
    });
    const id = listen.body.sessionId;
    let snoops = await snoopRequests();
    expect(snoops).to.have.length(1);
    expect(snoops[0]).to.include({ spy: 'both', whisper: 'none' });
    // Snoop on the agent's leg, in a bridge of its own with the supervisor; the conversation has its two.
    let all = await bridges();
    expect(all).to.have.length(2);
    const conv = all.find((b) => b.id === c.bridge.id)!;
    expect(conv.channels).to.have.members([c.caller.channelId, c.agentLeg.channelId]);
    const sup = all.find((b) => b.id !== c.bridge.id)!;
    expect(sup.channels).to.have.length(2);
    const chans = await channels();
    const snoop1 = chans.find((ch) => ch.name.startsWith(`Snoop/${c.agentLeg.channelId}`))!;
    expect(snoop1, 'snoop on the agent leg').to.not.equal(undefined);
    expect(sup.channels).to.include(snoop1.id);

    const whisper = await api.json(`/api/v1/supervision/${id}`, {
      method: 'PATCH',
      key: api.keys.supervisor,
      body: JSON.stringify({ mode: 'whisper' }),
    });
    expect(whisper.status).to.equal(200);
    expect(whisper.body.mode).to.equal('whisper');
    snoops = await snoopRequests();
    expect(snoops[1]).to.include({ spy: 'both', whisper: 'out' });
    await eventually(async () => !(await channels()).some((ch) => ch.id === snoop1.id), 'old snoop gone');

    const barge = await api.json(`/api/v1/supervision/${id}`, {
      method: 'PATCH',
      key: api.keys.admin,
      body: JSON.stringify({ mode: 'barge' }),
    });
    expect(barge.body.mode).to.equal('barge');
    await eventually(async () => (await bridges()).length === 1, 'supervision bridge destroyed');
    all = await bridges();
    expect(all[0]!.channels).to.have.length(3);
    expect((await channels()).some((ch) => ch.name.startsWith('Snoop/'))).to.equal(false);

    // The caller hangs up: the session ends with the conversation; nothing is left.
    await acd.h.sim.control.remoteHangup(c.caller.channelId);
    await c.ended;
    await acd.expectNoLeaks();
    expect(feature.service.active).to.equal(0);
    const actions = facts.map((f) => `${f.data.action}:${f.data.mode}`);
    expect(actions).to.deep.equal(['start:listen', 'mode:whisper', 'mode:barge', 'stop:barge']);
    const stop = facts.at(-1)!.data;
    expect(stop).to.include({
      reason: 'conversation_ended',
      agent: 'agent1',
      queue: 'sales',
      call_id: c.caller.callId,
      agent_call_id: c.agentLeg.callId,
    });
    expect(stop.supervisor).to.contain('boss');
    expect(stop.seconds as number).to.be.greaterThan(0);
    expect(facts[1]!.data.previous_mode).to.equal('listen');
    expect(new Set(facts.map((f) => f.id)).size).to.equal(4);
  });

  it('a conversation that ends while the supervisor listens (agent hangs up) cleans up; the supervisor hanging up leaves the call untouched', async () => {
    const c1 = await acd.connect({ agent: 'agent1' });
    const s1 = await start({
      conversation_id: c1.conversationId,
      mode: 'whisper',
      endpoint: 'PJSIP/supervisor1',
    });
    expect(s1.status).to.equal(201);
    await c1.agentLeg.hangup();
    await c1.ended;
    await acd.expectNoLeaks();
    expect(facts.at(-1)!.data).to.include({ action: 'stop', reason: 'conversation_ended' });

    const c2 = await acd.connect({ agent: 'agent2', endpoint: 'PJSIP/agent2' });
    const s2 = await start({ agent: 'agent2', mode: 'listen', endpoint: 'PJSIP/supervisor1' });
    const supLeg = (await channels()).find((ch) => ch.name.startsWith('PJSIP/supervisor1'))!;
    await acd.h.sim.control.remoteHangup(supLeg.id);
    await eventually(() => feature.service.active === 0, 'session ended');
    expect(facts.at(-1)!.data).to.include({
      action: 'stop',
      reason: 'supervisor_hung_up',
      session_id: s2.body.sessionId,
    });
    await eventually(async () => (await bridges()).length === 1, 'supervision bridge gone');
    expect((await bridges())[0]!.channels).to.have.members([c2.caller.channelId, c2.agentLeg.channelId]);
    expect(c2.signal.aborted).to.equal(false);
    // DELETE of a finished session is 404; a fresh one stops with 204 and the call goes on.
    expect(
      (
        await api.json(`/api/v1/supervision/${s2.body.sessionId}`, {
          method: 'DELETE',
          key: api.keys.supervisor,
        })
      ).status,
    ).to.equal(404);
    const s3 = await start({ agent: 'agent2', mode: 'barge', endpoint: 'PJSIP/supervisor1' });
    expect((await api.json('/api/v1/supervision', { key: api.keys.supervisor })).body.items).to.have.length(
      1,
    );
    expect(
      (
        await api.request(`/api/v1/supervision/${s3.body.sessionId}`, {
          method: 'DELETE',
          key: api.keys.supervisor,
        })
      ).status,
    ).to.equal(204);
    await eventually(
      async () => (await bridges())[0]!.channels.length === 2,
      'supervisor left the conversation bridge',
    );
    expect(c2.signal.aborted).to.equal(false);
    await c2.caller.hangup();
    await c2.ended;
    await acd.expectNoLeaks();
  });

  it('role checks and bad input: agents and analysts 403; a trunk or unknown agent refused with the reason; a busy phone is a clear 409 and leaks nothing', async () => {
    const c = await acd.connect({ agent: 'agent1' });
    expect(
      (await start({ agent: 'agent1', mode: 'listen', endpoint: 'PJSIP/supervisor1' }, api.keys.agent))
        .status,
    ).to.equal(403);
    expect(
      (await start({ agent: 'agent1', mode: 'listen', endpoint: 'PJSIP/supervisor1' }, api.keys.analyst))
        .status,
    ).to.equal(403);
    const trunk = await start({ agent: 'agent1', mode: 'listen', endpoint: 'PJSIP/+84901234567@trunk' });
    expect(trunk.status).to.equal(400);
    expect(trunk.body.error.issues[0].path).to.equal('body.endpoint');
    const badMode = await start({ agent: 'agent1', mode: 'spy', endpoint: 'PJSIP/supervisor1' });
    expect(badMode.body.error.issues[0].path).to.equal('body.mode');
    const both = await start({
      agent: 'agent1',
      conversation_id: c.conversationId,
      mode: 'listen',
      endpoint: 'PJSIP/supervisor1',
    });
    expect(both.status).to.equal(400);
    const nobody = await start({ agent: 'agent9', mode: 'listen', endpoint: 'PJSIP/supervisor1' });
    expect(nobody.status).to.equal(404);
    expect(nobody.body.error.message).to.contain('agent9');
    await acd.h.sim.control.setEndpoint('PJSIP/supervisor2', { behaviour: 'busy' });
    const busy = await start({ agent: 'agent1', mode: 'barge', endpoint: 'PJSIP/supervisor2' });
    expect(busy.status).to.equal(409);
    expect(busy.body.error.message).to.contain('PJSIP/supervisor2');
    expect(facts.map((f) => f.data.action)).to.deep.equal(['failed']);
    expect(feature.service.active).to.equal(0);
    expect((await bridges())[0]!.channels).to.have.length(2);
    await c.caller.hangup();
    await c.ended;
    await acd.expectNoLeaks();
  });
});
