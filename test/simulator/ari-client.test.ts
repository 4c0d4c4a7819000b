import ari from 'ari-client';
import { expect } from 'chai';
import type { Simulator } from '../../src/simulator/index.js';
import { Password, start, User } from './helpers.js';

interface Ev {
  type: string;
  [k: string]: unknown;
}

// ari-client 2.2.0 (swagger-client 2.0.26) must load the generated api-docs and drive every feature.
describe('simulator: driven by ari-client 2.2.0', () => {
  let sim: Simulator;
  let client: ari.Client;
  const events: Ev[] = [];
  const waitFor = async (pred: () => boolean, what: string): Promise<void> => {
    const end = Date.now() + 10000;
    while (!pred()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}: ${events.map((e) => e.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const count = (type: string) => events.filter((e) => e.type === type).length;

  before(async () => {
    sim = await start();
    for (let i = 1; i <= 3; i++) await sim.control.setEndpoint(`PJSIP/agent${i}`, { answerAfterMs: 100 });
    client = await ari.connect(sim.url, User, Password);
    client.on('*' as never, ((e: Ev) => events.push(e)) as never);
    await client.start('tongdai');
  });
  after(async () => {
    client.stop();
    await sim.close();
  });

  it('loads every resource and operation', () => {
    const c = client as unknown as Record<string, Record<string, unknown>>;
    for (const r of [
      'asterisk',
      'endpoints',
      'channels',
      'bridges',
      'recordings',
      'sounds',
      'playbacks',
      'deviceStates',
      'mailboxes',
      'events',
      'applications',
    ]) {
      expect(c[r], r).to.be.an('object');
    }
    expect(c.channels!.originate).to.be.a('function');
    expect(c.bridges!.addChannel).to.be.a('function');
  });

  it('originates, answers, plays, records, bridges and hangs up', async () => {
    const ch = client.Channel();
    const started = new Promise<void>((r) => ch.once('StasisStart', () => r()));
    await ch.originate({
      endpoint: 'PJSIP/agent1',
      app: 'tongdai',
      appArgs: 'x',
      variables: { TONGDAI_CALL: 'c1' },
    });
    await started;
    const v = await ch.getChannelVar({ variable: 'TONGDAI_CALL' });
    expect(v.value).to.equal('c1');
    await ch.answer();
    const pb = client.Playback();
    const done = new Promise<string>((r) =>
      pb.once('PlaybackFinished', (e: { playback: { state: string } }) => r(e.playback.state)),
    );
    const p = await ch.play({ media: 'sound:beep' }, pb);
    expect(p.state).to.equal('queued');
    expect(await done).to.equal('done');

    const bridge = await client.bridges.create({ type: 'mixing' });
    const other = client.Channel();
    const otherStarted = new Promise<void>((r) => other.once('StasisStart', () => r()));
    await other.originate({ endpoint: 'PJSIP/agent2', app: 'tongdai' });
    await otherStarted;
    await bridge.addChannel({ channel: [ch.id, other.id] });
    await waitFor(() => count('ChannelEnteredBridge') === 2, 'two ChannelEnteredBridge');
    expect((await bridge.get()).channels).to.have.members([ch.id, other.id]);

    const rec = await bridge.record(
      { name: 'ari-client-rec', format: 'wav', ifExists: 'overwrite' },
      client.LiveRecording('ari-client-rec'),
    );
    expect(rec.state).to.equal('queued');
    await waitFor(() => count('RecordingStarted') === 1, 'RecordingStarted');
    await client.recordings.stop({ recordingName: 'ari-client-rec' });
    await waitFor(() => count('RecordingFinished') === 1, 'RecordingFinished');
    const stored = await client.recordings.listStored();
    expect(stored.map((s) => s.name)).to.include('ari-client-rec');
    const file = await client.recordings.getStoredFile({ recordingName: 'ari-client-rec' });
    expect(Buffer.isBuffer(file)).to.equal(true);

    await ch.hangup();
    await other.hangup();
    await bridge.destroy();
    await waitFor(() => count('ChannelDestroyed') === 2, 'ChannelDestroyed x2');
    expect((await client.channels.list()).length).to.equal(0);
  });

  it('rejects with Asterisk error texts', async () => {
    try {
      await client.channels.get({ channelId: 'nope' });
      expect.fail('should reject');
    } catch (e) {
      expect(JSON.parse((e as Error).message)).to.deep.equal({ message: 'Channel not found' });
    }
  });

  it('reads asterisk info, endpoints, sounds and applications', async () => {
    const info = await client.asterisk.getInfo();
    expect(info.system?.version).to.equal('22.10.1');
    const eps = await client.endpoints.list();
    expect(eps.map((e) => `${e.technology}/${e.resource}`)).to.include('PJSIP/agent20');
    const s = await client.sounds.get({ soundId: 'hello-world' });
    expect([s.formats].flat().map((f) => f.language)).to.include.members(['en', 'vi', 'fa']);
    const apps = await client.applications.list();
    expect(apps.map((a) => a.name)).to.deep.equal(['tongdai']);
  });
});
