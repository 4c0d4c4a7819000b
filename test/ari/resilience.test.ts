import { expect } from 'chai';
import { AriTimeoutError, AriUnauthorizedError, type Call } from '../../src/ari/index.js';
import { welcomeFlow } from '../../src/engine/welcome-flow.js';
import {
  SimPassword,
  type AriHarness,
  eventually,
  sleep,
  startAriHarness,
  IdleStats,
} from '../helpers/ari.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('ari: resilience (simulator)', function () {
  this.timeout(120_000);
  let h: AriHarness;
  afterEach(async () => h?.close());

  it('1,000 calls: listeners, timers and handles return to where they started', async () => {
    h = await startAriHarness();
    h.ari.onCall(welcomeFlow({ welcomeSound: 'sound:beep', language: 'vi' }));
    await sleep(50);
    const before = { timers: timers(), listeners: h.ari.listenerCount('event') };
    let placed = 0;
    while (placed < 1000) {
      const batch = Array.from({ length: 100 }, (_, i) =>
        h.sim.control.placeCall({
          from: `+8490${String(1_000_000 + placed + i).slice(1)}`,
          to: '+842838220000',
          // a third of the callers hang up mid-prompt
          ...((placed + i) % 3 === 0 ? { hangupAfterMs: 50 } : {}),
        }),
      );
      await Promise.all(batch);
      placed += batch.length;
    }
    await eventually(
      async () => (await h.sim.control.state()).channels.count === 0,
      'every call over',
      60_000,
    );
    await eventually(() => h.ari.stats().calls === 0, 'every handle released');
    expect(h.ari.stats()).to.deep.equal(IdleStats);
    expect(h.ari.listenerCount('event')).to.equal(before.listeners);
    await eventually(() => timers() <= before.timers, `timers back to ${before.timers} (now ${timers()})`);
    expect((await h.sim.control.state()).playbacks.count).to.equal(0);
  });

  it('survives a dropped socket: reconnects, re-syncs, and a call that ended meanwhile is released', async () => {
    h = await startAriHarness();
    const calls: Call[] = [];
    h.ari.onCall(async (call) => {
      calls.push(call);
      await call.answer();
      await call.whenEnded();
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    await h.sim.control.placeCall({ from: '+84901234568', to: '1900' });
    await eventually(() => calls.length === 2, 'two calls');
    const resynced = new Promise<{ ended: number }>((r) => h.ari.once('resynced', r));
    await h.sim.control.refuseConnections(400);
    await h.sim.control.dropWebSockets();
    await h.sim.control.remoteHangup(calls[0]!.channelId, 16); // its events are lost with the socket
    const summary = await resynced;
    expect(summary.ended).to.equal(1);
    expect(calls[0]!.ended).to.equal(true);
    expect(calls[1]!.ended).to.equal(false);
    expect(h.ari.connected).to.equal(true);
    // Back in service: a new call is handled.
    await h.sim.control.placeCall({ from: '+84901234569', to: '1900' });
    await eventually(() => calls.length === 3, 'a call after the reconnect');
    await calls[1]!.hangup();
    await calls[2]!.hangup();
    await eventually(() => h.ari.stats().calls === 0, 'released');
  });

  it('a restarted engine hangs up the channels and bridges its predecessor left (orphan rule)', async () => {
    h = await startAriHarness();
    h.ari.onCall(async (call) => {
      await call.answer();
      const bridge = await h.ari.createBridge({ name: 'call' });
      await bridge.addChannel(call);
      await call.whenEnded();
    });
    await h.sim.control.placeCall({ from: '+989121234567', to: '1900' });
    await eventually(async () => (await h.sim.control.state()).bridges.count === 1, 'bridged');
    await h.ari.close(); // the old engine dies with the call up
    const next = await h.connectAnother();
    await eventually(async () => {
      const s = await h.sim.control.state();
      return s.channels.count === 0 && s.bridges.count === 0;
    }, 'orphans cleaned');
    expect(next.stats()).to.deep.equal(IdleStats);
  });

  it('a caller whose StasisStart lands after the re-sync listed its channel is neither hung up nor run twice', async () => {
    h = await startAriHarness({ orphanGraceMs: 300 });
    const started: Call[] = [];
    h.ari.onCall(async (call) => {
      started.push(call);
      await call.answer();
      await call.whenEnded();
    });
    // The channel list (one connection) shows the caller before its StasisStart (the other) arrives.
    const listed = {
      id: 'race-1',
      name: 'PJSIP/trunk-00000001',
      state: 'Ring',
      caller: { name: '', number: '+989121234567' },
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: {
        context: 'from-trunk',
        exten: '1900',
        priority: 2,
        app_name: 'Stasis',
        app_data: 'tongdai',
      },
      creationtime: new Date().toISOString().replace('Z', '+0000'),
      language: 'fa',
    };
    await h.sim.control.injectResponse({
      method: 'GET',
      path: '^/ari/channels$',
      status: 200,
      body: [listed],
      times: 1,
    });
    const resynced = new Promise((r) => h.ari.once('resynced', r));
    await h.sim.control.dropWebSockets();
    await resynced;
    await h.sim.control.placeCall({ from: '+989121234567', to: '1900', channelId: 'race-1' });
    await eventually(() => started.length === 1, 'the call runs');
    await sleep(600); // past the orphan grace period
    expect(started.length).to.equal(1);
    expect(started[0]!.ended).to.equal(false);
    expect((await h.sim.control.state()).channels.count).to.equal(1);
    await started[0]!.hangup();
  });

  it('adopt policy: a restarted engine runs the leftover channel as a call', async () => {
    h = await startAriHarness();
    h.ari.onCall(async (call) => {
      await call.answer();
      await call.whenEnded();
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    await eventually(() => h.ari.stats().calls === 1, 'call up');
    await h.ari.close();
    const adopted: Call[] = [];
    const next = await h.connectAnother({ orphanPolicy: 'adopt' });
    next.onCall((call) => void adopted.push(call));
    // The adopted call is handed over right after the connection re-synced.
    await eventually(() => adopted.length === 1 || next.stats().calls === 1, 'adopted');
    expect((await h.sim.control.state()).channels.count).to.equal(1);
    await next.close();
  });

  it('chaos: 100 random socket drops during traffic → 0 orphaned channels or bridges, 0 crashes', async () => {
    h = await startAriHarness({ reconnectMinMs: 10, reconnectMaxMs: 200 });
    let failures = 0;
    h.ari.onCall(async (call) => {
      try {
        await call.answer();
        const agent = await h.ari.originate({
          endpoint: `PJSIP/agent${1 + Math.floor(Math.random() * 20)}`,
          timeoutSeconds: 5,
          signal: call.signal,
        });
        const bridge = await h.ari.createBridge({ name: 'call' });
        try {
          await bridge.addChannel(call);
          await bridge.addChannel(agent);
          await Promise.race([call.whenEnded(), agent.whenEnded(), sleep(100 + Math.random() * 300)]);
        } finally {
          await agent.hangup().catch(() => undefined);
          await call.hangup().catch(() => undefined);
          await bridge.destroy().catch(() => undefined);
        }
      } catch {
        failures++; // expected now and then: the call ended while events were not flowing
        await call.hangup().catch(() => undefined);
      }
    });
    for (const s of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      await h.sim.control.setEndpoint(`PJSIP/agent${s}`, { answerAfterMs: 20 });
    for (const s of [11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
      await h.sim.control.setEndpoint(`PJSIP/agent${s}`, { answerAfterMs: 60 });
    let drops = 0;
    let placed = 0;
    while (drops < 100) {
      await Promise.all(
        Array.from({ length: 5 }, () =>
          h.sim.control.placeCall({
            from: `+84${900000000 + placed++}`,
            to: '1900',
            ...(Math.random() < 0.3 ? { hangupAfterMs: 50 + Math.floor(Math.random() * 200) } : {}),
          }),
        ),
      );
      await sleep(Math.random() * 60);
      await h.sim.control.dropWebSockets();
      drops++;
      await eventually(() => h.ari.connected, 'reconnected');
    }
    // Quiet period: everything in flight finishes, a final re-sync sweeps whatever an outage hid.
    await eventually(
      async () => {
        const s = await h.sim.control.state();
        return s.channels.count === 0 && s.bridges.count === 0;
      },
      'no orphaned channels or bridges',
      60_000,
    );
    // Flows may still be in their `finally` (bridge.destroy in flight) when the last call ends.
    await eventually(() => {
      const s = h.ari.stats();
      return s.calls === 0 && s.expected === 0 && s.bridges === 0;
    }, 'engine idle');
    expect(placed).to.equal(500);
    expect(failures).to.be.lessThan(placed);
  });

  it('bad input: malformed JSON, no type and unknown types are logged and dropped; other calls go on', async () => {
    h = await startAriHarness();
    const finished: string[] = [];
    h.ari.onCall(async (call) => {
      await call.answer();
      const r = await call.play('sound:beep');
      finished.push(r.status);
      await call.hangup();
    });
    await h.sim.control.injectRaw('{"type":"StasisStart", "channel": {');
    await h.sim.control.injectRaw('not json at all');
    await h.sim.control.injectRaw('{"no_type":true}');
    await h.sim.control.injectEvent({
      type: 'ChannelFrobnicated',
      application: 'tongdai',
      timestamp: '2026-11-23T12:00:00.000+0000',
    });
    // A known type with a body our dispatcher cannot use must not throw either.
    await h.sim.control.injectEvent({
      type: 'PlaybackFinished',
      application: 'tongdai',
      timestamp: '2026-11-23T12:00:00.000+0000',
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    await eventually(() => finished.length === 1, 'the real call still served');
    expect(finished).to.deep.equal(['finished']);
    const warnings = h.lines.filter((l) => l.includes('"warn"') || l.includes('"error"')).join('\n');
    expect(warnings).to.include('not valid JSON');
    expect(warnings).to.include('has no type');
    expect(warnings).to.include('ChannelFrobnicated');
  });

  it('a REST call that Asterisk does not answer in time is an AriTimeoutError; the engine keeps serving', async () => {
    h = await startAriHarness({ restTimeoutMs: 200 });
    const outcomes: unknown[] = [];
    h.ari.onCall(async (call) => {
      try {
        await call.answer();
        outcomes.push('answered');
      } catch (err) {
        outcomes.push(err);
      }
      await call.hangup().catch(() => undefined);
    });
    await h.sim.control.setLatency(600);
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    await eventually(() => outcomes.length === 1, 'first call outcome');
    expect(outcomes[0]).to.be.instanceOf(AriTimeoutError);
    await h.sim.control.setLatency(0);
    await h.sim.control.placeCall({ from: '+84901234568', to: '1900' });
    await eventually(() => outcomes.length === 2, 'second call outcome');
    expect(outcomes[1]).to.equal('answered');
  });

  it('never writes the ARI password or api_key to a log line, through failures and reconnects', async () => {
    h = await startAriHarness();
    await h.sim.control.refuseConnections(300);
    await h.sim.control.dropWebSockets();
    await eventually(() => h.ari.connected, 'reconnected');
    const bad = await h.connectAnother({ password: 'wrong-password' }).catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(AriUnauthorizedError);
    expect((bad as Error).message).to.include('ARI_PASSWORD');
    const text = h.lines.join('\n');
    expect(text).to.not.include(SimPassword);
    expect(text).to.not.match(/api_key=(?!\[redacted\])/);
  });
});
