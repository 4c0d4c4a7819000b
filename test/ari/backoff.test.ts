import { expect } from 'chai';
import { reconnectDelay } from '../../src/ari/backoff.js';

describe('ari/backoff', () => {
  it('doubles from the minimum and never exceeds the cap, whatever the jitter', () => {
    for (const r of [0, 0.5, 0.999]) {
      const delays = Array.from({ length: 40 }, (_, i) => reconnectDelay(i, 100, 5000, () => r));
      expect(Math.min(...delays)).to.be.at.least(100);
      expect(Math.max(...delays)).to.be.at.most(5000);
      expect(delays[39]).to.be.at.least(4000);
    }
    expect(reconnectDelay(0, 100, 5000, () => 0.5)).to.equal(100);
    expect(reconnectDelay(3, 100, 5000, () => 0.5)).to.equal(800);
    expect(reconnectDelay(10, 100, 5000, () => 0.5)).to.equal(5000);
  });

  it('keeps retrying forever: huge attempt counts still give a finite capped delay', () => {
    expect(reconnectDelay(1e6, 100, 5000, () => 0.5)).to.equal(5000);
  });
});
