/**
 * Conversations the way the ACD makes them (caller + agent leg in a mixing bridge, hooks called on
 * connect and end), an in-memory Conversations registry, and an API with keys for each role, for
 * the recording, supervisor and transfer tests.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { expect } from 'chai';
import type { Call } from '../../src/ari/index.js';
import { createApi, listen, type RouteModule } from '../../src/api/index.js';
import { ApiKeyStore } from '../../src/auth/store.js';
import type { Role } from '../../src/auth/roles.js';
import { loadConfig } from '../../src/config/index.js';
import type { Conversation, ConversationHooks, Conversations } from '../../src/acd/port.js';
import { createMetrics } from '../../src/metrics/index.js';
import { type AriHarness, eventually, startAriHarness } from '../helpers/ari.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

export class MemoryConversations implements Conversations {
  readonly map = new Map<string, Conversation>();
  byAgent(agent: string) {
    return [...this.map.values()].find((c) => c.agent === agent);
  }
  byId(id: string) {
    return this.map.get(id);
  }
  list() {
    return [...this.map.values()];
  }
}

export interface ConversationOptions {
  from?: string;
  to?: string;
  language?: string;
  queue?: string | null;
  /** Agent id and the phone their leg is originated to. */
  agent?: string;
  endpoint?: string;
}

export interface AcdHarness {
  h: AriHarness;
  conversations: MemoryConversations;
  /** TransferHost as the ACD implements it: after a hand-off, the agent leaving does not end the caller's stay. */
  host: { handOff(conversation: Conversation, until: Promise<void>): void };
  handOffs: Map<string, Promise<void>>;
  hooks: ConversationHooks[];
  /** Resolves once both legs are bridged and every connected hook has returned. */
  connect(options?: ConversationOptions): Promise<Conversation & { ended: Promise<void> }>;
  /** Waits for the next inbound caller (answered). */
  nextCaller(): Promise<Call>;
  expectNoLeaks(): Promise<void>;
  close(): Promise<void>;
}

/** What the ACD does for one conversation: bridge, hooks, and on either side's hang-up the rest. */
export async function startAcdHarness(): Promise<AcdHarness> {
  const h = await startAriHarness();
  const conversations = new MemoryConversations();
  const hooks: ConversationHooks[] = [];
  const handOffs = new Map<string, Promise<void>>();
  const host = {
    handOff: (c: Conversation, until: Promise<void>) => void handOffs.set(c.conversationId, until),
  };
  const waiting: Array<(c: Call) => void> = [];
  const arrived: Call[] = [];
  h.ari.onCall((call) => {
    const w = waiting.shift();
    if (w) w(call);
    else arrived.push(call);
  });
  const nextCaller = async () => {
    const call = arrived.shift() ?? (await new Promise<Call>((r) => waiting.push(r)));
    await call.answer();
    return call;
  };
  return {
    h,
    conversations,
    host,
    handOffs,
    hooks,
    nextCaller,
    async connect(o = {}) {
      const next = nextCaller();
      await h.sim.control.placeCall({
        from: o.from ?? '+84901234567',
        to: o.to ?? '+842838220000',
        language: o.language ?? 'vi',
      });
      const caller = await next;
      const agentLeg = await h.ari.originate({
        endpoint: o.endpoint ?? 'PJSIP/agent1',
        parentCallId: caller.callId,
        timeoutSeconds: 20,
      });
      const bridge = await h.ari.createBridge({ type: 'mixing', name: 'conversation' });
      await bridge.addChannel(caller);
      await bridge.addChannel(agentLeg);
      const controller = new AbortController();
      const conversation: Conversation = {
        conversationId: randomUUID(),
        caller,
        agentLeg,
        bridge,
        queue: o.queue === undefined ? 'sales' : o.queue,
        agent: o.agent ?? 'agent1',
        signal: controller.signal,
      };
      conversations.map.set(conversation.conversationId, conversation);
      const ended = (async () => {
        await Promise.race([caller.whenEnded(), agentLeg.whenEnded()]);
        controller.abort();
        conversations.map.delete(conversation.conversationId);
        const handedOff = handOffs.get(conversation.conversationId);
        // As the ACD: the agent's side ends; a caller handed to a transfer is left to it until it is done.
        await agentLeg.hangup();
        if (!handedOff) await caller.hangup();
        await bridge.destroy();
        for (const hook of hooks) await hook.ended?.(conversation);
        if (handedOff) {
          await handedOff;
          handOffs.delete(conversation.conversationId);
          await caller.hangup(); // the flow after the queue node: here it just ends
        }
      })();
      for (const hook of hooks) await hook.connected?.(conversation);
      return Object.assign(conversation, { ended });
    },
    async expectNoLeaks() {
      await eventually(() => h.ari.stats().calls === 0, 'calls released');
      await eventually(async () => (await h.sim.control.state()).channels.count === 0, 'no channels');
      await eventually(async () => (await h.sim.control.state()).bridges.count === 0, 'no bridges');
      const state = await h.sim.control.state();
      expect(state.liveRecordings.count, 'live recordings').to.equal(0);
      expect(conversations.map.size, 'conversations').to.equal(0);
      expect(handOffs.size, 'hand-offs').to.equal(0);
      await eventually(
        () => h.ari.stats().bridges === 0 && h.ari.stats().pendingWaits === 0,
        'handles released',
      );
    },
    close: () => h.close(),
  };
}

export interface ApiServer {
  db: TestDatabase;
  baseUrl: string;
  keys: Record<Role | 'agent2', string>;
  request(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  json<T = any>(path: string, init?: RequestInit & { key?: string }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** An API over its own database, with features' routes built from that database. */
export async function startApiServer(routes: (db: TestDatabase) => RouteModule[]): Promise<ApiServer> {
  const db = await createTestDatabase();
  const logger = (await import('../helpers/ari.js')).capturingLogger().logger;
  const config = loadConfig({ DATABASE_URL: db.url, NODE_ENV: 'test' });
  const api = createApi({
    config,
    logger,
    metrics: createMetrics(),
    db: db.knex,
    health: { checks: {} },
    routes: routes(db),
  });
  const server: http.Server = await listen(api.app, '127.0.0.1', 0);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = new ApiKeyStore(db.knex);
  const keys = {} as ApiServer['keys'];
  for (const [name, role] of [
    ['admin', 'admin'],
    ['boss', 'supervisor'],
    ['agent1', 'agent'],
    ['agent2', 'agent'],
    ['numbers', 'analyst'],
  ] as const) {
    const k = (await store.create({ name, role })).key;
    if (name === 'agent2') keys.agent2 = k;
    else keys[role] = k;
  }
  const request = (path: string, init: RequestInit & { key?: string } = {}) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key) headers.set('authorization', `Bearer ${key}`);
    if (typeof rest.body === 'string' && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(baseUrl + path, { ...rest, headers });
  };
  return {
    db,
    baseUrl,
    keys,
    request,
    async json(path, init) {
      const res = await request(path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.drop();
    },
  };
}

export { eventually };
export const randomId = randomUUID;
