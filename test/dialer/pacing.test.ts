import { expect } from 'chai';
import {
  DefaultPredictiveSettings,
  MaxInFlightPerAgent,
  decidePacing,
  normalCdf,
  overCap,
  riskThreshold,
} from '../../src/dialer/pacing/pacer.js';
import { OutcomeStream, type TrafficModel, Issue7Traffic } from '../../src/dialer/pacing/sim/outcomes.js';
import { exponential, intBetween, seededRng, uniform, type Rng } from '../../src/dialer/pacing/sim/rng.js';
import { compileTraffic, TrafficStats, type CompiledTraffic } from '../../src/dialer/pacing/traffic.js';
import type { DialMode, PacingInput } from '../../src/dialer/pacing/types.js';

/** Observed traffic drawn from a random model (shares, ring and talk times vary per case). */
function randomTraffic(rng: Rng, dials = intBetween(rng, 0, 400)): CompiledTraffic {
  const live = uniform(rng, 0.02, 0.6);
  const machine = uniform(rng, 0, 0.9 - live);
  const model: TrafficModel = {
    ...Issue7Traffic,
    liveShare: live,
    machineShare: machine,
    busyShare: uniform(rng, 0, 1 - live - machine),
    ringMinS: uniform(rng, 0, 6),
    ringMaxS: uniform(rng, 8, 30),
    ringTimeoutS: uniform(rng, 15, 40),
    talkMeanS: uniform(rng, 20, 400),
  };
  const stream = new OutcomeStream(intBetween(rng, 1, 1e9), model);
  const stats = new TrafficStats(uniform(rng, 0, 30));
  for (let i = 0; i < dials; i++) {
    const o = stream.next();
    stats.recordDial(o.kind === 'busy' ? 'failed' : o.kind, o.resolveS);
    if (o.kind === 'live') stats.recordTalk(o.talkS);
  }
  return compileTraffic(stats.snapshot());
}

function randomInput(rng: Rng, mode?: DialMode): PacingInput {
  const ready = intBetween(rng, 0, 30);
  const wrap = intBetween(rng, 0, 20);
  const talk = intBetween(rng, 0, 60);
  const paused = intBetween(rng, 0, 5);
  const live = intBetween(rng, 0, 5000);
  const window = {
    liveAnswers: live,
    abandons: intBetween(rng, 0, Math.ceil(live * uniform(rng, 0, 0.06)) + 1),
  };
  const lastLive = intBetween(rng, 0, 60);
  return {
    mode: mode ?? (['preview', 'progressive', 'predictive', 'agentless'] as const)[intBetween(rng, 0, 3)]!,
    agents: {
      loggedIn: ready + wrap + talk + paused,
      ready,
      wrapUpRemainingS: Array.from({ length: wrap }, () => uniform(rng, 0, 30)),
      talkElapsedS: Array.from({ length: talk }, () => exponential(rng, 150)),
    },
    calls: {
      inFlightAgeS: Array.from({ length: intBetween(rng, 0, 80) }, () => uniform(rng, 0, 45)),
      waitingLive: intBetween(rng, 0, 3),
      answeredHoldingLines: intBetween(rng, 0, 10),
    },
    traffic: randomTraffic(rng),
    abandon: {
      cap: rng() < 0.5 ? 0.03 : uniform(rng, 0.005, 0.1),
      window,
      lastMinute: { liveAnswers: lastLive, abandons: intBetween(rng, 0, Math.ceil(lastLive / 2)) },
      patienceS: rng() < 0.8 ? 2 : uniform(rng, 0, 5),
    },
    limits: {
      ...(rng() < 0.5 ? { maxInFlight: intBetween(rng, 0, 200) } : {}),
      ...(rng() < 0.5 ? { maxPerDecision: intBetween(rng, 0, 50) } : {}),
      agentlessLines: intBetween(rng, 0, 100),
    },
  };
}

const progressive = (i: PacingInput) =>
  Math.max(0, i.agents.ready - i.calls.inFlightAgeS.length - i.calls.waitingLive);
const hardMax = (i: PacingInput) =>
  Math.max(
    0,
    Math.min(
      i.limits?.maxPerDecision ?? 100,
      Math.min(i.limits?.maxInFlight ?? Infinity, i.agents.loggedIn * MaxInFlightPerAgent) -
        i.calls.inFlightAgeS.length,
    ),
  );

const Cases = 400;

describe('dialer pacing: decidePacing properties (seeded random inputs)', function () {
  this.timeout(60_000);

  it('never negative, always an integer, never above the hard maximum', () => {
    const rng = seededRng(7001);
    for (let c = 0; c < Cases; c++) {
      const input = randomInput(rng);
      const d = decidePacing(input);
      expect(Number.isInteger(d.calls), `case ${c}`).to.equal(true);
      expect(d.calls, `case ${c}`).to.be.at.least(0);
      expect(d.calls, `case ${c} ${d.reason}`).to.be.at.most(hardMax(input));
    }
  });

  it('preview places nothing; progressive places one call per ready agent without one', () => {
    const rng = seededRng(7002);
    for (let c = 0; c < Cases; c++) {
      const preview = randomInput(rng, 'preview');
      expect(decidePacing(preview)).to.include({ calls: 0, reason: 'preview' });
      const p = randomInput(rng, 'progressive');
      expect(decidePacing(p).calls, `case ${c}`).to.equal(Math.min(progressive(p), hardMax(p)));
    }
  });

  it('agentless fills the free lines and nothing more', () => {
    const rng = seededRng(7003);
    for (let c = 0; c < Cases; c++) {
      const i = randomInput(rng, 'agentless');
      const free = i.limits!.agentlessLines! - i.calls.inFlightAgeS.length - i.calls.answeredHoldingLines!;
      expect(decidePacing(i).calls, `case ${c}`).to.equal(Math.max(0, Math.min(free, hardMax(i))));
    }
  });

  it('falls to 1:1 whenever the window is over the cap', () => {
    const rng = seededRng(7004);
    let seen = 0;
    for (let c = 0; c < Cases * 2; c++) {
      const i = randomInput(rng, 'predictive');
      i.traffic = randomTraffic(rng, 200);
      if (!overCap(i.abandon)) {
        // Push it over: one abandon more than the cap allows.
        i.abandon.window.abandons = Math.floor(i.abandon.cap * i.abandon.window.liveAnswers) + 1;
      }
      const d = decidePacing(i);
      expect(d.reason, `case ${c}`).to.equal('over_cap');
      expect(d.calls, `case ${c}`).to.equal(Math.min(progressive(i), hardMax(i)));
      seen++;
    }
    expect(seen).to.equal(Cases * 2);
  });

  it('predictive never places fewer calls than 1:1 would', () => {
    const rng = seededRng(7005);
    for (let c = 0; c < Cases; c++) {
      const i = randomInput(rng, 'predictive');
      expect(decidePacing(i).calls, `case ${c}`).to.be.at.least(Math.min(progressive(i), hardMax(i)));
    }
  });

  it('is monotonic in free agents: one more ready agent, or a wrap-up finished early, never means fewer calls', () => {
    const rng = seededRng(7006);
    for (let c = 0; c < Cases; c++) {
      const mode = (['progressive', 'predictive'] as const)[c % 2]!;
      const i = randomInput(rng, mode);
      const base = decidePacing(i).calls;
      const more = {
        ...i,
        agents: { ...i.agents, ready: i.agents.ready + 1, loggedIn: i.agents.loggedIn + 1 },
      };
      expect(decidePacing(more).calls, `case ${c} (+1 ready)`).to.be.at.least(base);
      if (i.agents.wrapUpRemainingS.length > 0) {
        const [, ...rest] = i.agents.wrapUpRemainingS;
        const early = { ...i, agents: { ...i.agents, ready: i.agents.ready + 1, wrapUpRemainingS: rest } };
        expect(decidePacing(early).calls, `case ${c} (wrap-up → ready)`).to.be.at.least(base);
      }
    }
  });

  it('more calls already in flight never means more new calls', () => {
    const rng = seededRng(7007);
    for (let c = 0; c < Cases; c++) {
      const i = randomInput(rng, 'predictive');
      const base = decidePacing(i).calls;
      const busier = {
        ...i,
        calls: { ...i.calls, inFlightAgeS: [...i.calls.inFlightAgeS, uniform(rng, 0, 10)] },
      };
      expect(decidePacing(busier).calls, `case ${c}`).to.be.at.most(base);
    }
  });

  it('is deterministic: the same input gives the same decision', () => {
    const rng = seededRng(7008);
    for (let c = 0; c < 50; c++) {
      const i = randomInput(rng);
      expect(decidePacing(i)).to.deep.equal(decidePacing(i));
    }
  });
});

describe('dialer pacing: decisions in set situations', () => {
  const traffic = (() => {
    const stats = new TrafficStats(15);
    const stream = new OutcomeStream(99);
    for (let i = 0; i < 2000; i++) {
      const o = stream.next();
      stats.recordDial(o.kind === 'busy' ? 'failed' : o.kind, o.resolveS);
      if (o.kind === 'live') stats.recordTalk(o.talkS);
    }
    return compileTraffic(stats.snapshot());
  })();
  const base = (): PacingInput => ({
    mode: 'predictive',
    agents: { loggedIn: 10, ready: 0, wrapUpRemainingS: [], talkElapsedS: Array(10).fill(60) },
    calls: { inFlightAgeS: [], waitingLive: 0 },
    traffic,
    abandon: {
      cap: 0.03,
      window: { liveAnswers: 1000, abandons: 15 },
      lastMinute: { liveAnswers: 5, abandons: 0 },
    },
  });

  it('dials several calls per ready agent when nothing is in flight (25 % answer live)', () => {
    const i = base();
    i.agents = { loggedIn: 10, ready: 4, wrapUpRemainingS: [], talkElapsedS: Array(6).fill(60) };
    const d = decidePacing(i);
    expect(d.reason).to.equal('predictive');
    expect(d.calls).to.be.greaterThan(4);
    expect(d.calls).to.be.at.most(4 / 0.25 + 2);
  });

  it('waits while a wrap-up is far from its end and dials as it nears it', () => {
    const far = base();
    far.agents = { loggedIn: 10, ready: 0, wrapUpRemainingS: [14], talkElapsedS: Array(9).fill(60) };
    const near = base();
    near.agents = { loggedIn: 10, ready: 0, wrapUpRemainingS: [4], talkElapsedS: Array(9).fill(60) };
    expect(decidePacing(far).calls).to.equal(0);
    expect(decidePacing(near).calls).to.be.greaterThan(0);
  });

  it('places nothing when callers are already waiting and no agent is free', () => {
    const i = base();
    i.calls = { inFlightAgeS: [], waitingLive: 2 };
    expect(decidePacing(i).calls).to.equal(0);
  });

  it('stays 1:1 while warming up (too few resolved dials)', () => {
    const i = base();
    i.agents = { loggedIn: 10, ready: 5, wrapUpRemainingS: [], talkElapsedS: Array(5).fill(60) };
    i.traffic = compileTraffic(new TrafficStats().snapshot());
    expect(decidePacing(i)).to.include({ calls: 5, reason: 'warming_up' });
  });

  it('cuts the level when the last minute drops spike', () => {
    const i = base();
    i.agents = { loggedIn: 10, ready: 4, wrapUpRemainingS: [], talkElapsedS: Array(6).fill(60) };
    const calm = decidePacing(i);
    i.abandon.lastMinute = { liveAnswers: 8, abandons: 4 };
    const spiked = decidePacing(i);
    expect(spiked.reason).to.equal('spike_brake');
    expect(spiked.calls).to.equal(4 + Math.floor((calm.calls - 4) / 2));
  });

  it('counts an abandon with no live answer yet as over the cap', () => {
    expect(
      overCap({
        cap: 0.03,
        window: { liveAnswers: 0, abandons: 1 },
        lastMinute: { liveAnswers: 0, abandons: 0 },
      }),
    ).to.equal(true);
    expect(
      overCap({
        cap: 0.03,
        window: { liveAnswers: 100, abandons: 3 },
        lastMinute: { liveAnswers: 0, abandons: 0 },
      }),
    ).to.equal(false);
    expect(
      overCap({
        cap: 0.03,
        window: { liveAnswers: 100, abandons: 4 },
        lastMinute: { liveAnswers: 0, abandons: 0 },
      }),
    ).to.equal(true);
  });

  it('takes more risk ahead of the target rate and less behind it', () => {
    const s = DefaultPredictiveSettings;
    const at = (abandons: number) =>
      riskThreshold(
        { cap: 0.03, window: { liveAnswers: 2000, abandons }, lastMinute: { liveAnswers: 0, abandons: 0 } },
        s,
      );
    expect(at(0)).to.be.greaterThan(at(20));
    expect(at(20)).to.be.greaterThan(at(50));
    expect(at(50)).to.be.at.least(s.minRisk);
    expect(at(0)).to.be.at.most(s.maxRisk);
  });

  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).to.be.closeTo(0.5, 1e-7);
    expect(normalCdf(1.959964)).to.be.closeTo(0.975, 1e-6);
    expect(normalCdf(-1)).to.be.closeTo(0.158655, 1e-6);
  });
});
