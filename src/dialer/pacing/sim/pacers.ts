import { decidePacing } from '../pacer.js';
import type { PredictiveSettings } from '../types.js';
import type { SimPacer, SimView } from './simulate.js';

/** The pacers the bench compares, each seeing the same SimView. */

/** Ours: `decidePacing` in predictive mode, fed what the runtime would feed it. */
export function predictivePacer(settings: Partial<PredictiveSettings> = {}, cap = 0.03): SimPacer {
  return {
    name: 'predictive',
    decide: (v) =>
      decidePacing({
        mode: 'predictive',
        agents: {
          loggedIn: v.agents,
          ready: v.ready,
          wrapUpRemainingS: v.wrapUpRemaining(),
          talkElapsedS: v.talkElapsed(),
        },
        calls: { inFlightAgeS: v.inFlightAges(), waitingLive: v.waitingLive },
        traffic: v.traffic(),
        abandon: {
          cap,
          window: { liveAnswers: v.dayLive, abandons: v.dayAbandons },
          lastMinute: { liveAnswers: v.lastMinuteLive, abandons: v.lastMinuteAbandons },
          patienceS: v.patienceS,
        },
        settings,
      }).calls,
  };
}

/** 1:1: one call per ready agent that has none on its way. */
export const progressivePacer = (): SimPacer => ({
  name: 'progressive',
  decide: (v) => Math.max(0, v.ready - v.inFlight - v.waitingLive),
});

/**
 * A fixed dial ratio. `per-ready`: keep ratio × ready agents calls ringing (the classic "dial r lines
 * per idle agent"). `per-active`: ViciDial's fixed dial level, lines (ringing + waiting + talking) =
 * ratio × active agents (ready + talking; agents in wrap-up are not active).
 */
export type FixedFamily = 'per-ready' | 'per-active';

export const fixedRatioPacer = (ratio: number, family: FixedFamily): SimPacer => ({
  name: `fixed-${family}-${ratio}`,
  decide: (v) =>
    family === 'per-ready'
      ? Math.max(0, Math.floor(ratio * v.ready + 1e-9) - v.inFlight - v.waitingLive)
      : Math.max(
          0,
          Math.floor(ratio * (v.ready + v.talking) + 1e-9) - v.inFlight - v.waitingLive - v.talking,
        ),
});

/**
 * ViciDial's adaptive rule as issue 7 states it: lines = dial level × active agents; every 15 s the
 * level becomes level × (1 + (ready agents − waiting calls, both averaged over the 15 s) / agents),
 * clamped to 1.0–3.0, halved when over half of the last minute's live answers dropped, and halved
 * when the day's drop rate exceeds the 3 % target. Lines count calls ringing, waiting and talking;
 * active agents are ready or talking (ViciDial counts agents in the disposition screen as paused).
 */
export function vicidialPacer(target = 0.03, startLevel = 1): SimPacer {
  let level = startLevel;
  let nextAt = 15;
  let samples = 0;
  let readySum = 0;
  let waitingSum = 0;
  let activeSum = 0;
  return {
    name: 'vicidial',
    decide: (v: SimView) => {
      samples += 1;
      readySum += v.ready;
      waitingSum += v.waitingLive;
      activeSum += v.ready + v.talking;
      if (v.nowS >= nextAt) {
        const active = Math.max(1, activeSum / samples);
        level *= 1 + (readySum / samples - waitingSum / samples) / active;
        level = Math.min(3, Math.max(1, level));
        const minuteLive = v.lastMinuteLive;
        if (minuteLive > 0 && v.lastMinuteAbandons > minuteLive / 2) level /= 2;
        if (v.dayLive > 0 && v.dayAbandons / v.dayLive > target) level /= 2;
        level = Math.min(3, Math.max(1, level));
        samples = readySum = waitingSum = activeSum = 0;
        nextAt += 15;
      }
      const lines = Math.floor(level * (v.ready + v.talking) + 1e-9);
      return Math.max(0, lines - v.inFlight - v.waitingLive - v.talking);
    },
  };
}
