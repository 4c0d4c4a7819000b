import type { Knex } from 'knex';
import { AriConnection } from '../../src/ari/index.js';
import { RedisDialerAgents } from '../../src/dialer/agents.js';
import type { Campaign, CampaignInput } from '../../src/dialer/campaign.js';
import { campaignInputSchema } from '../../src/dialer/campaign.js';
import { leadCompliance } from '../../src/dialer/index.js';
import type { DialerClock, Pacer } from '../../src/dialer/ports.js';
import { DialerRuntime } from '../../src/dialer/runtime.js';
import { CampaignStore } from '../../src/dialer/store.js';
import { createMetrics } from '../../src/metrics/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { capturingLogger, SimPassword, SimUser } from '../helpers/ari.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

/**
 * A dialer world for tests and the end-to-end bench: its own database and Redis prefix, a
 * simulator on the virtual clock, and runtimes (each on its own ARI connection, as separate engine
 * processes would be) whose clock is the simulator's, optionally shifted to another date.
 */
export interface DialerWorld {
  db: TestDatabase;
  redis: TestRedis;
  sim: Simulator;
  store: CampaignStore;
  agents: RedisDialerAgents;
  clock: DialerClock;
  lines: string[];
  runtimes: DialerRuntime[];
  /** Every simulator of the world (the first is `sim`); advanced in lockstep. */
  sims: Simulator[];
  addRuntime(
    engine: string,
    options?: {
      pacer?: (c: Campaign) => Pacer;
      tickMs?: number;
      agentlessLines?: number;
      /** Its own simulator (another Asterisk): one app per Asterisk, as two engine sites would run. */
      ownSimulator?: boolean;
    },
  ): Promise<DialerRuntime>;
  /** Moves virtual time forward in steps, letting every engine finish its work between steps. */
  advance(ms: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startDialerWorld(options: { offsetMs?: number } = {}): Promise<DialerWorld> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const sim = await startSimulator({ port: 0, clock: 'virtual', user: SimUser, password: SimPassword });
  const sims = [sim];
  const offset = options.offsetMs ?? 0;
  const clockOf = (s: Simulator): DialerClock => ({
    now: () => s.clock.now() + offset,
    setTimeout: (fn, ms) => s.clock.setTimeout(fn, ms),
  });
  const clock = clockOf(sim);
  const { logger, lines } = capturingLogger();
  const store = new CampaignStore(db.knex);
  const agents = new RedisDialerAgents(redis.redis, redis.prefix);
  const connections: AriConnection[] = [];
  const runtimes: DialerRuntime[] = [];
  const world: DialerWorld = {
    db,
    redis,
    sim,
    store,
    agents,
    clock,
    lines,
    runtimes,
    sims,
    async addRuntime(engine, o = {}) {
      let own = sim;
      if (o.ownSimulator) {
        own = await startSimulator({ port: 0, clock: 'virtual', user: SimUser, password: SimPassword });
        await own.clock.advance(sim.clock.now() - own.clock.now());
        sims.push(own);
      }
      const ari = await AriConnection.connect({
        url: own.url,
        user: SimUser,
        password: SimPassword,
        app: 'tongdai',
        logger,
        metrics: createMetrics(),
        restTimeoutMs: 5000,
        reconnectMinMs: 50,
        reconnectMaxMs: 1000,
      });
      connections.push(ari);
      const runtime = new DialerRuntime({
        db: db.knex,
        ari,
        agents,
        compliance: leadCompliance,
        store,
        logger,
        engine,
        clock: clockOf(own),
        ...(o.pacer ? { pacer: o.pacer } : {}),
        ...(o.tickMs ? { tickMs: o.tickMs } : {}),
        ...(o.agentlessLines ? { agentlessLines: o.agentlessLines } : {}),
      });
      runtimes.push(runtime);
      runtime.start();
      return runtime;
    },
    async advance(ms, stepMs = 100) {
      for (let done = 0; done < ms; done += stepMs) {
        for (const s of sims) await s.clock.advance(Math.min(stepMs, ms - done));
        await settle(runtimes);
      }
    },
    async close() {
      for (const r of runtimes) await r.stop({ hangUp: true });
      for (const c of connections) await c.close();
      for (const s of sims) await s.close();
      await redis.cleanup();
      await db.drop();
    },
  };
  return world;
}

/** Waits until no engine has work in flight and the sockets have gone quiet. */
export async function settle(runtimes: DialerRuntime[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await Promise.all(runtimes.map((r) => r.idle()));
    await new Promise((r) => setImmediate(r));
  }
}

export async function createList(db: Knex, name = 'Danh sách khách hàng', country = 'VN'): Promise<string> {
  const [row] = await db('lead_lists').insert({ name, default_country: country }).returning('id');
  return row.id as string;
}

export async function addLeads(
  db: Knex,
  listId: string,
  leads: Array<{ phone: string; time_zone: string | null; country?: string; first_name?: string }>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < leads.length; i += 1000) {
    const rows = await db('leads')
      .insert(leads.slice(i, i + 1000).map((l) => ({ list_id: listId, ...l })))
      .returning('id');
    ids.push(...rows.map((r: { id: string }) => r.id));
  }
  return ids;
}

export function campaignInput(listId: string, overrides: Partial<CampaignInput> = {}) {
  return campaignInputSchema.parse({
    name: 'Chiến dịch chăm sóc khách hàng',
    mode: 'progressive',
    purpose: 'customer_care',
    jurisdiction: 'none',
    lead_lists: [listId],
    caller_id: { default: '+842838220000' },
    abandon_message: 'sound:vi/dialer-identity-optout',
    window: { default: { start: '00:00', end: '24:00' } },
    ...overrides,
  });
}

/** Agents agent1..agentN on the simulator's phones, logged into a campaign. */
export async function loginAgents(world: DialerWorld, campaignId: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    if (i > 20)
      await world.sim.control.setEndpoint(`PJSIP/agent${i}`, { behaviour: 'answer', answerAfterMs: 1000 });
    await world.agents.login(
      { id: `agent${i}`, endpoint: `PJSIP/agent${i}` },
      [campaignId],
      world.clock.now(),
    );
  }
}
