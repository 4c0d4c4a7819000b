import { expect } from 'chai';
import { callIdFor } from '../../src/ari/ids.js';
import type { AriChannel, AriEvent } from '../../src/ari/model.js';
import { callRecordSchema } from '../../src/cdr/record.js';
import { CallTimeline } from '../../src/cdr/timeline.js';

const T0 = Date.parse('2026-11-23T02:00:00.000Z'); // 09:00 in Asia/Ho_Chi_Minh
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('Z', '+0000');

function channel(over: Partial<AriChannel> = {}): AriChannel {
  return {
    id: '1795435200.42',
    name: 'PJSIP/trunk-vnpt-00000042',
    state: 'Ring',
    caller: { name: 'Nguyễn Văn An', number: '+84901234567' },
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: {
      context: 'from-trunk',
      exten: '+842838220000',
      priority: 1,
      app_name: 'Stasis',
      app_data: 'tongdai,inbound',
    },
    creationtime: at(0),
    language: 'vi',
    ...over,
  };
}
const ev = (type: string, s: number, extra: Record<string, unknown> = {}): AriEvent =>
  ({ type, application: 'tongdai', timestamp: at(s), channel: channel(), ...extra }) as unknown as AriEvent;

describe('cdr/timeline: ARI events → call record', () => {
  it('an answered inbound call: times, durations, cause, caller hung up, ordered timeline', () => {
    const t = new CallTimeline({ channel: channel(), direction: 'inbound' });
    t.add(ev('StasisStart', 0, { args: ['inbound'] }));
    t.add(ev('ChannelStateChange', 2, { channel: channel({ state: 'Up' }) }));
    t.add(
      ev('PlaybackStarted', 2, {
        playback: { id: 'p1', media_uri: 'sound:hello-world', target_uri: 'channel:x', state: 'playing' },
      }),
    );
    t.add(ev('ChannelDtmfReceived', 5, { digit: '1', duration_ms: 120 }));
    t.add(ev('ChannelHold', 10));
    t.add(ev('ChannelUnhold', 25));
    t.add(ev('ChannelHangupRequest', 62, { cause: 16 }));
    t.add(ev('StasisEnd', 62));
    t.add(ev('ChannelDestroyed', 62, { cause: 16, cause_txt: 'Normal Clearing' }));
    const record = callRecordSchema.parse(t.finish());
    expect(record.callId).to.equal(callIdFor(channel()));
    expect(record.direction).to.equal('inbound');
    expect(record.fromNumber).to.equal('+84901234567');
    expect(record.did).to.equal('+842838220000');
    expect(record.language).to.equal('vi');
    expect(record.answeredAt).to.equal(new Date(T0 + 2000).toISOString());
    expect(record.ringSeconds).to.equal(2);
    expect(record.holdSeconds).to.equal(15);
    expect(record.talkSeconds).to.equal(60 - 15);
    expect(record.disposition).to.equal('answered');
    expect(record.hangupCause).to.equal(16);
    expect(record.hangupBy).to.equal('caller');
    expect(record.events.map((e) => e.type)).to.deep.equal([
      'stasis_start',
      'answered',
      'playback_started',
      'dtmf',
      'hold',
      'unhold',
      'hangup_request',
      'stasis_end',
      'destroyed',
    ]);
    expect(record.events.map((e) => e.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(record.events[3]!.digit).to.equal('1');
  });

  it('an inbound caller who hangs up before answer is abandoned; our hang-up is "system"', () => {
    const a = new CallTimeline({ channel: channel(), direction: 'inbound' });
    a.add(ev('StasisStart', 0));
    a.add(ev('ChannelHangupRequest', 8, { cause: 16 }));
    a.add(ev('ChannelDestroyed', 8, { cause: 16, cause_txt: 'Normal Clearing' }));
    expect(a.finish()).to.include({
      disposition: 'abandoned',
      hangupBy: 'caller',
      ringSeconds: 8,
      talkSeconds: 0,
    });

    const b = new CallTimeline({ channel: channel(), direction: 'inbound' });
    b.add(ev('StasisStart', 0));
    b.add(ev('ChannelStateChange', 1, { channel: channel({ state: 'Up' }) }));
    b.noteLocalHangup();
    b.add(ev('ChannelHangupRequest', 4));
    b.add(ev('ChannelDestroyed', 4, { cause: 16, cause_txt: 'Normal Clearing' }));
    expect(b.finish()).to.include({ disposition: 'answered', hangupBy: 'system', talkSeconds: 3 });
  });

  it('outbound attempts: busy (17), no answer (19) and answered legs linked to their parent', () => {
    const id = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
    const out = (s: Partial<AriChannel> = {}) =>
      channel({
        id,
        caller: { name: 'Tongdai', number: '+842838220000' },
        dialplan: { context: 'tongdai-outbound', exten: 's', priority: 1 },
        ...s,
      });
    const busy = new CallTimeline({ channel: out(), direction: 'outbound', to: '+989121234567' });
    busy.add(ev('Dial', 1, { peer: out(), dialstatus: 'BUSY' }));
    busy.add(ev('ChannelHangupRequest', 1, { cause: 17 }));
    busy.add(ev('ChannelDestroyed', 1, { cause: 17, cause_txt: 'User busy' }));
    expect(busy.finish()).to.include({
      disposition: 'busy',
      hangupCause: 17,
      callId: id,
      fromNumber: '+842838220000',
      toNumber: '+989121234567',
    });

    const noAnswer = new CallTimeline({ channel: out(), direction: 'outbound' });
    noAnswer.add(ev('ChannelStateChange', 0.2, { channel: out({ state: 'Ringing' }) }));
    noAnswer.add(ev('ChannelDestroyed', 30, { cause: 19, cause_txt: 'No user responding' }));
    expect(noAnswer.finish()).to.include({ disposition: 'no_answer', ringSeconds: 29.8 });

    const parent = callIdFor(channel());
    const leg = new CallTimeline({ channel: out(), direction: 'outbound', parentCallId: parent });
    leg.add(ev('ChannelStateChange', 3, { channel: out({ state: 'Up' }) }));
    leg.add(ev('StasisStart', 3, { channel: out({ state: 'Up' }) }));
    leg.add(ev('ChannelDestroyed', 90, { cause: 16, cause_txt: 'Normal Clearing' }));
    const r = leg.finish();
    expect(r).to.include({
      disposition: 'answered',
      parentCallId: parent,
      conversationId: parent,
      talkSeconds: 87,
    });
  });

  it('masks keys while a flow collects card data', () => {
    const t = new CallTimeline({ channel: channel(), direction: 'inbound' });
    t.maskDigits(true);
    t.add(ev('ChannelDtmfReceived', 1, { digit: '4', duration_ms: 100 }));
    t.maskDigits(false);
    t.add(ev('ChannelDtmfReceived', 2, { digit: '#', duration_ms: 100 }));
    expect(t.finish().events.map((e) => e.digit)).to.deep.equal(['*', '#']);
  });

  it('a call lost in an outage still yields a valid record, hung up by "unknown"', () => {
    const t = new CallTimeline({ channel: channel(), direction: 'inbound' });
    t.add(ev('StasisStart', 0));
    const r = callRecordSchema.parse(t.finish(new Date(T0 + 40_000).toISOString()));
    expect(r.hangupBy).to.equal('unknown');
    expect(r.endedAt).to.equal(new Date(T0 + 40_000).toISOString());
  });
});

describe('cdr/timeline: a dialplan caller whose ChannelDestroyed never reaches the app', () => {
  it('takes the cause from a hard hang-up request, or from our own hang-up', () => {
    const remote = new CallTimeline({ channel: channel(), direction: 'inbound' });
    remote.add(ev('StasisStart', 0));
    remote.add(ev('ChannelStateChange', 1, { channel: channel({ state: 'Up' }) }));
    remote.add(ev('ChannelHangupRequest', 9, { cause: 16 }));
    remote.add(ev('StasisEnd', 9));
    expect(remote.finish(at(9).replace('+0000', 'Z'))).to.include({
      hangupCause: 16,
      hangupCauseText: 'Normal Clearing',
      hangupBy: 'caller',
    });

    const ours = new CallTimeline({ channel: channel(), direction: 'inbound' });
    ours.add(ev('StasisStart', 0));
    ours.add(ev('ChannelStateChange', 1, { channel: channel({ state: 'Up' }) }));
    ours.noteLocalHangup();
    ours.add(ev('ChannelHangupRequest', 3, { cause: 32, soft: true }));
    ours.add(ev('StasisEnd', 3));
    expect(ours.finish()).to.include({ hangupCause: 16, hangupBy: 'system' });
  });
});
