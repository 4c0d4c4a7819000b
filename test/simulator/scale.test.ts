import { expect } from 'chai';
import type { Simulator } from '../../src/simulator/index.js';
import { ari, Events, start } from './helpers.js';

describe('simulator: scale and the virtual clock', function () {
  this.timeout(120000);
  let sim: Simulator;
  afterEach(() => sim.close());

  it('holds 2,000 concurrent calls in one process and cleans up after them', async () => {
    sim = await start({ clock: 'virtual' });
    const ev = await Events.open(sim);
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++)
      ids.push((await sim.control.placeCall({ from: `09${i}`, to: '1900' })).channelId);
    await ev.waitType('StasisStart', 2000, 60000);
    for (let i = 0; i < ids.length; i += 200) {
      const batch = ids.slice(i, i + 200);
      const res = await Promise.all(batch.map((id) => ari(sim, 'POST', `/channels/${id}/answer`)));
      expect(res.every((r) => r.status === 204)).to.equal(true);
    }
    const st = await sim.control.state();
    expect(st.channels.count).to.equal(2000);
    expect((await ari(sim, 'GET', '/channels')).body).to.have.length(2000);
    for (const id of ids) await sim.control.remoteHangup(id);
    // Dialplan callers: StasisEnd is the last event (no ChannelDestroyed reaches the app).
    await ev.waitType('StasisEnd', 2000, 60000);
    expect(ev.of('ChannelDestroyed')).to.have.length(0);
    const end = await sim.control.state();
    expect(end.channels.count).to.equal(0);
    expect(end.pendingTimers).to.equal(0);
    ev.close();
  });

  it('runs a scripted day of inbound traffic in virtual time, firing every timer in order', async () => {
    sim = await start({ clock: 'virtual' });
    const ev = await Events.open(sim);
    const t0 = await sim.control.now();
    let placed = 0;
    // One call every 30 s for 8 h; each caller presses a digit after 5 s and hangs up after 2-6 min.
    for (let at = 0; at < 8 * 3600_000; at += 30_000) {
      await sim.control.advance(at - ((await sim.control.now()) - t0));
      await sim.control.placeCall({
        from: '0901',
        to: '1900',
        script: [{ atMs: 5000, dtmf: '1' }],
        hangupAfterMs: 120_000 + (placed % 5) * 60_000,
      });
      placed++;
    }
    await sim.control.advance(3600_000);
    await ev.waitType('StasisEnd', placed, 60000);
    expect(ev.of('ChannelDtmfReceived')).to.have.length(placed);
    expect((await sim.control.now()) - t0).to.be.at.least(9 * 3600_000 - 30_000);
    const stamps = ev.events.map((e) => e.timestamp);
    expect([...stamps].sort()).to.deep.equal(stamps);
    expect((await sim.control.state()).channels.count).to.equal(0);
    ev.close();
  });

  it('a seeded outbound profile replays the same outcomes', async () => {
    const outcomes: string[][] = [];
    for (let run = 0; run < 2; run++) {
      sim = await start({ clock: 'virtual' });
      const ev = await Events.open(sim);
      await sim.control.setOutboundProfile({
        seed: 42,
        answerProbability: 0.5,
        busyProbability: 0.2,
        noAnswerProbability: 0.2,
        invalidProbability: 0.1,
        ringMs: { min: 1000, max: 5000 },
      });
      for (let i = 0; i < 40; i++)
        await ari(sim, 'POST', '/channels', {
          endpoint: `PJSIP/+8490000${i}@trunk`,
          app: 'tongdai',
          timeout: 20,
        });
      await sim.control.advance(30000);
      await ev.until(
        (e) => e.filter((x) => x.type === 'StasisStart' || x.type === 'ChannelDestroyed').length >= 40,
        'all outcomes',
      );
      outcomes.push(
        ev.events
          .filter((e) => e.type === 'StasisStart' || e.type === 'ChannelDestroyed')
          .map((e) => `${e.channel.name}:${e.type}:${e.cause ?? ''}`),
      );
      ev.close();
      if (run === 0) await sim.close();
    }
    expect(outcomes[0]).to.deep.equal(outcomes[1]);
    const kinds = new Set(outcomes[0]!.map((o) => o.split(':').slice(1).join(':')));
    expect([...kinds]).to.include.members(['StasisStart:', 'ChannelDestroyed:17', 'ChannelDestroyed:19']);
  });
});
