/** Staffing (WFM): Erlang B, C and A, agents required for a target, and a queue simulator to check them. */
export { erlangB, ErlangBTable } from './erlang-b.js';
export { erlangC, erlangCWith, type ErlangCInput, type ErlangCResult } from './erlang-c.js';
export { erlangA, erlangAWith, type ErlangAInput, type ErlangAResult } from './erlang-a.js';
export {
  requiredAgents,
  DefaultThresholdSeconds,
  type SlBasis,
  type StaffingModel,
  type StaffingResult,
  type StaffingTargets,
} from './staffing.js';
export { simulateQueue, type QueueSimulationInput, type QueueSimulationResult } from './simulate.js';
export { offeredFrom, trafficOf, type Offered } from './model.js';
export { WfmInputError, MaxAgents, MaxTrafficErlangs } from './errors.js';
export { seededRandom, exponential } from './rng.js';
export { registerWfmRoutes } from './routes.js';
