import { AriConnection } from '../../../src/ari/index.js';
import { createAcd, agentSchema, queueSchema, type QueueOutcome } from '../../../src/acd/index.js';
import { erlangA, exponential, seededRandom, simulateQueue } from '../../../src/acd/wfm/index.js';
import { startSimulator } from '../../../src/simulator/index.js';
import { Agenda, benchLogger, benchRedis, MemoryFacts, round } from './common.js';

export interface ServiceLevelOptions {
  agents: number;
  /** Offered load in Erlangs (arrival rate × AHT). */
  trafficErlangs: number;
  ahtSeconds: number;
  patienceSeconds: number;
  thresholdSeconds: number;
  /** Calls counted, after `warmupCalls` that are left out. */
  calls: number;
  warmupCalls: number;
  seed: number;
  /** Progress lines on stderr every this many calls (0: none). */
  progressEvery?: number;
}

type Action = { type: 'arrive' | 'patience' | 'talked'; i: number };

/**
 * Part 1 of bench:acd. The ACD runs on the simulator's virtual clock; this script plays the callers
 * and agents of the M/M/n+M model through the simulator: Poisson arrivals (placeCall), caller
 * patience (the caller hangs up if no agent has answered by then) and exponential talk (the caller
 * hangs up that long after the agent answered; wrap-up 0, agent phones answer after the simulated
 * 60 ms of dialling). Between two
 * of these moments virtual time stands still until the engine is quiet (no REST call or Redis
 * command in flight, no event moving), so the ACD's own reaction takes no virtual time, as in the
 * model. The queue's figures come from the ACD's queue_events facts.
 */
export async function runServiceLevel(o: ServiceLevelOptions) {
  const { logger, errors } = benchLogger();
  const sim = await startSimulator({ port: 0, clock: 'virtual' });
  const store = await benchRedis();
  const facts = new MemoryFacts();
  const ari = await AriConnection.connect({
    url: sim.url,
    user: 'tongdai',
    password: 'tongdai',
    app: 'tongdai',
    logger,
  });
  // Work in flight, for the quiet test.
  let restInFlight = 0;
  const rest = ari.rest as { call: (...a: never[]) => Promise<unknown> };
  const call = rest.call.bind(ari.rest);
  rest.call = (...a: never[]) => {
    restInFlight++;
    return call(...a).finally(() => restInFlight--);
  };
  let eventsSeen = 0;
  ari.on('event', () => eventsSeen++);
  const redisBusy = () =>
    (store.redis as unknown as { commandQueue?: { length: number } }).commandQueue?.length ?? 0;

  const acdModule = await createAcd({
    redis: store.redis,
    prefix: store.prefix,
    engine: 'bench',
    app: 'tongdai',
    facts,
    logger,
    clock: sim.clock,
    dispatchIntervalMs: 60_000,
  });
  const acd = acdModule.acd;
  acdModule.attach(ari);
  await acd.directory.putQueue(
    queueSchema.parse({
      id: 'support',
      strategy: 'longest-idle',
      ringTimeoutSeconds: 30,
      retrySeconds: 0,
      wrapupSeconds: 0,
      announceEverySeconds: 0,
      announcePosition: false,
      announceEstimate: false,
      serviceLevelSeconds: Math.max(1, Math.round(o.thresholdSeconds)),
    }),
  );
  for (let a = 1; a <= o.agents; a++) {
    await sim.control.setEndpoint(`PJSIP/bench-agent${a}`, {
      behaviour: 'answer',
      answerAfterMs: 0,
      hangupAfterMs: null,
    });
    await acd.directory.putAgent(
      agentSchema.parse({ id: `agent${a}`, name: `Agent ${a}`, endpoint: `PJSIP/bench-agent${a}` }),
    );
    await acd.agents.login(`agent${a}`, [{ queue: 'support', penalty: 0 }], 'bench');
  }

  // The same draws, in the same order, as simulateQueue with this seed: its run is this run's twin.
  const total = o.warmupCalls + o.calls;
  const arrivalRate = o.trafficErlangs / o.ahtSeconds;
  const random = seededRandom(o.seed);
  const gap: number[] = [];
  const patience: number[] = [];
  const talk: number[] = [];
  for (let i = 0; i < total; i++) {
    gap.push(exponential(random, 1 / arrivalRate) * 1000);
    patience.push(exponential(random, o.patienceSeconds) * 1000);
    talk.push(exponential(random, o.ahtSeconds) * 1000);
  }

  const channelOf: string[] = [];
  const indexOfChannel = new Map<string, number>();
  const indexOfCall = new Map<string, number>();
  const connected = new Set<number>();
  const outcomes = new Map<number, QueueOutcome['result'] | 'error'>();
  const agenda = new Agenda<Action>();
  facts.on((f) => {
    if (f.kind !== 'queue_event' || f.data.event !== 'connect') return;
    const i = indexOfCall.get(String(f.data.call_id));
    if (i === undefined) return;
    connected.add(i);
    agenda.push(sim.clock.now() + talk[i]!, { type: 'talked', i });
  });
  ari.onCall(async (c) => {
    const i = indexOfChannel.get(c.channelId);
    if (i === undefined) return void (await c.hangup().catch(() => undefined));
    indexOfCall.set(c.callId, i);
    try {
      const r = await acd.enter(c, {
        queue: 'support',
        priority: 0,
        language: 'vi',
        customerPhone: c.channel.caller?.number ?? null,
      });
      outcomes.set(i, r.result);
    } catch (err) {
      outcomes.set(i, 'error');
      logger.error('enter failed', { error: (err as Error).message });
    }
    if (!c.ended) await c.hangup().catch(() => undefined);
  });

  // The next moment the simulator (or the ACD, on the same clock) has something to do. The virtual
  // clock keeps its timers in a heap it does not expose; this reads it (see the report: a
  // `nextDueAt()` on VirtualClock would make this public).
  const heap = (sim.clock as unknown as { heap?: Array<{ at: number; live: boolean }> }).heap;
  const nextTimerAt = (): number | undefined => {
    if (!heap) return sim.clock.now() + 10; // unknown clock: step in 10 ms
    let next: number | undefined;
    for (const t of heap) if (t.live && (next === undefined || t.at < next)) next = t.at;
    return next;
  };
  let settles = 0;
  // Events in transit: the simulator counts what it sends, the connection what it receives; the
  // ACD's own pub/sub (agent and queue changes) likewise. A difference means something is still
  // on its way, whatever the other counters say.
  let published = 0;
  let heard = 0;
  const live = acd.live as unknown as { publish: (...a: never[]) => Promise<void> };
  const publish = live.publish.bind(acd.live);
  live.publish = (...a: never[]) => {
    published++;
    return publish(...a);
  };
  acd.events.on('event', () => heard++);
  let sentOffset = sim.core.eventCount - eventsSeen;
  let pubOffset = published - heard;
  let settleStalls = 0;
  const settle = async () => {
    settles++;
    let quiet = 0;
    let last = '';
    let stillSince = Date.now();
    while (quiet < 3) {
      await sim.clock.advance(0);
      await new Promise((r) => setImmediate(r));
      const busy = restInFlight + redisBusy();
      const inTransit = sim.core.eventCount - eventsSeen !== sentOffset || published - heard !== pubOffset;
      const s = `${sim.core.eventCount}|${eventsSeen}|${published}|${heard}|${facts.facts.length}|${sim.clock.pending()}|${busy}`;
      if (s !== last) {
        quiet = 0;
        last = s;
        stillSince = Date.now();
      } else if (busy === 0 && !inTransit) quiet++;
      else if (Date.now() - stillSince > 200) {
        // Nothing moved for 200 ms yet the counts disagree (an event dropped as malformed, say):
        // take the counts as they are and go on.
        settleStalls++;
        sentOffset = sim.core.eventCount - eventsSeen;
        pubOffset = published - heard;
      }
    }
  };
  const resolved = () => outcomes.size === arrived && arrived === total;

  const wallStart = Date.now();
  const t0 = sim.clock.now();
  agenda.push(t0 + gap[0]!, { type: 'arrive', i: 0 });
  let arrived = 0;
  for (;;) {
    await settle();
    const next = agenda.peek();
    const timer = nextTimerAt();
    if (!next && resolved()) break;
    if (!next || (timer !== undefined && timer < next.at)) {
      if (timer === undefined) break;
      await sim.clock.advance(timer - sim.clock.now());
      continue;
    }
    agenda.pop();
    const { i } = next.item;
    // Patience that runs out after the call was answered (or ended) changes nothing.
    if (next.item.type === 'patience' && (connected.has(i) || outcomes.has(i))) continue;
    const dt = next.at - sim.clock.now();
    if (dt > 0) await sim.clock.advance(dt);
    await settle();
    if (next.item.type === 'arrive') {
      const from =
        i % 2 ? `+8490${String(1_000_000 + i).slice(1)}` : `+98912${String(1_000_000 + i).slice(1)}`;
      const placed = await sim.control.placeCall({ from, to: '+842838220000' });
      channelOf[i] = placed.channelId;
      indexOfChannel.set(placed.channelId, i);
      arrived++;
      // The simulator keeps every REST request for tests that inspect them; not needed here.
      if (arrived % 500 === 0) await sim.control.clearRequests();
      if (i + 1 < total) agenda.push(next.at + gap[i + 1]!, { type: 'arrive', i: i + 1 });
      agenda.push(next.at + patience[i]!, { type: 'patience', i });
      if (o.progressEvery && arrived % o.progressEvery === 0)
        process.stderr.write(
          `bench:acd ${arrived}/${total} calls, ${((Date.now() - wallStart) / 1000).toFixed(0)} s` +
            ` (settles ${settles}, timers ${heap?.length ?? '?'}/${sim.clock.pending()}, sim channels ${sim.core.channels.size}, ari calls ${ari.stats().calls})\n`,
        );
    } else if (next.item.type === 'patience') {
      if (!connected.has(i) && !outcomes.has(i))
        await sim.control.remoteHangup(channelOf[i]!).catch(() => undefined);
    } else {
      await sim.control.remoteHangup(channelOf[i]!).catch(() => undefined);
    }
  }
  const wallSeconds = (Date.now() - wallStart) / 1000;
  const virtualSeconds = (sim.clock.now() - t0) / 1000;

  // The ACD's own record of each stay.
  const T = o.thresholdSeconds;
  const counted = (id: unknown) => (indexOfCall.get(String(id)) ?? -1) >= o.warmupCalls;
  const ev = facts.facts.filter((f) => f.kind === 'queue_event' && counted(f.data.call_id));
  const waitOf = (e: string) => ev.filter((f) => f.data.event === e).map((f) => Number(f.data.wait_seconds));
  const offered = ev.filter((f) => f.data.event === 'enter').length;
  const answeredWaits = waitOf('connect');
  const abandonWaits = waitOf('abandon');
  const within = answeredWaits.filter((w) => w <= T + 1e-9).length;
  const lost = offered - answeredWaits.length - abandonWaits.length;
  const waitByIndex = new Map<number, { answered: boolean; wait: number }>();
  for (const f of ev)
    if (f.data.event === 'connect' || f.data.event === 'abandon')
      waitByIndex.set(indexOfCall.get(String(f.data.call_id))!, {
        answered: f.data.event === 'connect',
        wait: Number(f.data.wait_seconds),
      });

  // Batch means over arrival order: the run's own standard error of the service level.
  const batches = 20;
  const byIndex = new Map<number, number>();
  for (const f of ev)
    if (f.data.event === 'connect' || f.data.event === 'abandon')
      byIndex.set(
        indexOfCall.get(String(f.data.call_id))!,
        f.data.event === 'connect' && Number(f.data.wait_seconds) <= T + 1e-9 ? 1 : 0,
      );
  const size = Math.floor(o.calls / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let k = 0; k < size; k++) s += byIndex.get(o.warmupCalls + b * size + k) ?? 0;
    means.push(s / size);
  }
  const mean = means.reduce((s, x) => s + x, 0) / batches;
  const stdErr = Math.sqrt(means.reduce((s, x) => s + (x - mean) ** 2, 0) / (batches - 1) / batches);

  // The same callers through an ideal FCFS queue (what simulateQueue does), call by call.
  const freeAt = new Array<number>(o.agents).fill(0);
  let clock = 0;
  let mismatches = 0;
  for (let i = 0; i < total; i++) {
    clock += gap[i]!;
    let k = 0;
    for (let j = 1; j < freeAt.length; j++) if (freeAt[j]! < freeAt[k]!) k = j;
    const wait = Math.max(0, freeAt[k]! - clock);
    const answered = wait <= patience[i]!;
    if (answered) freeAt[k] = clock + wait + talk[i]!;
    if (i < o.warmupCalls) continue;
    const got = waitByIndex.get(i);
    if (
      !got ||
      got.answered !== answered ||
      Math.abs(got.wait - (answered ? wait : patience[i]!) / 1000) > 0.5
    )
      mismatches++;
  }

  const model = {
    arrivalRate,
    ahtSeconds: o.ahtSeconds,
    agents: o.agents,
    patienceSeconds: o.patienceSeconds,
    thresholdSeconds: T,
  };
  const predicted = erlangA(model);
  const twin = simulateQueue({ ...model, calls: o.calls, warmupCalls: o.warmupCalls, seed: o.seed });
  const state = await sim.control.state();
  const stats = ari.stats();

  await acdModule.close();
  await ari.close();
  await sim.close();
  await store.close();

  const slMeasured = offered ? within / offered : 0;
  const debug = process.env.BENCH_DEBUG
    ? {
        indexOfCall: [...indexOfCall.entries()],
        events: facts.facts.map((f) => ({ kind: f.kind, at: f.at, data: f.data })),
        gap,
        patience,
        talk,
      }
    : undefined;
  return {
    debug,
    agents: o.agents,
    trafficErlangs: o.trafficErlangs,
    ahtSeconds: o.ahtSeconds,
    patienceSeconds: o.patienceSeconds,
    thresholdSeconds: T,
    offered,
    answered: answeredWaits.length,
    abandoned: abandonWaits.length,
    lost,
    slBasis: 'offered' as const,
    slMeasured: round(slMeasured),
    slErlangA: round(predicted.slOffered),
    slDiffPp: round((slMeasured - predicted.slOffered) * 100, 2),
    slStdErrPp: round(stdErr * 100, 2),
    slSameInputsSimulation: round(twin.slOffered),
    /** Calls whose outcome or wait (±0.5 s) differs from the same caller in the ideal FCFS queue. */
    callsDifferingFromIdealQueue: mismatches,
    slAnsweredMeasured: round(answeredWaits.length ? within / answeredWaits.length : 0),
    slAnsweredErlangA: round(predicted.slAnswered),
    abandonMeasured: round(offered ? abandonWaits.length / offered : 0),
    abandonErlangA: round(predicted.pAbandon),
    asaMeasuredSeconds: round(
      answeredWaits.reduce((s, w) => s + w, 0) / Math.max(1, answeredWaits.length),
      2,
    ),
    asaErlangASeconds: round(predicted.asaSeconds, 2),
    virtualHours: round(virtualSeconds / 3600, 2),
    wallSeconds: round(wallSeconds, 1),
    settles,
    settleStalls,
    leftOver: { channels: state.channels.count, bridges: state.bridges.count, calls: stats.calls },
    errors: errors.length + outcomes.size - [...outcomes.values()].filter((r) => r !== 'error').length,
    errorSample: errors.slice(0, 3),
  };
}
