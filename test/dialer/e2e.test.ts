import { expect } from 'chai';
import { runDialerE2e } from './e2e.js';

describe('dialer end to end: predictive campaign through the simulator', function () {
  this.timeout(600_000);

  it('the abandon rate in call_attempts agrees with the runtime’s own count (bench smoke: 10 agents, 6 simulated minutes)', async () => {
    const r = await runDialerE2e({ agents: 10, minutes: 6, seed: 11, stepMs: 250 });
    expect(r.dials).to.be.greaterThan(20);
    expect(r.db.liveAnswers).to.be.greaterThan(5);
    expect(r.db.liveAnswers).to.equal(r.runtime.liveAnswers);
    expect(r.db.abandoned).to.equal(r.runtime.abandoned);
    expect(r.diffPp).to.be.below(0.5);
    expect(r.connected).to.be.greaterThan(0);
  });
});
