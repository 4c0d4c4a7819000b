import { Redis } from 'ioredis';
import type { AriConnection } from '../../src/ari/index.js';
import { Acd, type AcdOptions } from '../../src/acd/acd.js';
import { agentSchema, queueSchema, type AgentInput, type QueueInput } from '../../src/acd/model.js';
import type { QueueOutcome, QueueRequest } from '../../src/acd/port.js';
import type { AcdStore } from '../../src/acd/store.js';
import type { Fact, FactSink } from '../../src/facts/fact.js';
import { type AriHarness, eventually, startAriHarness } from '../helpers/ari.js';
import { createTestRedis, TestRedisUrl, type TestRedis } from '../helpers/redis.js';

/** Facts as the pipeline would get them, kept in memory for assertions. */
export class MemorySink implements FactSink {
  readonly facts: Fact[] = [];
  emit(fact: Fact): void {
    this.facts.push(fact);
  }
  queue(event?: string, callId?: string): Array<Record<string, unknown> & { at: string; id: string }> {
    return this.facts
      .filter((f) => f.kind === 'queue_event')
      .map((f) => ({ ...f.data, at: f.at, id: f.id }) as Record<string, unknown> & { at: string; id: string })
      .filter((d) => (!event || d.event === event) && (!callId || d.call_id === callId));
  }
  agentStates(agent: string): string[] {
    return this.facts
      .filter((f) => f.kind === 'agent_event' && f.data.agent === agent)
      .map((f) => String(f.data.state));
  }
}

export interface AcdHarness {
  h: AriHarness;
  redis: TestRedis;
  /** The engine's client, set like the engine's (no offline queue, one retry). */
  client: Redis;
  acd: Acd;
  sink: MemorySink;
  outcomes: Map<string, QueueOutcome>;
  /** What the next inbound call asks for (queue, priority, skills). */
  request: Partial<QueueRequest> & { queue: string };
  queue(input: QueueInput): Promise<void>;
  agent(
    input: Omit<AgentInput, 'name'> & { name?: string },
    login?: Array<{ queue: string; penalty?: number }>,
  ): Promise<void>;
  /** Places a caller; resolves with its channel id once the ACD has it waiting. */
  call(options?: { from?: string; request?: Partial<QueueRequest> }): Promise<string>;
  outcome(channelId: string): Promise<QueueOutcome>;
  state(agent: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function engineRedis(url = TestRedisUrl): Redis {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  r.on('error', () => undefined);
  return r;
}

export async function startAcdHarness(
  options: {
    store?: AcdStore;
    redisUrl?: string;
    acd?: Partial<AcdOptions>;
    ari?: AriConnection;
    h?: AriHarness;
  } = {},
): Promise<AcdHarness> {
  const h = options.h ?? (await startAriHarness());
  const ari = options.ari ?? h.ari;
  const redis = await createTestRedis();
  const client = engineRedis(options.redisUrl);
  await client.connect();
  const sink = new MemorySink();
  const acd = new Acd({
    redis: client,
    prefix: redis.prefix,
    engine: 'test-engine',
    app: 'tongdai',
    facts: sink,
    logger: h.ari.logger,
    dispatchIntervalMs: 50,
    ...(options.store ? { store: options.store } : {}),
    ...options.acd,
  });
  await acd.start();
  acd.attach(ari);
  const outcomes = new Map<string, QueueOutcome>();
  const pending = new Map<string, Partial<QueueRequest>>();
  const harness: AcdHarness = {
    h,
    redis,
    client,
    acd,
    sink,
    outcomes,
    request: { queue: 'sales' },
    async queue(input) {
      await acd.directory.putQueue(queueSchema.parse(input));
    },
    async agent(input, login) {
      await acd.directory.putAgent(agentSchema.parse({ name: input.id, ...input }));
      if (login)
        await acd.agents.login(
          input.id,
          login.map((l) => ({ queue: l.queue, penalty: l.penalty ?? 0 })),
          'test',
        );
    },
    async call(o = {}) {
      const { channelId } = await h.sim.control.placeCall({ from: o.from ?? '+84912345678', to: '19001234' });
      pending.set(channelId, o.request ?? {});
      await eventually(
        async () =>
          (await acd.live.callerState(await callIdOf(channelId))) !== null || outcomes.has(channelId),
        'caller queued',
      );
      return channelId;
    },
    async outcome(channelId) {
      return (await eventually(() => outcomes.get(channelId), `outcome of ${channelId}`, 30_000))!;
    },
    async state(agent) {
      return (await acd.live.agent(agent))?.state;
    },
    async close() {
      await acd.stop();
      client.disconnect();
      await redis.cleanup();
      if (!options.h) await h.close();
    },
  };
  const callIds = new Map<string, string>();
  const callIdOf = async (channelId: string) => (await eventually(() => callIds.get(channelId), 'call id'))!;
  ari.onCall(async (call) => {
    callIds.set(call.channelId, call.callId);
    const extra =
      pending.get(call.channelId) ?? (await eventually(() => pending.get(call.channelId), 'request'));
    const request: QueueRequest = { priority: 0, language: 'vi', ...harness.request, ...extra };
    try {
      outcomes.set(call.channelId, await acd.enter(call, request));
    } catch (err) {
      call.log.error('enter failed', { error: (err as Error).message });
      outcomes.set(call.channelId, { result: 'hangup' });
    }
  });
  return harness;
}

export { eventually };
