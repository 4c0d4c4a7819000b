import {
  fixedRatioPacer,
  predictivePacer,
  progressivePacer,
  vicidialPacer,
  type FixedFamily,
} from '../../../src/dialer/pacing/sim/pacers.js';
import { simulateDay, type DayResult, type SimPacer } from '../../../src/dialer/pacing/sim/simulate.js';
import type { PredictiveSettings } from '../../../src/dialer/pacing/types.js';

/** One simulated day for one pacer, as sent to a worker (plain data). */
export type PacerSpec =
  | { type: 'predictive'; settings?: Partial<PredictiveSettings> }
  | { type: 'progressive' }
  | { type: 'vicidial' }
  | { type: 'fixed'; family: FixedFamily; ratio: number };

export interface DayTask {
  pacer: PacerSpec;
  agents: number;
  seed: number;
  hours: number;
  tickS: number;
}

export function makePacer(spec: PacerSpec): SimPacer {
  switch (spec.type) {
    case 'predictive':
      return predictivePacer(spec.settings ?? {});
    case 'progressive':
      return progressivePacer();
    case 'vicidial':
      return vicidialPacer();
    case 'fixed':
      return fixedRatioPacer(spec.ratio, spec.family);
  }
}

export const runDay = (t: DayTask): DayResult =>
  simulateDay(
    { agents: t.agents, seed: t.seed, durationS: t.hours * 3600, tickS: t.tickS },
    makePacer(t.pacer),
  );
