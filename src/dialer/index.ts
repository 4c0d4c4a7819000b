import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Telephony } from '../ari/index.js';
import { checkDnc, consentFor, recordOptOut } from '../leads/index.js';
import type { Logger } from '../log/index.js';
import { type DialerAgents, RedisDialerAgents } from './agents.js';
import type { Campaign } from './campaign.js';
import type { AmdOriginator } from './originate.js';
import { type DialerClock, type LeadCompliance, type Pacer, realClock } from './ports.js';
import { registerDialerRoutes } from './routes.js';
import { DialerRuntime } from './runtime.js';
import { predictivePacer } from './predictive.js';
import { DialerService } from './service.js';
import { CampaignStore } from './store.js';

/**
 * The outbound dialer feature: campaigns as data (API), the compliance shell (call_attempts), the
 * runtime that places calls over ARI. `createDialer` builds the parts that need only Postgres and
 * Redis (the API works before Asterisk answers); `start(ari)` begins dialing once ARI is up.
 */
export interface DialerOptions {
  db: Knex;
  redis: Redis;
  /** Redis key prefix (REDIS_PREFIX + ':'). */
  prefix: string;
  logger: Logger;
  /** Stored on every attempt this engine decides (ENGINE_NAME). */
  engine: string;
  clock?: DialerClock;
  agents?: DialerAgents;
  compliance?: LeadCompliance;
  pacer?: (campaign: Campaign) => Pacer;
  tickMs?: number;
  /** Dial string of a lead, `{number}` = E.164 (DIALER_TRUNK, default PJSIP/{number}@trunk). */
  trunk?: string;
  agentlessLines?: number;
}

export interface Dialer {
  store: CampaignStore;
  service: DialerService;
  agents: DialerAgents;
  /** Mount with createApi({ routes: [..., dialer.routes] }). */
  routes: ReturnType<typeof registerDialerRoutes>;
  /** Starts dialing on this ARI connection (AriConnection satisfies both types). */
  start(ari: AmdOriginator & Telephony): DialerRuntime;
  readonly runtime: DialerRuntime | undefined;
  close(options?: { hangUp?: boolean }): Promise<void>;
}

export const leadCompliance: LeadCompliance = { checkDnc, consentFor, recordOptOut };

export function createDialer(o: DialerOptions): Dialer {
  const clock = o.clock ?? realClock;
  const store = new CampaignStore(o.db);
  const agents = o.agents ?? new RedisDialerAgents(o.redis, o.prefix);
  const compliance = o.compliance ?? leadCompliance;
  let runtime: DialerRuntime | undefined;
  const serviceDeps = {
    db: o.db,
    store,
    agents,
    compliance,
    clock,
    engine: o.engine,
  } as ConstructorParameters<typeof DialerService>[0];
  const service = new DialerService(serviceDeps);
  return {
    store,
    service,
    agents,
    routes: registerDialerRoutes({ db: o.db, store, service, clock, runtime: () => runtime }),
    start(ari) {
      if (runtime) return runtime;
      runtime = new DialerRuntime({
        db: o.db,
        ari,
        agents,
        compliance,
        store,
        logger: o.logger.child({ feature: 'dialer' }),
        engine: o.engine,
        clock,
        pacer: o.pacer ?? predictivePacer,
        ...(o.tickMs ? { tickMs: o.tickMs } : {}),
        ...(o.trunk ? { trunk: o.trunk } : {}),
        ...(o.agentlessLines ? { agentlessLines: o.agentlessLines } : {}),
      });
      serviceDeps.runtime = runtime;
      runtime.start();
      return runtime;
    },
    get runtime() {
      return runtime;
    },
    async close(options = {}) {
      await runtime?.stop(options);
    },
  };
}

export { registerDialerRoutes } from './routes.js';
export { DialerRuntime, type RuntimeCounters } from './runtime.js';
export { CampaignStore } from './store.js';
export { RedisDialerAgents, type DialerAgents, type DialerAgent } from './agents.js';
export { campaignInputSchema, type Campaign, type CampaignInput } from './campaign.js';
export { windowDecision, nextOpening, localTime } from './window.js';
export { evaluateAttempt, rulesFor, Profiles } from './rules.js';
export { measureAbandon, type AbandonComparison } from './abandon.js';
export type { DialerClock, Pacer, PacingInput, LeadCompliance } from './ports.js';
