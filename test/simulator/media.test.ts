import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { wavDurationMs } from '../../src/simulator/index.js';
import { ari, Events, withSimulator } from './helpers.js';

describe('simulator: playbacks, recordings and bridges', () => {
  const t = withSimulator(async (t) => {
    t.chan = (await t.sim.control.placeCall({ from: '0901', to: '1900' })).channelId;
    await t.ev.waitType('StasisStart');
  });

  it('play answers 201 queued with a Location, then PlaybackStarted and PlaybackFinished done', async () => {
    const res = await ari(t.sim, 'POST', `/channels/${t.chan}/play`, {
      media: 'sound:hello-world',
      playbackId: 'pb1',
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal('/ari/playbacks/pb1');
    expect(res.body).to.deep.equal({
      id: 'pb1',
      media_uri: 'sound:hello-world',
      target_uri: `channel:${t.chan}`,
      language: 'en',
      state: 'queued',
    });
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackStarted');
    expect((await ari(t.sim, 'GET', '/playbacks/pb1')).body.state).to.equal('playing');
    await t.sim.control.advance(1500);
    expect(t.ev.of('PlaybackFinished')).to.have.length(0);
    await t.sim.control.advance(600);
    await t.ev.waitType('PlaybackFinished');
    expect(t.ev.of('PlaybackFinished')[0]!.playback.state).to.equal('done');
    expect((await ari(t.sim, 'GET', '/playbacks/pb1')).body).to.deep.equal({ message: 'Playback not found' });
  });

  it('a missing sound still answers 201, then finishes failed; a stopped playback finishes done', async () => {
    const res = await ari(t.sim, 'POST', `/channels/${t.chan}/play/pbx`, { media: 'sound:no-such-file' });
    expect(res.status).to.equal(201);
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackFinished');
    expect(t.ev.of('PlaybackFinished')[0]!.playback.state).to.equal('failed');
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/tone1`, { media: 'tone:ring' });
    await t.sim.control.advance(60000);
    await t.ev.waitType('PlaybackStarted', 2);
    expect(t.ev.of('PlaybackFinished')).to.have.length(1);
    expect((await ari(t.sim, 'DELETE', '/playbacks/tone1')).status).to.equal(204);
    await t.ev.waitType('PlaybackFinished', 2);
    expect(t.ev.of('PlaybackFinished')[1]!.playback.state).to.equal('done');
  });

  it('several media play in sequence with PlaybackContinuing; language variants; pause holds time', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/play/seq`, {
      media: ['sound:beep', 'digits:12', 'sound:queue-thankyou'],
      lang: 'vi',
    });
    await t.sim.control.advance(10);
    await t.ev.waitType('PlaybackStarted');
    expect(t.ev.of('PlaybackStarted')[0]!.playback.next_media_uri).to.equal('digits:12');
    expect((await ari(t.sim, 'POST', '/playbacks/seq/control', { operation: 'pause' })).status).to.equal(204);
    await t.sim.control.advance(10000);
    expect(t.ev.of('PlaybackContinuing')).to.have.length(0);
    await ari(t.sim, 'POST', '/playbacks/seq/control', { operation: 'unpause' });
    await t.sim.control.advance(3400);
    await t.ev.waitType('PlaybackFinished');
    // playback_final_update(): PlaybackContinuing names the media that ended and the next one;
    // every media item then gets its own PlaybackStarted.
    expect(
      t.ev.of('PlaybackContinuing').map((e) => [e.playback.media_uri, e.playback.next_media_uri]),
    ).to.deep.equal([
      ['sound:beep', 'digits:12'],
      ['digits:12', 'sound:queue-thankyou'],
    ]);
    expect(t.ev.of('PlaybackStarted').map((e) => e.playback.media_uri)).to.deep.equal([
      'sound:beep',
      'digits:12',
      'sound:queue-thankyou',
    ]);
    expect(t.ev.of('PlaybackFinished')[0]!.playback.language).to.equal('vi');
    expect((await ari(t.sim, 'POST', '/playbacks/seq/control', { operation: 'pause' })).status).to.equal(404);
  });

  it('record answers 201; stop gives RecordingFinished and a WAV as long as the recorded time minus pauses', async () => {
    const res = await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'calls/r1', format: 'wav' });
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal('/ari/recordings/live/calls%2Fr1');
    expect(res.body).to.deep.equal({
      name: 'calls/r1',
      format: 'wav',
      state: 'queued',
      target_uri: `channel:${t.chan}`,
    });
    await t.sim.control.advance(0);
    await t.ev.waitType('RecordingStarted');
    await t.sim.control.advance(3000);
    await ari(t.sim, 'POST', '/recordings/live/calls%2Fr1/pause');
    await t.sim.control.advance(2000);
    await ari(t.sim, 'DELETE', '/recordings/live/calls%2Fr1/pause');
    await t.sim.control.advance(1000);
    expect((await ari(t.sim, 'POST', '/recordings/live/calls%2Fr1/stop')).status).to.equal(204);
    await t.ev.waitType('RecordingFinished');
    expect(t.ev.of('RecordingFinished')[0]!.recording.duration).to.equal(4);
    const file = await ari(t.sim, 'GET', '/recordings/stored/calls%2Fr1/file');
    expect(file.status).to.equal(200);
    expect(wavDurationMs(file.body as Buffer)).to.equal(4000);
    expect(readFileSync(`${t.sim.core.dataDir}/calls/r1.wav`).length).to.equal(44 + 4000 * 16);
    expect((await ari(t.sim, 'GET', '/recordings/stored')).body).to.deep.equal([
      { name: 'calls/r1', format: 'wav' },
    ]);
    const dup = await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'calls/r1', format: 'wav' });
    expect(dup.status).to.equal(409);
    expect(
      (await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'x', format: 'nope' })).status,
    ).to.equal(422);
    expect(
      (await ari(t.sim, 'POST', '/recordings/stored/calls%2Fr1/copy', { destinationRecordingName: 'c2' }))
        .status,
    ).to.equal(200);
    expect((await ari(t.sim, 'DELETE', '/recordings/stored/c2')).status).to.equal(204);
    expect((await ari(t.sim, 'GET', '/recordings/live/calls%2Fr1')).body).to.deep.equal({
      message: 'Recording not found',
    });
  });

  it('maxDurationSeconds and terminateOn stop a recording; hang-up finishes it before StasisEnd', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, {
      name: 'vm1',
      format: 'wav',
      maxDurationSeconds: 2,
    });
    await t.sim.control.advance(2500);
    await t.ev.waitType('RecordingFinished');
    expect(t.ev.of('RecordingFinished')[0]!.recording.duration).to.equal(2);
    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'vm2', format: 'wav', terminateOn: '#' });
    await t.sim.control.advance(1000);
    await t.sim.control.sendDtmf(t.chan, '#');
    await t.ev.waitType('RecordingFinished', 2);
    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, { name: 'vm3', format: 'wav' });
    await t.sim.control.advance(1000);
    await t.sim.control.remoteHangup(t.chan);
    await t.ev.waitType('StasisEnd');
    // The caller came from the dialplan: StasisEnd is the last event its app hears.
    expect(t.ev.types().slice(-3)).to.deep.equal(['ChannelHangupRequest', 'RecordingFinished', 'StasisEnd']);
    expect((await t.sim.control.state()).channels.count).to.equal(0);
    expect(t.ev.of('ChannelDestroyed')).to.have.length(0);
  });

  it('bridges: create 200 without BridgeCreated for an unsubscribed app; enter/leave events; errors', async () => {
    const b = await ari(t.sim, 'POST', '/bridges', { type: 'mixing', name: 'q1' });
    expect(b.status).to.equal(200);
    expect(b.body).to.include({
      bridge_type: 'mixing',
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: 'q1',
      technology: 'simple_bridge',
    });
    const id = b.body.id as string;
    expect((await ari(t.sim, 'POST', `/bridges/${id}/addChannel`, { channel: 'nope' })).status).to.equal(400);
    expect((await ari(t.sim, 'POST', '/bridges/nope/addChannel', { channel: t.chan })).body).to.deep.equal({
      message: 'Bridge not found',
    });
    expect((await ari(t.sim, 'POST', `/bridges/${id}/addChannel`, { channel: t.chan })).status).to.equal(204);
    await t.ev.waitType('ChannelEnteredBridge');
    expect(t.ev.of('ChannelEnteredBridge')[0]!.bridge.channels).to.deep.equal([t.chan]);
    const pb = await ari(t.sim, 'POST', `/bridges/${id}/play`, { media: 'sound:beep' });
    expect(pb.status).to.equal(201);
    expect(pb.body.target_uri).to.equal(`bridge:${id}`);
    await t.sim.control.advance(500);
    await t.ev.waitType('PlaybackFinished');
    expect((await ari(t.sim, 'POST', `/bridges/${id}/removeChannel`, { channel: t.chan })).status).to.equal(
      204,
    );
    await t.ev.waitType('ChannelLeftBridge');
    expect((await ari(t.sim, 'DELETE', `/bridges/${id}`)).status).to.equal(204);
    expect(t.ev.of('BridgeCreated')).to.have.length(0);
    expect(t.ev.of('BridgeDestroyed')).to.have.length(0);
    const all = await Events.open(t.sim, 'watcher', '&subscribeAll=true');
    await ari(t.sim, 'POST', '/bridges/b2');
    await ari(t.sim, 'DELETE', '/bridges/b2');
    await all.waitType('BridgeDestroyed');
    expect(all.types()).to.deep.equal(['BridgeCreated', 'BridgeDestroyed']);
    all.close();
  });

  it('a channel not in Stasis gets 409 on play and 422 on addChannel', async () => {
    await t.sim.control.setEndpoint('PJSIP/agent4', { answerAfterMs: 60000 });
    const o = await ari(t.sim, 'POST', '/channels', { endpoint: 'PJSIP/agent4', app: 'tongdai' });
    const play = await ari(t.sim, 'POST', `/channels/${o.body.id}/play`, { media: 'sound:beep' });
    expect(play.status).to.equal(409);
    expect(play.body).to.deep.equal({ message: 'Channel not in Stasis application' });
    const b = await ari(t.sim, 'POST', '/bridges');
    const add = await ari(t.sim, 'POST', `/bridges/${b.body.id}/addChannel`, { channel: o.body.id });
    expect(add.status).to.equal(422);
  });
});

describe('simulator: recording pause and mute (recordings.json)', () => {
  const t = withSimulator(async (t) => {
    t.chan = (await t.sim.control.placeCall({ from: '0901', to: '1900' })).channelId;
    await ari(t.sim, 'POST', `/channels/${t.chan}/answer`);
  });

  it('paused time does not count toward maxDurationSeconds; muted time does', async () => {
    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, {
      name: 'p1',
      format: 'wav',
      maxDurationSeconds: 3,
    });
    await t.sim.control.advance(1000);
    expect((await ari(t.sim, 'POST', '/recordings/live/p1/pause')).status).to.equal(204);
    await t.sim.control.advance(5000);
    expect((await ari(t.sim, 'GET', '/recordings/live/p1')).body.state).to.equal('paused');
    expect((await ari(t.sim, 'DELETE', '/recordings/live/p1/pause')).status).to.equal(204);
    await t.sim.control.advance(1500);
    expect((await ari(t.sim, 'GET', '/recordings/live/p1')).body.state).to.equal('recording');
    await t.sim.control.advance(600);
    await t.ev.waitType('RecordingFinished');
    expect(t.ev.of('RecordingFinished')[0]!.recording).to.include({ name: 'p1', state: 'done', duration: 3 });

    await ari(t.sim, 'POST', `/channels/${t.chan}/record`, {
      name: 'm1',
      format: 'wav',
      maxDurationSeconds: 3,
    });
    await t.sim.control.advance(1000);
    expect((await ari(t.sim, 'POST', '/recordings/live/m1/mute')).status).to.equal(204);
    await t.sim.control.advance(2100);
    await t.ev.waitType('RecordingFinished', 2);
    expect(t.ev.of('RecordingFinished')[1]!.recording).to.include({ name: 'm1', duration: 3 });
    expect((await ari(t.sim, 'POST', '/recordings/live/m1/mute')).status).to.equal(404);
  });
});
