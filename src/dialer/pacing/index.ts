/**
 * Predictive pacing: how many calls a campaign places now. A pure module; see docs/pacing.md.
 *
 *   const stats = new TrafficStats();            // feed it dial results, talk and wrap-up times
 *   const traffic = compileTraffic(stats.snapshot()); // recompile every few seconds
 *   const { calls, reason, detail } = decidePacing({ mode, agents, calls, traffic, abandon });
 */
export {
  decidePacing,
  DefaultPredictiveSettings,
  DefaultPatienceS,
  overCap,
  riskThreshold,
} from './pacer.js';
export {
  compileTraffic,
  TrafficStats,
  type CompiledTraffic,
  type DialResult,
  type TrafficSnapshot,
} from './traffic.js';
export type * from './types.js';
