import { expect } from 'chai';
import { causeText } from '../../src/simulator/model.js';
import { ari, createdChannel, Events, withSimulator } from './helpers.js';

// Payload details checked against Asterisk's sources (main/stasis_channels.c, main/dial.c,
// main/channel.c, res/stasis/stasis_bridge.c, res/res_stasis.c) and captured Asterisk events.
describe('simulator: payload shapes from the Asterisk sources', () => {
  const t = withSimulator();

  it('Dial always carries forward ""; an originated channel runs AppDial2 until Stasis and again after it', async () => {
    const res = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent1', app: 'tongdai' });
    const dialed = {
      context: 'default',
      exten: 's',
      priority: 1,
      app_name: 'AppDial2',
      app_data: '(Outgoing Line)',
    };
    expect(res.body.dialplan).to.deep.equal(dialed);
    await t.sim.control.advance(1500);
    await t.ev.waitType('StasisStart');
    const dials = t.ev.of('Dial');
    expect(dials.map((d) => d.dialstatus)).to.deep.equal(['', 'RINGING', 'ANSWER']);
    for (const d of dials) {
      expect(d.forward).to.equal('');
      expect(d.dialstring).to.equal('agent1');
      expect(d.peer.dialplan).to.deep.equal(dialed);
    }
    expect(t.ev.of('ChannelStateChange')[0]!.channel.dialplan.app_name).to.equal('AppDial2');
    expect(t.ev.of('StasisStart')[0]!.channel.dialplan).to.deep.equal({
      ...dialed,
      app_name: 'Stasis',
      app_data: 'tongdai',
    });
    await ari(t.sim, 'DELETE', `/channels/${res.body.id}`);
    await t.ev.waitType('ChannelDestroyed');
    // StasisEnd still shows Stasis; pbx_exec() has put AppDial2 back by the time the channel dies.
    expect(t.ev.of('StasisEnd')[0]!.channel.dialplan.app_name).to.equal('Stasis');
    expect(t.ev.of('ChannelDestroyed')[0]!.channel.dialplan).to.deep.equal(dialed);
  });

  it('busy and unanswered originates die in AppDial2 with the causes table texts', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' });
    await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent2', app: 'tongdai' });
    await t.sim.control.advance(500);
    await t.ev.waitType('ChannelDestroyed');
    const d = t.ev.of('ChannelDestroyed')[0]!;
    expect(d.cause_txt).to.equal('User busy');
    expect(d.channel.dialplan.app_name).to.equal('AppDial2');
  });

  it('cause texts are ast_cause2str(): the full table, "Unknown" otherwise', () => {
    expect(causeText[16]).to.equal('Normal Clearing');
    expect(causeText[18]).to.equal('No user responding');
    expect(causeText[19]).to.equal('User alerting, no answer');
    expect(causeText[20]).to.equal('Subscriber absent');
    expect(causeText[21]).to.equal('Call Rejected');
    expect(causeText[34]).to.equal('Circuit/channel congestion');
    expect(causeText[44]).to.equal('Requested channel not available');
    expect(causeText[102]).to.equal('Recover on timer expiry');
    expect(causeText[0]).to.equal(undefined);
  });

  it('hang-up with reason_code 44 reports "Requested channel not available"; an unknown code is "Unknown"', async () => {
    const a = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent1', app: 'tongdai' });
    const b = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent3', app: 'tongdai' });
    await t.sim.control.advance(1500);
    await t.ev.waitType('StasisStart', 2);
    await ari(t.sim, 'DELETE', `/channels/${a.body.id}`, { reason_code: '44' });
    await ari(t.sim, 'DELETE', `/channels/${b.body.id}`, { reason_code: '250' });
    await t.ev.waitType('ChannelDestroyed', 2);
    expect(t.ev.of('ChannelDestroyed').map((e) => [e.cause, e.cause_txt])).to.deep.equal([
      [44, 'Requested channel not available'],
      [250, 'Unknown'],
    ]);
  });

  it('bridges: holding ones are in talker video mode; unknown types are ignored; mixing+holding fails', async () => {
    const h = await ari(t.sim, 'POST', '/bridges', { type: 'holding', bridgeId: 'h1' });
    expect(h.body).to.include({ technology: 'holding_bridge', bridge_type: 'holding', video_mode: 'talker' });
    const m = await ari(t.sim, 'POST', '/bridges', { type: 'mixing,dtmf_events,bogus', bridgeId: 'm1' });
    expect(m.status).to.equal(200);
    expect(m.body).to.include({ technology: 'simple_bridge', bridge_type: 'mixing', video_mode: 'talker' });
    const sfu = await ari(t.sim, 'POST', '/bridges', { type: 'video_sfu', bridgeId: 's1' });
    expect(sfu.body).to.include({ bridge_type: 'mixing', video_mode: 'sfu' });
    const single = await ari(t.sim, 'POST', '/bridges', { type: 'mixing,video_single', bridgeId: 'v1' });
    expect(single.body.video_mode).to.equal('single');
    const both = await ari(t.sim, 'POST', '/bridges', { type: 'mixing,holding' });
    expect(both.status).to.equal(500);
    expect(both.body).to.deep.equal({
      message: "Unable to create bridge. Possible duplicate bridge id '(null)'",
    });
    const none = await ari(t.sim, 'POST', '/bridges/x1', { type: 'bogus' });
    expect(none.body).to.deep.equal({ message: 'Unable to create bridge' });
  });

  it('a smart mixing bridge reports the technology it had before each join or leave', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const { channelId } = await t.sim.control.placeCall({ from: `${n}`, to: '1800' });
      ids.push(channelId);
    }
    await ari(t.sim, 'POST', '/bridges', { bridgeId: 'mix' });
    for (const id of ids) await ari(t.sim, 'POST', '/bridges/mix/addChannel', { channel: id });
    await t.ev.waitType('ChannelEnteredBridge', 3);
    expect(t.ev.of('ChannelEnteredBridge').map((e) => e.bridge.technology)).to.deep.equal([
      'simple_bridge',
      'simple_bridge',
      'simple_bridge',
    ]);
    expect((await ari(t.sim, 'GET', '/bridges/mix')).body.technology).to.equal('softmix');
    await ari(t.sim, 'DELETE', `/channels/${ids[0]}`);
    await ari(t.sim, 'DELETE', `/channels/${ids[1]}`);
    await t.ev.waitType('ChannelLeftBridge', 2);
    expect(
      t.ev.of('ChannelLeftBridge').map((e) => [e.bridge.technology, e.bridge.channels.length]),
    ).to.deep.equal([
      ['softmix', 2],
      ['simple_bridge', 1],
    ]);
  });
});

describe('simulator: res_stasis_playback.c state machine', () => {
  const t = withSimulator(async (t) => {
    t.chan = (await t.sim.control.placeCall({ from: '1', to: '2' })).channelId;
    await ari(t.sim, 'POST', `/channels/${t.chan}/answer`);
  });

  it('operations follow the table: queued restart is a no-op, paused pause is a no-op, skips need playing', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/a`, { media: 'tone:ring' });
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/b`, { media: 'sound:beep' });
    const ctl = (id: string, operation: string) =>
      ari(t.sim, 'POST', `/playbacks/${id}/control`, { operation });
    expect((await ctl('b', 'restart')).status).to.equal(204);
    expect((await ctl('b', 'pause')).body).to.deep.equal({
      message: 'Can only pause while media is playing',
    });
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackStarted');
    expect((await ctl('a', 'unpause')).status).to.equal(204);
    expect((await ctl('a', 'pause')).status).to.equal(204);
    expect((await ctl('a', 'pause')).status).to.equal(204);
    expect((await ctl('a', 'forward')).body).to.deep.equal({
      message: 'Can only forward while media is playing',
    });
    expect((await ctl('a', 'unpause')).status).to.equal(204);
    expect((await ctl('a', 'jump')).body).to.deep.equal({ message: 'Invalid operation jump' });
  });

  it('a playback stopped while queued reads "done" and finishes when its turn comes; digits cannot be stopped', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/a`, { media: 'sound:beep' });
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/b`, { media: 'sound:beep' });
    expect((await ari(t.sim, 'DELETE', '/playbacks/b')).status).to.equal(204);
    expect((await ari(t.sim, 'GET', '/playbacks/b')).body.state).to.equal('done');
    expect(t.ev.of('PlaybackFinished')).to.have.length(0);
    await t.sim.control.advance(2000);
    await t.ev.waitType('PlaybackFinished', 2);
    expect(t.ev.of('PlaybackFinished').map((e) => [e.playback.id, e.playback.state])).to.deep.equal([
      ['a', 'done'],
      ['b', 'done'],
    ]);
    expect(t.ev.of('PlaybackStarted').map((e) => e.playback.id)).to.deep.equal(['a']);
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/d`, { media: 'digits:123456' });
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackStarted', 2);
    expect((await ari(t.sim, 'DELETE', '/playbacks/d')).body).to.deep.equal({
      message: 'Could not stop playback',
    });
  });

  it('unknown media are skipped without a final update; a hang-up cuts the playing media (failed), drops the queue', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/x`, { media: 'bogus:thing,sound:beep' });
    await t.sim.control.advance(1000);
    await t.ev.waitType('PlaybackFinished');
    expect(t.ev.types((e) => e.type.startsWith('Playback'))).to.deep.equal([
      'PlaybackStarted',
      'PlaybackStarted',
      'PlaybackFinished',
    ]);
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/t`, { media: 'tone:ring' });
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/q`, { media: 'sound:beep' });
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackStarted', 3);
    await t.sim.control.remoteHangup(t.chan);
    await t.ev.waitType('StasisEnd');
    const fin = t.ev.of('PlaybackFinished').map((e) => [e.playback.id, e.playback.state]);
    expect(fin).to.deep.equal([
      ['x', 'done'],
      ['t', 'failed'],
    ]);
    expect((await ari(t.sim, 'GET', '/playbacks/q')).status).to.equal(404);
  });
});

describe('simulator: res_stasis_recording.c', () => {
  const t = withSimulator(async (t) => {
    t.chan = (await t.sim.control.placeCall({ from: '1', to: '2' })).channelId;
  });

  it('record answers a ringing caller (ast_auto_answer), starts at once, floors the duration', async () => {
    const r = await ari(t.sim, 'POST', `/channels/${t.chan}/record`, {
      name: 'r1',
      format: 'wav',
      beep: true,
    });
    expect(r.status).to.equal(201);
    await t.sim.control.advance(0);
    await t.ev.waitType('RecordingStarted');
    expect(t.ev.types().slice(1)).to.deep.equal(['ChannelStateChange', 'RecordingStarted']);
    expect(t.ev.of('ChannelStateChange')[0]!.channel.state).to.equal('Up');
    await t.sim.control.advance(300 + 2900);
    await ari(t.sim, 'POST', '/recordings/live/r1/stop');
    await t.ev.waitType('RecordingFinished');
    expect(t.ev.of('RecordingFinished')[0]!.recording).to.deep.equal({
      name: 'r1',
      format: 'wav',
      state: 'done',
      target_uri: `channel:${t.chan}`,
      duration: 2,
    });
  });

  it('a canceled recording still finishes "done" (record_file marks it COMPLETE) and is not stored', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'r2', format: 'wav' });
    await t.sim.control.advance(1500);
    expect((await ari(t.sim, 'DELETE', '/recordings/live/r2')).status).to.equal(204);
    await t.ev.waitType('RecordingFinished');
    expect(t.ev.of('RecordingFinished')[0]!.recording.state).to.equal('done');
    expect((await ari(t.sim, 'GET', '/recordings/stored/r2')).status).to.equal(404);
  });

  it('recording a bridged channel fails with a cause; a missing name is a 500', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/answer`);
    await ari(t.sim, 'POST', '/bridges/b1');
    await ari(t.sim, 'POST', '/bridges/b1/addChannel', { channel: t.chan });
    const r = await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'r3', format: 'wav' });
    expect(r.status).to.equal(201);
    await t.sim.control.advance(0);
    await t.ev.waitType('RecordingFailed');
    expect(t.ev.of('RecordingFailed')[0]!.recording).to.include({
      state: 'failed',
      cause: 'Cannot record channel while in bridge',
    });
    expect(t.ev.of('RecordingStarted')).to.have.length(0);
    const noName = await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { format: 'wav' });
    expect(noName.status).to.equal(500);
    expect(noName.body).to.deep.equal({ message: 'Error parsing request' });
  });
});

describe('simulator: externalMedia and snoop', () => {
  const t = withSimulator();

  it('externalMedia checks like Asterisk, answers 200 Down in AppDial2, then Dial ""/Up/ANSWER/StasisStart', async () => {
    const bad = async (q: Record<string, string>) =>
      (await ari(t.sim, 'POST', '/channels/externalMedia', q)).body;
    expect(await bad({ format: 'ulaw' })).to.deep.equal({ message: 'app cannot be empty' });
    expect(await bad({ app: 'tongdai', format: 'ulaw' })).to.deep.equal({
      message: 'external_host cannot be empty',
    });
    expect(await bad({ app: 'tongdai', external_host: 'nohost', format: 'ulaw' })).to.deep.equal({
      message: 'external_host must be <host>:<port>',
    });
    expect(await bad({ app: 'tongdai', external_host: '10.0.0.1:4000' })).to.deep.equal({
      message: 'format cannot be empty',
    });
    expect(
      await bad({ app: 'tongdai', external_host: '10.0.0.1:4000', format: 'ulaw', transport: 'tcp' }),
    ).to.deep.equal({ message: 'The encapsulation and/or transport is not supported' });
    const r = await ari(t.sim, 'POST', '/channels/externalMedia', {
      app: 'tongdai',
      external_host: '10.0.0.1:4000',
      format: 'ulaw',
      channelId: 'em1',
    });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ id: 'em1', state: 'Down' });
    expect(r.body.name).to.match(/^UnicastRTP\/10\.0\.0\.1:4000-0x[0-9a-f]+$/);
    expect(r.body.dialplan.app_name).to.equal('AppDial2');
    expect(r.body.channelvars).to.have.keys('UNICASTRTP_LOCAL_ADDRESS', 'UNICASTRTP_LOCAL_PORT');
    await t.sim.control.advance(100);
    await t.ev.waitType('StasisStart');
    expect(
      t.ev.types().map((ty, i) => (ty === 'Dial' ? `Dial:${t.ev.events[i]!.dialstatus}` : ty)),
    ).to.deep.equal(['Dial:', 'ChannelStateChange', 'Dial:ANSWER', 'ChannelVarset', 'StasisStart']);
    expect(t.ev.of('Dial')[0]!.dialstring).to.equal('10.0.0.1:4000/c(ulaw)');
  });

  it('a snoop channel runs Stasis without pbx_exec: its dialplan app stays empty', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    const s = await ari(t.sim, 'POST', `/channels/${channelId}/snoop`, {
      app: 'tongdai',
      spy: 'in',
      snoopId: 'sn1',
    });
    expect(s.body.name).to.match(new RegExp(`^Snoop/${channelId.replace('.', '\\.')}-[0-9a-f]{8}$`));
    await t.sim.control.advance(10);
    await t.ev.waitType('StasisStart', 2);
    expect(t.ev.of('StasisStart')[1]!.channel.dialplan.app_name).to.equal('');
  });
});

describe('simulator: channel variables reported in snapshots', () => {
  const t = withSimulator();
  it("setChannelVar report_events=true puts the variable in every later snapshot's channelvars", async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    await ari(t.sim, 'POST', `/channels/${channelId}/variable`, { variable: 'QUIET', value: 'x' });
    expect((await ari(t.sim, 'GET', `/channels/${channelId}`)).body).to.not.have.property('channelvars');
    await ari(t.sim, 'POST', `/channels/${channelId}/variable`, {
      variable: 'CALL_ID',
      value: 'c-1',
      report_events: true,
    });
    expect((await ari(t.sim, 'GET', `/channels/${channelId}`)).body.channelvars).to.deep.equal({
      CALL_ID: 'c-1',
    });
    await ari(t.sim, 'POST', `/channels/${channelId}/answer`);
    await t.ev.waitType('ChannelStateChange');
    expect(t.ev.of('ChannelStateChange')[0]!.channel.channelvars).to.deep.equal({ CALL_ID: 'c-1' });
  });
});

describe('simulator: resource_asterisk.c', () => {
  const t = withSimulator();
  it('info sections are case-insensitive and unknown ones ignored; modules and log channels keep a list', async () => {
    expect(
      Object.keys((await ari(t.sim, 'GET', '/asterisk/info', { only: 'BUILD,status' })).body),
    ).to.deep.equal(['build', 'status']);
    expect((await ari(t.sim, 'GET', '/asterisk/info', { only: 'nope' })).body).to.deep.equal({});
    expect((await ari(t.sim, 'POST', '/asterisk/modules/res_ari.so')).body).to.deep.equal({
      message: 'Module is already loaded',
    });
    expect((await ari(t.sim, 'DELETE', '/asterisk/modules/app_amd.so')).status).to.equal(204);
    expect((await ari(t.sim, 'GET', '/asterisk/modules/app_amd.so')).status).to.equal(404);
    expect((await ari(t.sim, 'PUT', '/asterisk/modules/app_amd.so')).body).to.deep.equal({
      message: 'Module not found in running modules',
    });
    expect((await ari(t.sim, 'POST', '/asterisk/modules/app_amd.so')).status).to.equal(204);
    expect((await ari(t.sim, 'POST', '/asterisk/logging/debug1')).body).to.deep.equal({
      message: 'Configuration levels are required',
    });
    expect(
      (await ari(t.sim, 'POST', '/asterisk/logging/debug1', { configuration: 'debug' })).status,
    ).to.equal(204);
    expect(
      (await ari(t.sim, 'POST', '/asterisk/logging/debug1', { configuration: 'debug' })).status,
    ).to.equal(409);
    expect((await ari(t.sim, 'PUT', '/asterisk/logging/debug1/rotate')).status).to.equal(204);
    expect((await ari(t.sim, 'DELETE', '/asterisk/logging/debug1')).status).to.equal(204);
    expect((await ari(t.sim, 'DELETE', '/asterisk/logging/debug1')).body).to.deep.equal({
      message: 'Log channel does not exist',
    });
  });
});

describe('simulator: resource_events.c and resource_endpoints.c', () => {
  const t = withSimulator();

  it('user events: Asterisk texts, and each source snapshot attached', async () => {
    expect((await ari(t.sim, 'POST', '/events/user/ping')).body).to.deep.equal({
      message: 'Missing parameter application',
    });
    expect(
      (await ari(t.sim, 'POST', '/events/user/ping', { application: 'tongdai', source: 'channel:nope' }))
        .body,
    ).to.deep.equal({
      message: 'Event source was not found',
    });
    await ari(t.sim, 'POST', '/bridges/ub');
    const r = await ari(t.sim, 'POST', '/events/user/ping', {
      application: 'tongdai',
      source: 'bridge:ub,endpoint:PJSIP/agent1',
    });
    expect(r.status).to.equal(204);
    await t.ev.waitType('ChannelUserevent');
    const e = t.ev.of('ChannelUserevent')[0]!;
    expect(e.eventname).to.equal('ping');
    expect(e.bridge.id).to.equal('ub');
    expect(e.endpoint).to.include({ technology: 'PJSIP', resource: 'agent1' });
  });

  it('sendMessage only refuses an empty "to"; anything else is 202', async () => {
    expect((await ari(t.sim, 'PUT', '/endpoints/sendMessage', { from: 'x' })).body).to.deep.equal({
      message: 'To must be specified',
    });
    expect((await ari(t.sim, 'PUT', '/endpoints/sendMessage', { to: 'nowhere', from: 'x' })).status).to.equal(
      202,
    );
  });
});

describe('simulator: POST /channels/{id}/dial', () => {
  const t = withSimulator();
  it('without a timeout the callee rings until answered or hung up (app_control_dial sets none)', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent5', { behaviour: 'noanswer' });
    await createdChannel(t, 'PJSIP/agent5', 'd1');
    expect((await ari(t.sim, 'POST', '/channels/d1/dial')).status).to.equal(204);
    await t.sim.control.advance(120000);
    expect((await ari(t.sim, 'GET', '/channels/d1')).body.state).to.equal('Ringing');
    expect(t.ev.of('Dial').every((d) => !('caller' in d))).to.equal(true);
  });
});

describe('simulator: subscribeAll', () => {
  const t = withSimulator();
  it('an app subscribed to everything hears ChannelCreated; others do not', async () => {
    const all = await Events.open(t.sim, 'watcher', '&subscribeAll=true');
    try {
      await t.sim.control.placeCall({ from: '1', to: '2' });
      await all.waitType('ChannelCreated');
      expect(all.of('ChannelCreated')[0]!.channel.state).to.equal('Ring');
      await t.ev.waitType('StasisStart');
      expect(t.ev.of('ChannelCreated')).to.have.length(0);
    } finally {
      all.close();
    }
  });
});

describe('simulator: resource_mailboxes.c', () => {
  const t = withSimulator();
  it("missing mailboxes answer with Asterisk's two texts; update without counts sets zeros", async () => {
    expect((await ari(t.sim, 'GET', '/mailboxes/nope')).body).to.deep.equal({
      message: 'Mailbox is does not exist',
    });
    expect((await ari(t.sim, 'DELETE', '/mailboxes/nope')).body).to.deep.equal({
      message: 'Mailbox does not exist',
    });
    expect((await ari(t.sim, 'PUT', '/mailboxes/100')).status).to.equal(204);
    expect((await ari(t.sim, 'GET', '/mailboxes/100')).body).to.deep.equal({
      name: '100',
      old_messages: 0,
      new_messages: 0,
    });
  });
});

describe('simulator: application event filters', () => {
  const t = withSimulator();
  it('allowed/disallowed event types filter what the app receives; an empty body clears them', async () => {
    const bad = await ari(t.sim, 'PUT', '/applications/tongdai/eventFilter', undefined, { allowed: [{}] });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.deep.equal({ message: 'Invalid format definition' });
    const set = await ari(t.sim, 'PUT', '/applications/tongdai/eventFilter', undefined, {
      disallowed: [{ type: 'ChannelDtmfReceived' }],
    });
    expect(set.body.events_disallowed).to.deep.equal([{ type: 'ChannelDtmfReceived' }]);
    expect(set.body.events_allowed).to.deep.equal([]);
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    await t.sim.control.sendDtmf(channelId, '5');
    await ari(t.sim, 'POST', `/channels/${channelId}/answer`);
    await t.ev.waitType('ChannelStateChange');
    expect(t.ev.of('ChannelDtmfReceived')).to.have.length(0);
    const cleared = await ari(t.sim, 'PUT', '/applications/tongdai/eventFilter', undefined, {});
    expect(cleared.body.events_disallowed).to.deep.equal([]);
    await t.sim.control.sendDtmf(channelId, '6');
    await t.ev.waitType('ChannelDtmfReceived');
  });
});

describe('simulator: rtp_statistics', () => {
  const t = withSimulator();
  it('answers every RTPstat field for a PJSIP channel, 403 for a snoop', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    const r = await ari(t.sim, 'GET', `/channels/${channelId}/rtp_statistics`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include.keys(
      'txjitter',
      'remote_maxjitter',
      'local_stdevrxploss',
      'maxrtt',
      'channel_uniqueid',
    );
    const s = await ari(t.sim, 'POST', `/channels/${channelId}/snoop`, { app: 'tongdai', spy: 'in' });
    expect((await ari(t.sim, 'GET', `/channels/${s.body.id}/rtp_statistics`)).body).to.deep.equal({
      message: 'Unsupported channel type',
    });
  });
});

describe('simulator: bridge recordings', () => {
  const t = withSimulator();
  it('negative durations on a bridge recording are EINVAL from stasis_app_control_record: 500', async () => {
    await ari(t.sim, 'POST', '/bridges/br');
    const r = await ari(t.sim, 'POST', '/bridges/br/record', {
      name: 'x',
      format: 'wav',
      maxDurationSeconds: -1,
    });
    expect(r.status).to.equal(500);
    expect(r.body).to.deep.equal({ message: 'Error parsing request' });
    expect((await ari(t.sim, 'POST', '/bridges/nope/record', { name: 'x', format: 'wav' })).status).to.equal(
      404,
    );
  });
});

describe('simulator: channel variable reads', () => {
  const t = withSimulator();
  it('an unknown dialplan function is 500 Unable to read provided function; a missing variable 404', async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    const get = async (variable: string) =>
      (await ari(t.sim, 'GET', `/channels/${channelId}/variable`, { variable })).body;
    expect(await get('NOPE(x)')).to.deep.equal({ message: 'Unable to read provided function' });
    expect(await get('NOPE')).to.deep.equal({ message: 'Provided variable was not found' });
    expect(await get('CALLERID(num)')).to.deep.equal({ value: '1' });
  });
});

describe('simulator: the sample dialplan', () => {
  const t = withSimulator();
  it('an inbound DID call is in tongdai-inbound,<DID>,1 running Stasis(tongdai,inbound,<DID>)', async () => {
    await t.sim.control.placeCall({ from: '0901', to: '19001234' });
    await t.ev.waitType('StasisStart');
    expect(t.ev.of('StasisStart')[0]!.channel.dialplan).to.deep.equal({
      context: 'tongdai-inbound',
      exten: '19001234',
      priority: 1,
      app_name: 'Stasis',
      app_data: 'tongdai,inbound,19001234',
    });
  });
});

describe('simulator: bridge destruction', () => {
  const t = withSimulator();
  it("destroying a bridge with the app's channels in it: ChannelLeftBridge for each, then BridgeDestroyed", async () => {
    const { channelId } = await t.sim.control.placeCall({ from: '1', to: '2' });
    await ari(t.sim, 'POST', '/bridges/d1');
    await ari(t.sim, 'POST', '/bridges/d1/addChannel', { channel: channelId });
    await ari(t.sim, 'DELETE', '/bridges/d1');
    await t.ev.waitType('BridgeDestroyed');
    expect(t.ev.types((e) => e.type.includes('Bridge'))).to.deep.equal([
      'ChannelEnteredBridge',
      'ChannelLeftBridge',
      'BridgeDestroyed',
    ]);
    await ari(t.sim, 'POST', '/bridges/d2');
    await ari(t.sim, 'DELETE', '/bridges/d2');
    expect(t.ev.of('BridgeDestroyed')).to.have.length(1);
  });
});
