import { spawn } from 'node:child_process';
import net from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { AriConnection } from '../../../src/ari/index.js';
import { agentSchema, createAcd, queueSchema } from '../../../src/acd/index.js';
import { SimControlClient } from '../../../src/simulator/control-client.js';
import { benchLogger, benchRedis, MemoryFacts, percentile, round } from './common.js';

export interface RoutingOptions {
  /** Callers kept waiting in the one engine while agents free up. */
  waiting: number;
  agents: number;
  /** Each conversation lasts this long (the agent hangs up), so agents free up all the time. */
  talkMs: number;
  /** Routing decisions measured. */
  samples: number;
  timeoutMs: number;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Part 2 of bench:acd, on the wall clock with the simulator in its own process (its CPU is not the
 * engine's): `waiting` callers queue in one engine, then agents log in and take calls that last
 * `talkMs`. Every new connection brings a new caller, so the line stays `waiting` long. The routing
 * decision is timed from the agent_events fact that makes an agent available (after wrap-up) to the
 * queue_events `ring` fact for that agent: reading the queue and agents from Redis, choosing by the
 * strategy, claiming the agent and the caller atomically.
 */
export async function runRouting(o: RoutingOptions) {
  const { logger, errors } = benchLogger();
  const port = await freePort();
  const simProcess = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    env: { ...process.env, SIM_PORT: String(port), ARI_USER: 'bench', ARI_PASSWORD: 'bench-pw' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const control = new SimControlClient(url, 'bench', 'bench-pw');
  for (let i = 0; ; i++) {
    try {
      await control.state();
      break;
    } catch {
      if (i > 400) throw new Error('simulator did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const store = await benchRedis();
  const facts = new MemoryFacts();
  const ari = await AriConnection.connect({
    url,
    user: 'bench',
    password: 'bench-pw',
    app: 'tongdai',
    logger,
  });
  const mod = await createAcd({
    redis: store.redis,
    prefix: store.prefix,
    engine: 'bench',
    app: 'tongdai',
    facts,
    logger,
  });
  const acd = mod.acd;
  mod.attach(ari);
  // Where a decision's time goes: the Redis reads and the claim it makes, timed from outside.
  const timings: Record<'memberViews' | 'waiting' | 'claim', number[]> = {
    memberViews: [],
    waiting: [],
    claim: [],
  };
  let fetchedIds = 0;
  let fetches = 0;
  const live = acd.live as unknown as Record<string, (...a: never[]) => Promise<unknown>>;
  for (const name of ['memberViews', 'waiting', 'claim'] as const) {
    const original = live[name]!.bind(acd.live);
    live[name] = async (...a: never[]) => {
      const t = performance.now();
      const r = await original(...a);
      timings[name].push(performance.now() - t);
      if (name === 'waiting') {
        fetches++;
        fetchedIds += (r as string[]).length;
      }
      return r;
    };
  }
  await acd.directory.putQueue(
    queueSchema.parse({
      id: 'sales',
      strategy: 'longest-idle',
      retrySeconds: 0,
      wrapupSeconds: 0,
      announceEverySeconds: 0,
      announcePosition: false,
      announceEstimate: false,
    }),
  );
  for (let a = 1; a <= o.agents; a++) {
    await control.setEndpoint(`PJSIP/rt-agent${a}`, {
      behaviour: 'answer',
      answerAfterMs: 0,
      hangupAfterMs: o.talkMs,
    });
    await acd.directory.putAgent(
      agentSchema.parse({ id: `rt${a}`, name: `Agent ${a}`, endpoint: `PJSIP/rt-agent${a}` }),
    );
  }

  let entered = 0;
  let placed = 0;
  let failedCalls = 0;
  ari.onCall(async (call) => {
    entered++;
    try {
      await acd.enter(call, {
        queue: 'sales',
        priority: 0,
        language: 'fa',
        customerPhone: call.channel.caller?.number ?? null,
      });
    } catch (err) {
      failedCalls++;
      logger.error('enter failed', { error: (err as Error).message });
    }
    if (!call.ended) await call.hangup().catch(() => undefined);
  });
  let stopping = false;
  const place = async () => {
    if (stopping) return;
    const n = placed++;
    const from =
      n % 2
        ? `+98912${String(1_000_000 + (n % 999_999)).slice(1)}`
        : `+8491${String(1_000_000 + (n % 999_999)).slice(1)}`;
    await control.placeCall({ from, to: '+842838220000' }).catch(() => failedCalls++);
  };
  for (let i = 0; i < o.waiting; i += 100)
    await Promise.all(Array.from({ length: Math.min(100, o.waiting - i) }, place));
  const until = Date.now() + o.timeoutMs;
  while (acd.waiting < o.waiting && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const queued = acd.waiting;

  const availableAt = new Map<string, number>();
  const samples: number[] = [];
  const waitingAtDecision: number[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  facts.on((f, wallMs) => {
    if (f.kind === 'agent_event' && f.data.state === 'available')
      availableAt.set(String(f.data.agent), wallMs);
    if (f.kind !== 'queue_event') return;
    if (f.data.event === 'ring') {
      const agent = String(f.data.agent);
      const from = availableAt.get(agent);
      availableAt.delete(agent);
      if (from === undefined) return;
      samples.push(wallMs - from);
      waitingAtDecision.push(acd.waiting);
      if (samples.length >= o.samples) done();
    } else if (f.data.event === 'connect') void place(); // keep the line as long
  });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  for (let a = 1; a <= o.agents; a++)
    await acd.agents.login(`rt${a}`, [{ queue: 'sales', penalty: 0 }], 'bench');
  await Promise.race([finished, new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())))]);
  lag.disable();
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);

  stopping = true;
  for (let a = 1; a <= o.agents; a++)
    await acd.agents.logout(`rt${a}`, undefined, 'bench').catch(() => undefined);
  await mod.close();
  await ari.close();
  simProcess.kill('SIGTERM');
  await store.close();

  return {
    waiting: Math.min(queued, ...(waitingAtDecision.length ? waitingAtDecision : [queued])),
    waitingTarget: o.waiting,
    agents: o.agents,
    routingSamples: samples.length,
    routingP50Ms: round(percentile(samples, 50), 3),
    routingP99Ms: round(percentile(samples, 99), 3),
    routingMaxMs: round(samples.length ? Math.max(...samples) : 0, 3),
    decisionsPerSecond: round(samples.length / seconds, 1),
    eventLoopP99Ms: round(lag.percentile(99) / 1e6, 2),
    /** CPU the engine process used over the measurement, % of one core: low under a busy machine. */
    engineCpuPct: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100, 1),
    redisMs: Object.fromEntries(
      Object.entries(timings).map(([k, xs]) => [
        k,
        { p50: round(percentile(xs, 50), 3), p99: round(percentile(xs, 99), 3) },
      ]),
    ),
    /** Caller ids each dispatch round reads from the waiting line (the ACD reads all its own). */
    idsReadPerRound: fetches ? Math.round(fetchedIds / fetches) : 0,
    callersEntered: entered,
    errors: errors.length + failedCalls,
    errorSample: errors.slice(0, 3),
  };
}
