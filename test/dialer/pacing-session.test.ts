import { expect } from 'chai';
import { OutcomeStream } from '../../src/dialer/pacing/sim/outcomes.js';
import { PacingSession, type RuntimePacingInput } from '../../src/dialer/pacing/session.js';

/** A session that has seen `dials` calls of the issue 7 traffic, one placed every 2 s. */
function warmedSession(dials: number, withIds: boolean) {
  const s = new PacingSession();
  const stream = new OutcomeStream(77);
  const t0 = Date.parse('2026-11-23T02:00:00Z'); // 09:00 in Ho Chi Minh City
  for (let i = 0; i < dials; i++) {
    const o = stream.next();
    const at = t0 + i * 2000;
    const callId = withIds ? `att-${i}` : undefined;
    s.observe({ type: 'dialed', at, callId });
    const type = o.kind === 'live' ? 'answered' : o.kind === 'machine' ? 'machine' : 'failed';
    s.observe({ type, at: at + o.resolveS * 1000, callId });
    if (o.kind === 'live') {
      s.observe({ type: 'connected', at: at + o.resolveS * 1000, callId });
      s.talkEnded(o.talkS);
      s.wrapUpEnded(15);
    }
  }
  return { s, now: t0 + dials * 2000 + 30_000 };
}

const input = (now: number, over: Partial<RuntimePacingInput> = {}): RuntimePacingInput => ({
  mode: 'predictive',
  now,
  agentsReady: 4,
  agentsSoonFree: 1,
  agentsBusy: 15,
  callsRinging: 0,
  callsWaiting: 0,
  abandonRate: 0.01,
  abandonLimit: 0.03,
  maxDialRatio: 3,
  ...over,
});

describe('dialer pacing: PacingSession behind the runtime Pacer seam', () => {
  it('dials ahead of ready agents once it has seen enough traffic', () => {
    for (const withIds of [true, false]) {
      const { s, now } = warmedSession(300, withIds);
      const n = s.callsToPlace(input(now));
      expect(s.lastDecision?.reason).to.equal('predictive');
      expect(n).to.be.greaterThan(4);
      expect(n).to.be.at.most(4 * 4 + 6);
    }
  });

  it('is 1:1 before it has seen traffic and when the runtime reports the window over the cap', () => {
    const cold = new PacingSession();
    expect(cold.callsToPlace(input(Date.now(), { callsRinging: 1 }))).to.equal(3);
    expect(cold.lastDecision?.reason).to.equal('warming_up');
    const { s, now } = warmedSession(300, true);
    expect(s.callsToPlace(input(now, { abandonRate: 0.031, callsRinging: 1 }))).to.equal(3);
    expect(s.lastDecision?.reason).to.equal('over_cap');
  });

  it('follows the runtime counts: calls it was not told about count as in flight', () => {
    const { s, now } = warmedSession(300, true);
    const free = s.callsToPlace(input(now));
    const busy = s.callsToPlace(input(now, { callsRinging: 12 }));
    expect(busy).to.be.lessThan(free);
    expect(s.lastDecision?.detail.expectedLiveInFlight).to.be.greaterThan(1);
  });

  it('progressive campaigns stay 1:1 through the session', () => {
    const { s, now } = warmedSession(100, true);
    expect(s.callsToPlace(input(now, { mode: 'progressive', callsRinging: 1 }))).to.equal(3);
  });
});
