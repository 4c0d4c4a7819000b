import { expect } from 'chai';
import { OutcomeStream, Issue7Traffic } from '../../src/dialer/pacing/sim/outcomes.js';
import {
  fixedRatioPacer,
  predictivePacer,
  progressivePacer,
  vicidialPacer,
} from '../../src/dialer/pacing/sim/pacers.js';
import { simulateDay } from '../../src/dialer/pacing/sim/simulate.js';
import { atGrid, compileTraffic, talkEndsWithin, TrafficStats } from '../../src/dialer/pacing/traffic.js';

describe('dialer pacing: traffic statistics', () => {
  it('learns the shares and ring-time distribution of the dials it is told about', () => {
    const stats = new TrafficStats(15);
    const stream = new OutcomeStream(5);
    for (let i = 0; i < 2500; i++) {
      const o = stream.next();
      stats.recordDial(o.kind === 'busy' ? 'failed' : o.kind, o.resolveS);
      if (o.kind === 'live') stats.recordTalk(o.talkS);
    }
    const t = compileTraffic(stats.snapshot());
    expect(t.share.live).to.be.closeTo(0.25, 0.03);
    expect(t.share.machine).to.be.closeTo(0.15, 0.03);
    expect(t.share.failed).to.be.closeTo(0.1, 0.03);
    expect(t.share.no_answer).to.be.closeTo(0.5, 0.03);
    // Live answers ring 4–20 s: half of them by 12 s, none before 3 s (±1 s smoothing).
    expect(atGrid(t.cdf.live, 2.9)).to.equal(0);
    expect(atGrid(t.cdf.live, 12)).to.be.closeTo(0.5, 0.06);
    expect(atGrid(t.cdf.live, 21.5)).to.equal(1);
    for (let i = 1; i < t.unresolved.length; i++)
      expect(t.unresolved[i]!).to.be.at.most(t.unresolved[i - 1]! + 1e-12);
    // Exponential talk with mean 120 s: about 8 % end within 10 s whatever the elapsed time.
    expect(talkEndsWithin(t, 30, 10)).to.be.closeTo(1 - Math.exp(-10 / 120), 0.03);
    expect(talkEndsWithin(t, 30, 0)).to.equal(0);
  });

  it('forgets old traffic: counts halve past the limit so a drifting list is followed', () => {
    const stats = new TrafficStats(15, 100);
    for (let i = 0; i < 100; i++) stats.recordDial('no_answer', 20);
    for (let i = 0; i < 300; i++) stats.recordDial('live', 8);
    const t = compileTraffic(stats.snapshot());
    expect(t.share.live).to.be.greaterThan(0.9);
    expect(stats.resolvedDials()).to.be.at.most(101);
  });

  it('without observations: no live answer expected and no talk ending', () => {
    const t = compileTraffic(new TrafficStats().snapshot());
    expect(t.resolvedDials).to.equal(0);
    expect(atGrid(t.liveBy, 30)).to.equal(0);
    expect(talkEndsWithin(t, 10, 60)).to.equal(0);
  });
});

describe('dialer pacing: the bench simulation', function () {
  this.timeout(120_000);
  const day = { durationS: 3600, tickS: 0.5 };

  it('draws the same outcome sequence for a seed, whatever pacer consumes it', () => {
    const a = new OutcomeStream(3);
    const b = new OutcomeStream(3);
    const c = new OutcomeStream(4);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).to.deep.equal(xs);
    expect(Array.from({ length: 50 }, () => c.next())).to.not.deep.equal(xs);
  });

  it('follows the issue 7 traffic model', () => {
    const s = new OutcomeStream(11);
    const n = 40_000;
    const count = { live: 0, machine: 0, busy: 0, no_answer: 0 };
    for (let i = 0; i < n; i++) {
      const o = s.next();
      count[o.kind]++;
      if (o.kind === 'live') expect(o.resolveS).to.be.within(4, 20);
      if (o.kind === 'machine') expect(o.resolveS).to.be.within(6, 23);
      if (o.kind === 'busy') expect(o.resolveS).to.be.within(2.5, 3.5);
      if (o.kind === 'no_answer') expect(o.resolveS).to.equal(Issue7Traffic.ringTimeoutS);
    }
    expect(count.live / n).to.be.closeTo(0.25, 0.01);
    expect(count.machine / n).to.be.closeTo(0.15, 0.01);
    expect(count.busy / n).to.be.closeTo(0.1, 0.01);
  });

  it('is deterministic for a seed and pacer', () => {
    const a = simulateDay({ ...day, agents: 10, seed: 21 }, predictivePacer());
    const b = simulateDay({ ...day, agents: 10, seed: 21 }, predictivePacer());
    expect(a).to.deep.equal(b);
  });

  it('1:1 never abandons; fixed level 1 is 1:1', () => {
    for (const seed of [1, 2]) {
      const p = simulateDay({ ...day, agents: 7, seed }, progressivePacer());
      expect(p.abandons).to.equal(0);
      expect(p.liveAnswers).to.be.greaterThan(50);
      expect(simulateDay({ ...day, agents: 7, seed }, fixedRatioPacer(1, 'per-active'))).to.deep.equal(p);
      expect(simulateDay({ ...day, agents: 7, seed }, fixedRatioPacer(1, 'per-ready'))).to.deep.equal(p);
    }
  });

  it('predictive keeps agents busier than 1:1 and ViciDial while staying under the 3 % cap', () => {
    for (const seed of [31, 32]) {
      const cfg = { durationS: 2 * 3600, tickS: 0.5, agents: 20, seed };
      const ours = simulateDay(cfg, predictivePacer());
      const oneToOne = simulateDay(cfg, progressivePacer());
      const vici = simulateDay(cfg, vicidialPacer());
      expect(ours.abandonRate, `seed ${seed}`).to.be.at.most(0.03);
      expect(ours.occupancy, `seed ${seed}`).to.be.greaterThan(oneToOne.occupancy + 0.1);
      expect(ours.occupancy, `seed ${seed}`).to.be.greaterThan(vici.occupancy);
    }
  });

  it('rejects a pacer that asks for a negative or fractional number of calls', () => {
    expect(() => simulateDay({ ...day, agents: 2, seed: 1 }, { name: 'bad', decide: () => -1 })).to.throw(
      /bad asked for -1/,
    );
    expect(() => simulateDay({ ...day, agents: 2, seed: 1 }, { name: 'half', decide: () => 0.5 })).to.throw(
      /half/,
    );
  });
});
