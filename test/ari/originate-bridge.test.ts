import { expect } from 'chai';
import { AriAllocationFailedError, AriNotFoundError, OriginateFailedError } from '../../src/ari/index.js';
import { type AriHarness, eventually, startAriHarness, IdleStats } from '../helpers/ari.js';

describe('ari: originate and bridges (simulator)', function () {
  let h: AriHarness;
  beforeEach(async () => (h = await startAriHarness()));
  afterEach(async () => h.close());

  it('originate to an agent phone resolves with a Call after StasisStart; Dial/state events came first', async () => {
    const seen: string[] = [];
    h.ari.on('event', (e) => seen.push(e.type));
    const agent = await h.ari.originate({
      endpoint: 'PJSIP/agent1',
      callerId: '"Tongdai" <+842838220000>',
      timeoutSeconds: 20,
    });
    expect(agent.channel.state).to.equal('Up');
    expect(agent.channelId).to.match(/^[0-9a-f-]{36}$/);
    expect(agent.callId).to.equal(agent.channelId);
    expect(seen.indexOf('Dial')).to.be.greaterThan(-1);
    expect(seen.indexOf('Dial')).to.be.lessThan(seen.indexOf('StasisStart'));
    await agent.hangup();
    await eventually(() => agent.ended, 'agent leg ended');
  });

  it('busy → OriginateFailedError cause 17 with BUSY; no answer → cause 19 at the timeout; no StasisStart', async () => {
    await h.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' });
    await h.sim.control.setEndpoint('PJSIP/agent3', { behaviour: 'noanswer' });
    const starts: string[] = [];
    h.ari.on('event', (e) => e.type === 'StasisStart' && starts.push(e.channel.id));
    const busy = await h.ari.originate({ endpoint: 'PJSIP/agent2' }).catch((e: unknown) => e);
    expect(busy).to.be.instanceOf(OriginateFailedError);
    expect((busy as OriginateFailedError).hangupCause).to.equal(17);
    expect((busy as OriginateFailedError).dialStatus).to.equal('BUSY');
    const noAnswer = await h.ari
      .originate({ endpoint: 'PJSIP/agent3', timeoutSeconds: 1 })
      .catch((e: unknown) => e);
    expect(noAnswer).to.be.instanceOf(OriginateFailedError);
    expect((noAnswer as OriginateFailedError).hangupCause).to.equal(19);
    expect(starts).to.deep.equal([]);
    expect(h.ari.stats().expected).to.equal(0);
  });

  it('an unknown endpoint is a typed allocation failure (500 {"error":"Allocation failed"})', async () => {
    const err = await h.ari.originate({ endpoint: 'PJSIP/nobody-here' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AriAllocationFailedError);
    expect(h.ari.stats().expected).to.equal(0);
  });

  it('an abort signal cancels a ringing originate and hangs the channel up', async () => {
    await h.sim.control.setEndpoint('PJSIP/agent4', { behaviour: 'noanswer' });
    const ac = new AbortController();
    const pending = h.ari
      .originate({ endpoint: 'PJSIP/agent4', timeoutSeconds: 30, signal: ac.signal })
      .catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 200);
    expect(await pending).to.be.instanceOf(Error);
    await eventually(
      async () => (await h.sim.control.state()).channels.count === 0,
      'ringing channel hung up',
    );
  });

  it('bridges a caller and an agent, tracks membership, and cleans up idempotently', async () => {
    const caller = new Promise<import('../../src/ari/index.js').Call>((resolve) => h.ari.onCall(resolve));
    await h.sim.control.placeCall({ from: '+989121234567', to: '+982188776655' });
    const inbound = await caller;
    await inbound.answer();
    const agent = await h.ari.originate({ endpoint: 'PJSIP/agent5' });
    const bridge = await h.ari.createBridge({ type: 'mixing', name: 'call' });
    await bridge.addChannel(inbound);
    await bridge.addChannel(agent);
    await eventually(
      () => h.ari.bridges.get(bridge.id)?.bridge.channels.length === 2,
      'both legs in the bridge',
    );
    // Adding a channel that does not exist: Asterisk answers 400 "Channel not found" — typed, not a crash.
    const err = await bridge.addChannel('no-such-channel').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AriNotFoundError);
    await inbound.hangup();
    await agent.hangup();
    await bridge.destroy();
    await bridge.destroy();
    expect(bridge.destroyed).to.equal(true);
    await eventually(async () => {
      const s = await h.sim.control.state();
      return s.channels.count === 0 && s.bridges.count === 0;
    }, 'no channels or bridges left');
    expect(h.ari.stats()).to.deep.equal(IdleStats);
  });
});
