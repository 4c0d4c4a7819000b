import { expect } from 'chai';
import { ari, createdChannel, Events, withSimulator } from './helpers.js';

// Event orders measured on a real Asterisk 22 with SIP phones; the virtual clock makes them instant.
describe('simulator: originate, hang-up and call event orders', () => {
  const t = withSimulator();

  const seq = (id: string) =>
    t.ev
      .forChannel(id)
      .map((e) =>
        e.type === 'Dial'
          ? `Dial:${e.dialstatus}`
          : e.type === 'ChannelStateChange'
            ? `State:${e.channel.state}`
            : e.type === 'ChannelVarset'
              ? `Var:${e.variable}=${e.value}`
              : e.type,
      );

  it('answered originate: 200 Down snapshot, then ringing, Up, Dial ANSWER and StasisStart last', async () => {
    const res = await ari(t.sim, 'POST', '/channels', {
      endpoint: 'PJSIP/agent1',
      app: 'tongdai',
      appArgs: 'agent,q1',
      callerId: 'Queue <100>',
    });
    expect(res.status).to.equal(200);
    expect(res.body.state).to.equal('Down');
    expect(res.body.name).to.match(/^PJSIP\/agent1-[0-9a-f]{8}$/);
    expect(res.body.caller).to.deep.equal({ name: 'Queue', number: '100' });
    expect(res.body.creationtime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(Object.keys(res.body)).to.deep.equal([
      'id',
      'name',
      'state',
      'protocol_id',
      'caller',
      'connected',
      'accountcode',
      'dialplan',
      'creationtime',
      'language',
    ]);
    await t.sim.control.advance(1500);
    await t.ev.waitType('StasisStart');
    expect(seq(res.body.id)).to.deep.equal([
      'Dial:',
      'State:Ringing',
      'Dial:RINGING',
      'State:Up',
      'Dial:ANSWER',
      // app_stasis.c clears STASISSTATUS; the originate's subscription lets the app hear it.
      'Var:STASISSTATUS=',
      'StasisStart',
    ]);
    const start = t.ev.of('StasisStart')[0]!;
    expect(start.args).to.deep.equal(['agent', 'q1']);
    expect(start.application).to.equal('tongdai');
    expect(start.asterisk_id).to.be.a('string');
    expect(start.timestamp).to.match(/\+0000$/);
    expect(start.channel.dialplan.app_name).to.equal('Stasis');
    expect(start.channel.dialplan.app_data).to.equal('tongdai,agent,q1');
  });

  it('busy phone: Dial BUSY, ChannelHangupRequest and ChannelDestroyed cause 17, no StasisStart', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' });
    const res = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent2', app: 'tongdai' });
    expect(res.status).to.equal(200);
    await t.sim.control.advance(1000);
    await t.ev.waitType('ChannelDestroyed');
    expect(seq(res.body.id).filter((s) => s !== 'Dial:')).to.deep.equal([
      'Dial:BUSY',
      'ChannelHangupRequest',
      'ChannelDestroyed',
    ]);
    expect(t.ev.of('ChannelHangupRequest')[0]!.cause).to.equal(17);
    // chan_pjsip (22.x): the 486 Busy Here that ended the call, on both events.
    expect(t.ev.of('ChannelHangupRequest')[0]!.tech_cause).to.equal(486);
    expect(t.ev.of('ChannelDestroyed')[0]!.tech_cause).to.equal(486);
    expect(t.ev.of('ChannelDestroyed')[0]!.cause).to.equal(17);
    expect(t.ev.of('ChannelDestroyed')[0]!.cause_txt).to.equal('User busy');
    expect(t.ev.of('StasisStart')).to.have.length(0);
  });

  it('no answer: rings until the originate timeout, then ChannelDestroyed 19, no Dial NOANSWER, no StasisStart', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent3', { behaviour: 'noanswer' });
    const res = await ari(t.sim, 'POST', '/channels', {
      endpoint: 'PJSIP/agent3',
      app: 'tongdai',
      timeout: 5,
    });
    await t.sim.control.advance(4000);
    expect((await ari(t.sim, 'GET', `/channels/${res.body.id}`)).body.state).to.equal('Ringing');
    await t.sim.control.advance(2000);
    await t.ev.waitType('ChannelDestroyed');
    const d = t.ev.of('ChannelDestroyed')[0]!;
    expect(d.cause).to.equal(19);
    expect(t.ev.of('Dial').map((e) => e.dialstatus)).to.not.include('NOANSWER');
    expect(t.ev.of('StasisStart')).to.have.length(0);
  });

  it('unknown endpoint: 500 {"error":"Allocation failed"}; bad endpoint syntax 400', async () => {
    const res = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/nobody', app: 'tongdai' });
    expect(res.status).to.equal(500);
    expect(res.body).to.deep.equal({ error: 'Allocation failed' });
    const bad = await ari(t.sim, 'POST', '/channels', { endpoint: 'agent1', app: 'tongdai' });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.deep.equal({ message: 'Invalid endpoint specified' });
    const none = await ari(t.sim, 'POST', '/channels', { app: 'tongdai' });
    expect(none.status).to.equal(400);
  });

  it('ARI hang-up: ChannelHangupRequest, StasisEnd, then ChannelDestroyed last with the reason cause', async () => {
    const res = await ari(t.sim, 'POST', '/channels/my-id-1', { endpoint: 'PJSIP/agent1', app: 'tongdai' });
    expect(res.body.id).to.equal('my-id-1');
    await t.sim.control.advance(1500);
    await t.ev.waitType('StasisStart');
    const del = await ari(t.sim, 'DELETE', '/channels/my-id-1', { reason: 'congestion' });
    expect(del.status).to.equal(204);
    await t.ev.waitType('ChannelDestroyed');
    const after = t.ev.events
      .slice(t.ev.events.findIndex((e) => e.type === 'StasisStart') + 1)
      .map((e) => e.type);
    // Stasis() returns STASISSTATUS=SUCCESS, then the channel is destroyed (AppDial2 again).
    expect(after).to.deep.equal(['ChannelHangupRequest', 'StasisEnd', 'ChannelVarset', 'ChannelDestroyed']);
    expect(t.ev.of('ChannelVarset').map((e) => `${e.variable}=${e.value}`)).to.deep.equal([
      'STASISSTATUS=',
      'STASISSTATUS=SUCCESS',
    ]);
    // ast_softhangup() reports its reason flag, AST_SOFTHANGUP_EXPLICIT (32), as "cause"; the
    // requested cause shows in ChannelDestroyed.
    expect(t.ev.of('ChannelHangupRequest')[0]).to.include({ cause: 32, soft: true });
    expect(t.ev.of('ChannelDestroyed')[0]!.cause).to.equal(34);
    expect(t.ev.of('ChannelDestroyed')[0]!.cause_txt).to.equal('Circuit/channel congestion');
    expect((await ari(t.sim, 'DELETE', '/channels/my-id-1')).body).to.deep.equal({
      message: 'Channel not found',
    });
    expect((await ari(t.sim, 'DELETE', '/channels/x', { reason: 'bogus' })).status).to.equal(404);
  });

  it('inbound caller: StasisStart args from the call, scripted DTMF, caller hang-up', async () => {
    const { channelId, accepted } = await t.sim.control.placeCall({
      from: '+84901234567',
      to: '19001234',
      script: [{ atMs: 1000, dtmf: '12' }],
      hangupAfterMs: 5000,
    });
    expect(accepted).to.equal(true);
    await t.ev.waitType('StasisStart');
    const s = t.ev.of('StasisStart')[0]!;
    expect(s.args).to.deep.equal(['inbound', '19001234']);
    expect(s.channel.id).to.equal(channelId);
    expect(s.channel.state).to.equal('Ring');
    expect(s.channel.caller.number).to.equal('+84901234567');
    expect((await ari(t.sim, 'POST', `/channels/${channelId}/answer`)).status).to.equal(204);
    await t.sim.control.advance(2000);
    await t.ev.waitType('ChannelDtmfReceived', 2);
    expect(t.ev.of('ChannelDtmfReceived').map((e) => e.digit)).to.deep.equal(['1', '2']);
    expect(t.ev.of('ChannelDtmfReceived')[0]!.duration_ms).to.be.a('number');
    await t.sim.control.advance(5000);
    await t.ev.waitType('StasisEnd');
    // Stasis() in the dialplan subscribed the app only until StasisEnd: no ChannelDestroyed follows.
    expect(t.ev.types().slice(-2)).to.deep.equal(['ChannelHangupRequest', 'StasisEnd']);
    expect(t.ev.of('ChannelHangupRequest')[0]!.cause).to.equal(16);
    expect(t.ev.of('ChannelHangupRequest')[0]).to.not.have.property('soft');
    expect((await t.sim.control.state()).channels.count).to.equal(0);
    expect(t.ev.of('ChannelDestroyed')).to.have.length(0);
  });

  it('a DID for an app with no WebSocket fails like the dialplan (not accepted, hung up)', async () => {
    const r = await t.sim.control.placeCall({ from: '100', to: '200', app: 'nobody' });
    expect(r.accepted).to.equal(false);
    expect((await t.sim.control.state()).channels.count).to.equal(0);
  });

  it('dialer originate into tongdai-outbound runs AMD and enters Stasis with AMDSTATUS', async () => {
    await t.sim.control.setOutboundProfile({
      answerProbability: 1,
      busyProbability: 0,
      noAnswerProbability: 0,
      invalidProbability: 0,
      machineProbability: 1,
      ringMs: { min: 1000, max: 1000 },
      seed: 7,
    });
    const res = await ari(t.sim, 'POST', '/channels', {
      endpoint: 'PJSIP/trunk/+84901234567',
      context: 'tongdai-outbound',
      extension: 'amd',
    });
    expect(res.status).to.equal(200);
    expect(res.body.name).to.match(/^PJSIP\/trunk-/);
    await t.sim.control.advance(5000);
    await t.ev.waitType('StasisStart');
    expect(t.ev.of('StasisStart')[0]!.args).to.deep.equal(['outbound', 'MACHINE', 'LONGGREETING-4000-1500']);
    const v = await ari(t.sim, 'GET', `/channels/${res.body.id}/variable`, { variable: 'AMDSTATUS' });
    expect(v.body).to.deep.equal({ value: 'MACHINE' });
  });

  it('snoop answers 200 with the snoop channel, which enters Stasis; it dies with its target', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    const sn = await ari(t.sim, 'POST', `/channels/${channelId}/snoop`, {
      spy: 'both',
      app: 'tongdai',
      appArgs: 'spy',
    });
    expect(sn.status).to.equal(200);
    expect(sn.body.name).to.match(/^Snoop\//);
    await t.sim.control.advance(10);
    await t.ev.waitType('StasisStart', 2);
    expect(t.ev.of('StasisStart')[1]!.args).to.deep.equal(['spy']);
    const none = await ari(t.sim, 'POST', `/channels/${channelId}/snoop`, { app: 'tongdai' });
    expect(none.body).to.deep.equal({ message: 'Direction must be specified for at least spy or whisper' });
    await ari(t.sim, 'DELETE', `/channels/${channelId}`);
    // Neither the dialplan caller nor the snoop channel (stasis_app_control_snoop() subscribes
    // nobody) reports its destruction: each one's StasisEnd is its last event.
    await t.ev.waitType('StasisEnd', 2);
    expect(t.ev.types((e) => e.type !== 'StasisStart')).to.deep.equal([
      'ChannelHangupRequest',
      'StasisEnd',
      'ChannelHangupRequest',
      'StasisEnd',
    ]);
    expect(t.ev.of('StasisEnd').map((e) => e.channel.id)).to.deep.equal([channelId, sn.body.id]);
    expect((await t.sim.control.state()).channels.count).to.equal(0);
  });

  it('channels/create enters Stasis Down (412 for media), then dial rings and answers with caller set', async () => {
    const { channelId: caller } = await t.sim.control.placeCall({ from: '0901', to: '1900' });
    await ari(t.sim, 'POST', `/channels/${caller}/answer`);
    const res = await ari(t.sim, 'POST', '/channels/create', {
      endpoint: 'PJSIP/agent7',
      app: 'tongdai',
      channelId: 'leg-b',
    });
    expect(res.status).to.equal(200);
    expect(res.body.state).to.equal('Down');
    await t.sim.control.advance(0);
    await t.ev.waitType('StasisStart', 2);
    const play = await ari(t.sim, 'POST', '/channels/leg-b/play', { media: 'sound:beep' });
    expect(play.status).to.equal(412);
    expect(play.body).to.deep.equal({ message: 'Channel in invalid state' });
    expect((await ari(t.sim, 'POST', `/channels/${caller}/dial`)).body).to.deep.equal({
      message: "Channel is not in the 'Down' state",
    });
    expect((await ari(t.sim, 'POST', '/channels/leg-b/dial', { caller, timeout: 10 })).status).to.equal(204);
    await t.sim.control.advance(1500);
    await t.ev.until((e) => e.some((x) => x.type === 'Dial' && x.dialstatus === 'ANSWER'), 'Dial ANSWER');
    const answer = t.ev.of('Dial').find((e) => e.dialstatus === 'ANSWER')!;
    // app_control_dial() publishes Dial with a NULL caller: the caller only lends its caller id.
    expect(answer).to.not.have.property('caller');
    expect(answer.peer.id).to.equal('leg-b');
    expect(answer.peer.connected.number).to.equal('0901');
    expect((await ari(t.sim, 'GET', '/channels/leg-b')).body.state).to.equal('Up');
    expect((await ari(t.sim, 'POST', '/channels/leg-b/dial')).status).to.equal(409);
  });

  it('hang-up reasons: reason and reason_code exclusive; invalid values 400 with Asterisk texts', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    const both = await ari(t.sim, 'DELETE', `/channels/${channelId}`, { reason: 'busy', reason_code: '17' });
    expect(both.body).to.deep.equal({ message: "The reason and reason_code can't both be specified" });
    const bad = await ari(t.sim, 'DELETE', `/channels/${channelId}`, { reason: 'nope' });
    expect(bad.status).to.equal(400);
    // The cause only shows in ChannelDestroyed, which a dialplan caller's app hears only while
    // subscribed to the channel otherwise.
    const sub = await ari(t.sim, 'POST', '/applications/tongdai/subscription', {
      eventSource: `channel:${channelId}`,
    });
    expect(sub.status).to.equal(200);
    const code = await ari(t.sim, 'DELETE', `/channels/${channelId}`, { reason_code: '21' });
    expect(code.status).to.equal(204);
    await t.ev.waitType('ChannelDestroyed');
    expect(t.ev.types().slice(-4)).to.deep.equal([
      'ChannelHangupRequest',
      'StasisEnd',
      'ChannelVarset',
      'ChannelDestroyed',
    ]);
    // The explicit subscription also carries Stasis()'s STASISSTATUS=SUCCESS after StasisEnd.
    expect(t.ev.of('ChannelVarset')[0]).to.include({ variable: 'STASISSTATUS', value: 'SUCCESS' });
    expect(t.ev.of('ChannelDestroyed')[0]!.cause).to.equal(21);
    expect(t.ev.of('ChannelDestroyed')[0]!.cause_txt).to.equal('Call Rejected');
  });
});

describe('simulator: which apps hear a channel end (res/stasis/app.c subscriptions)', () => {
  const t = withSimulator();

  it('a subscribeAll app hears the dialplan caller destroyed; the Stasis app does not', async () => {
    const all = await Events.open(t.sim, 'watcher', '&subscribeAll=true');
    try {
      const { channelId } = await t.sim.control.placeCall({ from: '+989121234567', to: '+982188776655' });
      await t.ev.waitType('StasisStart');
      await t.sim.control.remoteHangup(channelId, 16);
      await all.waitType('ChannelDestroyed');
      await t.ev.waitType('StasisEnd');
      expect(all.of('ChannelDestroyed')[0]!.channel.id).to.equal(channelId);
      expect(t.ev.of('ChannelDestroyed')).to.have.length(0);
    } finally {
      all.close();
    }
  });

  it('dropping an explicit subscription while the channel is in Stasis keeps the one Stasis() took', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '0901', to: '1900' });
    await t.ev.waitType('StasisStart');
    const src = { eventSource: `channel:${channelId}` };
    expect((await ari(t.sim, 'POST', '/applications/tongdai/subscription', src)).status).to.equal(200);
    expect((await ari(t.sim, 'DELETE', '/applications/tongdai/subscription', src)).status).to.equal(200);
    await ari(t.sim, 'POST', `/channels/${channelId}/answer`);
    await t.ev.waitType('ChannelStateChange');
    await ari(t.sim, 'DELETE', `/channels/${channelId}`);
    await t.ev.waitType('StasisEnd');
    expect(t.ev.types((e) => e.type !== 'StasisStart')).to.deep.equal([
      'ChannelStateChange',
      'ChannelHangupRequest',
      'StasisEnd',
    ]);
  });

  it('a channel the app originated or created reports ChannelDestroyed after StasisEnd', async () => {
    await ari(t.sim, 'POST', '/channels/o1', { endpoint: 'PJSIP/agent1', app: 'tongdai' });
    await ari(t.sim, 'POST', '/channels/create', {
      endpoint: 'PJSIP/agent2',
      app: 'tongdai',
      channelId: 'c1',
    });
    await t.sim.control.advance(1500);
    await t.ev.waitType('StasisStart', 2);
    await ari(t.sim, 'DELETE', '/channels/o1');
    await ari(t.sim, 'DELETE', '/channels/c1');
    await t.ev.waitType('ChannelDestroyed', 2);
    for (const id of ['o1', 'c1'])
      expect(
        t.ev
          .forChannel(id)
          .map((e) => (e.type === 'ChannelVarset' ? `${e.variable}=${e.value}` : e.type))
          .slice(-4),
      ).to.deep.equal(['ChannelHangupRequest', 'StasisEnd', 'STASISSTATUS=SUCCESS', 'ChannelDestroyed']);
  });
});

describe('simulator: Dial statuses (main/dial.c for originate, the dial bridge for /dial)', () => {
  const t = withSimulator();
  const dials = (id: string) =>
    t.ev
      .forChannel(id)
      .filter((e) => e.type === 'Dial')
      .map((e) => `${e.dialstatus}|${e.dialstring}`);

  it('an originate hung up while ringing publishes the status its cause maps to, then ChannelDestroyed', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent3', { behaviour: 'noanswer' });
    await ari(t.sim, 'POST', '/channels/r1', { endpoint: 'PJSIP/agent3', app: 'tongdai' });
    await ari(t.sim, 'POST', '/channels/r2', { endpoint: 'PJSIP/agent3', app: 'tongdai' });
    await t.sim.control.advance(2000);
    await ari(t.sim, 'DELETE', '/channels/r1');
    await ari(t.sim, 'DELETE', '/channels/r2', { reason: 'busy' });
    await t.ev.waitType('ChannelDestroyed', 2);
    // ast_read() fails on the soft-hung-up callee; ast_hangup_cause_to_dial_status(16) is NOANSWER.
    expect(dials('r1')).to.deep.equal(['|agent3', 'RINGING|agent3', 'NOANSWER|agent3']);
    expect(dials('r2')).to.deep.equal(['|agent3', 'RINGING|agent3', 'BUSY|agent3']);
    expect(
      t.ev
        .forChannel('r1')
        .map((e) => e.type)
        .slice(-3),
    ).to.deep.equal(['ChannelHangupRequest', 'Dial', 'ChannelDestroyed']);
    expect(t.ev.of('Dial').every((d) => !('caller' in d))).to.equal(true);
    expect(t.ev.of('StasisStart')).to.have.length(0);
  });

  it('a created channel: the first Dial names the dialstring, the dial bridge publishes the rest with ""', async () => {
    await createdChannel(t, 'PJSIP/agent7', 'b1');
    await ari(t.sim, 'POST', '/channels/b1/dial', { timeout: 10 });
    await t.sim.control.advance(1500);
    await t.ev.until((e) => e.some((x) => x.dialstatus === 'ANSWER'), 'Dial ANSWER');
    expect(dials('b1')).to.deep.equal(['|agent7', 'RINGING|', 'ANSWER|']);
  });

  it('a created channel that is not answered in time: soft hang-up, StasisEnd, ChannelDestroyed cause 0', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent5', { behaviour: 'noanswer' });
    await createdChannel(t, 'PJSIP/agent5', 'n1');
    await ari(t.sim, 'POST', '/channels/n1/dial', { timeout: 5 });
    await t.sim.control.advance(6000);
    await t.ev.waitType('ChannelDestroyed');
    // control.c bridge_timeout(): hangup_channel() is ast_softhangup(AST_SOFTHANGUP_EXPLICIT), which
    // sets no hang-up cause; no NOANSWER is published from the dial bridge.
    expect(dials('n1')).to.deep.equal(['|agent5', 'RINGING|']);
    expect(
      t.ev
        .forChannel('n1')
        .map((e) => e.type)
        .slice(-4),
    ).to.deep.equal(['ChannelHangupRequest', 'StasisEnd', 'ChannelVarset', 'ChannelDestroyed']);
    expect(t.ev.of('ChannelHangupRequest')[0]).to.include({ cause: 32, soft: true });
    expect(t.ev.of('ChannelDestroyed')[0]).to.include({ cause: 0, cause_txt: 'Unknown' });
  });

  it('a created channel to a busy phone: Dial BUSY with an empty dialstring, cause 17', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent6', { behaviour: 'busy' });
    await createdChannel(t, 'PJSIP/agent6', 'y1');
    await ari(t.sim, 'POST', '/channels/y1/dial');
    await t.sim.control.advance(1000);
    await t.ev.waitType('ChannelDestroyed');
    expect(dials('y1')).to.deep.equal(['|agent6', 'BUSY|']);
    expect(t.ev.of('ChannelDestroyed')[0]!.cause).to.equal(17);
  });

  it('dial with a caller: the callee takes its caller id, language and inheritable variables', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '+84901234567', to: '1900', language: 'vi' });
    await ari(t.sim, 'POST', `/channels/${channelId}/variable`, { variable: '__CAMPAIGN', value: 'tet' });
    await ari(t.sim, 'POST', `/channels/${channelId}/variable`, { variable: '_QUEUE', value: 'sales' });
    await ari(t.sim, 'POST', `/channels/${channelId}/variable`, { variable: 'LOCAL', value: 'x' });
    await createdChannel(t, 'PJSIP/agent8', 'v1');
    await ari(t.sim, 'POST', '/channels/v1/dial', { caller: channelId });
    const get = async (v: string) => (await ari(t.sim, 'GET', '/channels/v1/variable', { variable: v })).body;
    expect(await get('__CAMPAIGN')).to.deep.equal({ value: 'tet' });
    expect(await get('QUEUE')).to.deep.equal({ value: 'sales' });
    expect(await get('LOCAL')).to.deep.equal({ message: 'Provided variable was not found' });
    const snap = (await ari(t.sim, 'GET', '/channels/v1')).body;
    expect(snap.connected.number).to.equal('+84901234567');
    expect(snap.language).to.equal('vi');
  });
});
