import { expect } from 'chai';
import { CallHungUpError, type Call } from '../../src/ari/index.js';
import { type AriHarness, eventually, startAriHarness, IdleStats } from '../helpers/ari.js';

/** Runs `flow` for the next inbound call and resolves with its outcome. */
function nextCall<T>(
  h: AriHarness,
  flow: (call: Call) => Promise<T>,
): Promise<{ call: Call; result?: T; error?: unknown }> {
  return new Promise((resolve) => {
    h.ari.onCall(async (call) => {
      try {
        resolve({ call, result: await flow(call) });
      } catch (error) {
        resolve({ call, error });
      }
    });
  });
}

describe('ari: inbound calls through the Call handle (simulator)', function () {
  let h: AriHarness;
  beforeEach(async () => (h = await startAriHarness()));
  afterEach(async () => h.close());

  it('answers, plays with the caller language, hangs up; events in Asterisk order; nothing left behind', async () => {
    const types: string[] = [];
    h.ari.on('event', (e) => types.push(e.type));
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const played = await call.play('sound:hello-world');
      await call.hangup();
      return played;
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '+842838220000', language: 'vi' });
    const { call, result, error } = await outcome;
    expect(error).to.equal(undefined);
    expect(result?.status).to.equal('finished');
    expect(call.channel.language).to.equal('vi');
    expect(call.args).to.deep.equal(['inbound', '+842838220000']);
    await eventually(() => call.ended, 'call end');
    await eventually(() => types.includes('StasisEnd'), 'StasisEnd');
    expect(types.indexOf('ChannelHangupRequest')).to.be.lessThan(types.indexOf('StasisEnd'));
    // A dialplan caller: Stasis() subscribed the app only until StasisEnd, its last event.
    expect(types.at(-1)).to.equal('StasisEnd');
    expect(types).to.not.include('ChannelDestroyed');
    expect(h.ari.stats()).to.deep.equal(IdleStats);
    expect((await h.sim.control.state()).channels.count).to.equal(0);
  });

  it('a missing sound resolves "failed" (Asterisk answers 201, then PlaybackFinished failed)', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const r = await call.play('sound:no-such-prompt');
      await call.hangup();
      return r;
    });
    await h.sim.control.placeCall({ from: '+989121234567', to: '+982188776655', language: 'fa' });
    expect((await outcome).result?.status).to.equal('failed');
  });

  it('collects digits: max length, terminator, first-digit and inter-digit timeouts, type-ahead', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const first = await call.collectDigits({
        maxDigits: 3,
        firstDigitTimeoutMs: 3000,
        interDigitTimeoutMs: 2000,
      });
      const second = await call.collectDigits({
        maxDigits: 10,
        firstDigitTimeoutMs: 3000,
        interDigitTimeoutMs: 2000,
        terminators: '#',
      });
      const third = await call.collectDigits({
        maxDigits: 4,
        firstDigitTimeoutMs: 3000,
        interDigitTimeoutMs: 150,
      });
      const fourth = await call.collectDigits({
        maxDigits: 1,
        firstDigitTimeoutMs: 100,
        interDigitTimeoutMs: 100,
      });
      await call.hangup();
      return [first, second, third, fourth];
    });
    await h.sim.control.placeCall({
      from: '+84901234567',
      to: '1900',
      script: [
        { atMs: 100, dtmf: '1' },
        { atMs: 150, dtmf: '2' },
        { atMs: 200, dtmf: '3' },
        { atMs: 250, dtmf: '4' },
        { atMs: 300, dtmf: '5' },
        { atMs: 350, dtmf: '#' },
        { atMs: 400, dtmf: '9' },
      ],
    });
    const { result, error } = await outcome;
    expect(error).to.equal(undefined);
    expect(result![0]).to.deep.equal({ digits: '123', status: 'finished' });
    expect(result![1]).to.deep.equal({ digits: '45', status: 'finished', terminator: '#' });
    expect(result![2]).to.deep.equal({ digits: '9', status: 'timeout' });
    expect(result![3]).to.deep.equal({ digits: '', status: 'timeout' });
  });

  it('barge-in stops the prompt on a key, and the key is still there for the menu', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const played = await call.play(['sound:hello-world', 'sound:hello-world', 'sound:hello-world'], {
        bargeIn: true,
      });
      const menu = await call.collectDigits({
        maxDigits: 1,
        firstDigitTimeoutMs: 2000,
        interDigitTimeoutMs: 1000,
      });
      await call.hangup();
      return { played, menu };
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900', script: [{ atMs: 300, dtmf: '2' }] });
    const { result } = await outcome;
    expect(result?.played.status).to.equal('cancelled');
    expect(result?.played.digit).to.equal('2');
    expect(result?.menu.digits).to.equal('2');
    await eventually(async () => (await h.sim.control.state()).playbacks.count === 0, 'playback stopped');
  });

  it('every pending wait rejects with CallHungUpError when the caller hangs up; nothing leaks', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      await Promise.all([
        call.collectDigits({ maxDigits: 4, firstDigitTimeoutMs: 60_000, interDigitTimeoutMs: 60_000 }),
        call.play('tone:ring'),
        call.whenEnded(),
      ]);
    });
    await h.sim.control.placeCall({ from: '+14155550100', to: '1900', hangupAfterMs: 300 });
    const { call, error } = await outcome;
    expect(error).to.be.instanceOf(CallHungUpError);
    expect((error as CallHungUpError).code).to.equal('CALL_HUNG_UP');
    expect(call.signal.aborted).to.equal(true);
    await eventually(() => h.ari.stats().calls === 0, 'call released');
    expect(h.ari.stats()).to.include({ playbacks: 0, pendingWaits: 0 });
    // Acting on the vanished channel is a typed error, never a crash, and hangup stays idempotent.
    const err = await call.answer().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CallHungUpError);
    await call.hangup();
  });

  it('an abort signal cancels a single wait without ending the call', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const r = await call.collectDigits({
        maxDigits: 2,
        firstDigitTimeoutMs: 60_000,
        interDigitTimeoutMs: 60_000,
        signal: ac.signal,
      });
      const after = await call.play('sound:beep');
      await call.hangup();
      return { r, after };
    });
    await h.sim.control.placeCall({ from: '+442071234567', to: '1900' });
    const { result } = await outcome;
    expect(result?.r.status).to.equal('cancelled');
    expect(result?.after.status).to.equal('finished');
  });

  it('variables: set, read back, and an unset one is undefined', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.setVariable('TONGDAI_PURPOSE', 'billing');
      const v = await call.getVariable('TONGDAI_PURPOSE');
      const none = await call.getVariable('NOT_SET_ANYWHERE');
      await call.hangup();
      return { v, none };
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    expect((await outcome).result).to.deep.equal({ v: 'billing', none: undefined });
  });

  it('records with pause/resume and reports the finished recording', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const rec = await call.startRecording({ name: `t-${call.callId}`, format: 'wav', beep: false });
      await new Promise((r) => setTimeout(r, 200));
      await rec.pause();
      await new Promise((r) => setTimeout(r, 100));
      await rec.resume();
      await new Promise((r) => setTimeout(r, 200));
      await rec.stop();
      const done = await rec.done();
      await call.hangup();
      return done;
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    const { result, error } = await outcome;
    expect(error).to.equal(undefined);
    expect(result?.status).to.equal('finished');
    expect(result?.recording.format).to.equal('wav');
  });

  it('a snoop channel on a call enters our app as a Call', async () => {
    const outcome = nextCall(h, async (call) => {
      await call.answer();
      const spy = await call.snoop({ spy: 'both' });
      const id = spy.channelId;
      await spy.hangup();
      await call.hangup();
      return id;
    });
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900' });
    const { result, error } = await outcome;
    expect(error).to.equal(undefined);
    expect(result).to.be.a('string');
  });
});

describe('ari: a wait given call.signal when the caller hangs up', function () {
  let h: AriHarness;
  beforeEach(async () => (h = await startAriHarness()));
  afterEach(async () => h.close());

  it('rejects with CallHungUpError rather than ending "cancelled"', async () => {
    const outcome = new Promise<unknown>((resolve) =>
      h.ari.onCall(async (call) => {
        await call.answer();
        resolve(
          await call
            .collectDigits({
              maxDigits: 4,
              firstDigitTimeoutMs: 60_000,
              interDigitTimeoutMs: 60_000,
              signal: call.signal,
            })
            .catch((e: unknown) => e),
        );
      }),
    );
    await h.sim.control.placeCall({ from: '+84901234567', to: '1900', hangupAfterMs: 200 });
    expect(await outcome).to.be.instanceOf(CallHungUpError);
  });
});
