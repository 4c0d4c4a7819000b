import { type AbandonComparison, measureAbandon } from '../../src/dialer/abandon.js';
import { predictivePacer } from '../../src/dialer/predictive.js';
import { addLeads, campaignInput, createList, loginAgents, startDialerWorld } from './harness.js';

/**
 * One predictive campaign run end to end: Postgres, Redis, the simulator on its virtual clock
 * with the bench's traffic (25% live, 15% answering machine, 10% busy, the rest ringing out at the
 * 20 s timeout; answers ring 4–20 s; talk 10–230 s, mean 120 s; 15 s wrap-up), the dialer runtime
 * with the predictive pacer. Returns the abandon rate from call_attempts beside the runtime's own
 * count (`diffPp` is what `npm run bench:dialer` reports as e2eAbandonDiffPp).
 */
export interface E2eOptions {
  agents?: number;
  /** Simulated minutes of dialing (60 for the bench). */
  minutes?: number;
  seed?: number;
  /** Virtual-clock step; the runtime reacts between steps. */
  stepMs?: number;
  onProgress?(minute: number): void;
}

export interface E2eResult extends AbandonComparison {
  agents: number;
  minutes: number;
  dials: number;
  refused: number;
  connected: number;
  wallSeconds: number;
}

export async function runDialerE2e(options: E2eOptions = {}): Promise<E2eResult> {
  const agents = options.agents ?? 10;
  const minutes = options.minutes ?? 60;
  const stepMs = options.stepMs ?? 200;
  const started = Date.now();
  // 10:00 in Chicago: inside the US legal window (the simulator's clock starts at 12:00 UTC).
  const world = await startDialerWorld({ offsetMs: 4 * 3_600_000 });
  try {
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile({
      answerProbability: 0.4,
      busyProbability: 0.1,
      noAnswerProbability: 0.5,
      invalidProbability: 0,
      machineProbability: 0.15 / 0.4,
      machineGreetingMs: 2500,
      ringMs: { min: 4000, max: 20_000 },
      talkMs: { min: 10_000, max: 230_000 },
      seed: options.seed ?? 1,
    });
    const list = await createList(db, 'E2E', 'US');
    // About 110 dials per agent-hour at full occupancy; leave headroom.
    const n = Math.ceil(agents * 160 * (minutes / 60)) + 50;
    await addLeads(
      db,
      list,
      Array.from({ length: n }, (_, i) => ({
        phone: `+1${3120000000 + i}`,
        time_zone: 'America/Chicago',
        country: 'US',
      })),
    );
    const campaign = await world.store.create(
      campaignInput(list, {
        mode: 'predictive',
        purpose: 'customer_care',
        jurisdiction: 'US',
        max_attempts: 1,
        wrap_up_seconds: 15,
        window: { default: { start: '00:00', end: '24:00' } },
      }),
      'e2e',
      new Date(world.clock.now()),
    );
    await loginAgents(world, campaign.id, agents);
    const runtime = await world.addRuntime('engine-e2e', { pacer: predictivePacer, tickMs: 250 });
    const from = new Date(world.clock.now());
    await world.store.transition(campaign.id, 'start', from);
    for (let m = 0; m < minutes; m++) {
      await world.advance(60_000, stepMs);
      options.onProgress?.(m + 1);
    }
    await world.store.transition(campaign.id, 'stop', new Date(world.clock.now()));
    // Let the calls in progress end (a stop hangs up only the ringing ones).
    for (let i = 0; i < 60 && runtime.activeCalls(campaign.id) > 0; i++) await world.advance(10_000, stepMs);
    const to = new Date(world.clock.now() + 1000);
    const cmp = await measureAbandon(db, campaign.id, from, to, runtime.counters(campaign.id));
    const counters = runtime.counters(campaign.id);
    return {
      ...cmp,
      agents,
      minutes,
      dials: counters.dialed,
      refused: counters.refused,
      connected: counters.connected,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await world.close();
  }
}
