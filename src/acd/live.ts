import type { Redis } from 'ioredis';
import type { AgentConfig, AgentState, QueueConfig } from './model.js';
import { queueSchema } from './model.js';
import { ClaimScript, RequeueScript, TakeCallerScript, TransitionScript } from './scripts.js';
import type { MemberView } from './strategies.js';

/**
 * The ACD's live state in Redis, shared by every engine of a site. Keys (under the site prefix):
 *
 * | key                      | type | holds                                                            |
 * | ------------------------ | ---- | ---------------------------------------------------------------- |
 * | acd:queues               | hash | queue id → queue config (JSON)                                   |
 * | acd:agent:{id}           | hash | state, since, reason, call, queue, engine, idleSince, skipUntil, |
 * |                          |      | endpoint, skills, weight, wrapup, pendingPause, pendingLogout    |
 * | acd:members:{queue}      | hash | agent → "penalty:order" (logged-in members)                      |
 * | acd:agentqueues:{agent}  | set  | queues the agent is logged in to                                 |
 * | acd:calls:{queue}        | hash | agent → calls answered from the queue (fewest-calls)             |
 * | acd:rr:{queue}           | str  | "agent:order" rung last (round-robin memory)                     |
 * | acd:waiting:{queue}      | zset | waiting caller ids, score (100 − priority)·1e13 + arrival ms     |
 * | acd:caller:{id}          | hash | queue, state (waiting/ringing/connected), engine, score, ...     |
 * | acd:events               | pub  | agent and queue state changes (JSON), for SSE and other engines  |
 */
export interface AgentLive {
  id: string;
  state: AgentState;
  since: number;
  reason: string;
  call: string;
  queue: string;
  engine: string;
  idleSince: number;
  skipUntil: number;
  endpoint: string;
  name: string;
  skills: Record<string, number>;
  weight: number;
  wrapupSeconds: number | null;
  pendingPause: string;
  pendingLogout: boolean;
  /** The caller's number on the agent's current (or last) call. */
  customer: string;
  queues: string[];
}

export interface CallerLive {
  id: string;
  queue: string;
  state: 'waiting' | 'ringing' | 'connected';
  engine: string;
  score: number;
  priority: number;
  enteredAt: number;
}

export interface TransitionResult {
  previous: AgentState;
  since: number;
  reason: string;
  queue: string;
  call: string;
}

export type LiveEvent =
  | {
      type: 'agent';
      agent: string;
      state: AgentState;
      previous: AgentState;
      reason: string | null;
      queue: string | null;
      call: string | null;
      at: string;
    }
  | { type: 'queue'; queue: string; event: string; call: string; waiting: number; at: string };

/** Score of a waiting caller: higher priority first, then arrival (fits a double exactly). */
export const waitingScore = (priority: number, enteredAtMs: number) =>
  (100 - Math.max(0, Math.min(100, priority))) * 1e13 + enteredAtMs;

const JoinScript = `
local max = tonumber(ARGV[2])
if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;

export class LiveState {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  key(...parts: string[]): string {
    return `${this.prefix}acd:${parts.join(':')}`;
  }
  get eventsChannel(): string {
    return this.key('events');
  }

  // Queues ------------------------------------------------------------------------------------

  async putQueue(queue: QueueConfig): Promise<void> {
    await this.redis.hset(this.key('queues'), queue.id, JSON.stringify(queue));
  }
  async deleteQueue(id: string): Promise<void> {
    await this.redis.hdel(this.key('queues'), id);
  }
  async queues(): Promise<Map<string, QueueConfig>> {
    const raw = await this.redis.hgetall(this.key('queues'));
    const out = new Map<string, QueueConfig>();
    for (const [id, json] of Object.entries(raw)) {
      const parsed = queueSchema.safeParse(JSON.parse(json));
      if (parsed.success) out.set(id, parsed.data);
    }
    return out;
  }

  // Agents ------------------------------------------------------------------------------------

  /** Profile fields only: an agent's live state is never touched by a profile change. */
  async putAgent(agent: AgentConfig): Promise<void> {
    await this.redis.hset(this.key('agent', agent.id), {
      name: agent.name,
      endpoint: agent.endpoint,
      skills: JSON.stringify(agent.skills),
      weight: String(agent.weight),
      wrapup: agent.wrapupSeconds === null ? '' : String(agent.wrapupSeconds),
    });
  }

  async agent(id: string): Promise<AgentLive | undefined> {
    const [[, h], [, queues]] = (await this.redis
      .multi()
      .hgetall(this.key('agent', id))
      .smembers(this.key('agentqueues', id))
      .exec()) as [[null, Record<string, string>], [null, string[]]];
    if (!h.endpoint) return undefined;
    return parseAgent(id, h, queues);
  }

  async agents(ids: readonly string[]): Promise<AgentLive[]> {
    if (!ids.length) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(this.key('agent', id)).smembers(this.key('agentqueues', id));
    const res = (await p.exec()) ?? [];
    const out: AgentLive[] = [];
    ids.forEach((id, i) => {
      const h = res[2 * i]?.[1] as Record<string, string> | undefined;
      if (h?.endpoint) out.push(parseAgent(id, h, (res[2 * i + 1]?.[1] as string[]) ?? []));
    });
    return out;
  }

  async login(agent: string, memberships: Array<{ queue: string; penalty: number }>): Promise<void> {
    const m = this.redis.multi();
    for (const { queue, penalty } of memberships) {
      const existing = await this.redis.hget(this.key('members', queue), agent);
      const order = existing
        ? existing.split(':')[1]
        : String(await this.redis.incr(this.key('memberseq', queue)));
      m.hset(this.key('members', queue), agent, `${penalty}:${order}`);
      m.sadd(this.key('agentqueues', agent), queue);
    }
    await m.exec();
  }

  async leave(agent: string, queues: readonly string[]): Promise<void> {
    if (!queues.length) return;
    const m = this.redis.multi();
    for (const q of queues) m.hdel(this.key('members', q), agent);
    m.srem(this.key('agentqueues', agent), ...queues);
    await m.exec();
  }

  async memberIds(queue: string): Promise<Map<string, { penalty: number; order: number }>> {
    const raw = await this.redis.hgetall(this.key('members', queue));
    const out = new Map<string, { penalty: number; order: number }>();
    for (const [agent, v] of Object.entries(raw)) {
      const [p, o] = v.split(':');
      out.set(agent, { penalty: Number(p) || 0, order: Number(o) || 0 });
    }
    return out;
  }

  /** Everything a strategy needs about a queue's members, in one round trip after the member list. */
  async memberViews(queue: string): Promise<{ views: MemberView[]; agents: AgentLive[] }> {
    const members = await this.memberIds(queue);
    const ids = [...members.keys()];
    if (!ids.length) return { views: [], agents: [] };
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(this.key('agent', id));
    p.hgetall(this.key('calls', queue));
    const res = (await p.exec()) ?? [];
    const calls = (res[ids.length]?.[1] as Record<string, string>) ?? {};
    const views: MemberView[] = [];
    const agents: AgentLive[] = [];
    ids.forEach((id, i) => {
      const h = res[i]?.[1] as Record<string, string> | undefined;
      if (!h?.endpoint) return;
      const a = parseAgent(id, h, []);
      const m = members.get(id)!;
      agents.push(a);
      views.push({
        agent: id,
        state: a.state,
        penalty: m.penalty,
        order: m.order,
        skills: a.skills,
        idleSince: a.idleSince,
        calls: Number(calls[id] ?? 0),
        weight: a.weight,
        skipUntil: a.skipUntil,
      });
    });
    return { views, agents };
  }

  async transition(
    agent: string,
    options: {
      expectCall?: string;
      from?: readonly AgentState[];
      to: AgentState;
      now: number;
      reason?: string;
      set?: Record<string, string | number>;
    },
  ): Promise<TransitionResult | undefined> {
    const fields = Object.entries(options.set ?? {}).flatMap(([k, v]) => [k, String(v)]);
    const r = (await this.redis.eval(
      TransitionScript,
      1,
      this.key('agent', agent),
      options.expectCall ?? '*',
      options.from ? options.from.join(',') : '*',
      options.to,
      String(options.now),
      options.reason ?? '',
      ...fields,
    )) as [string, string, string, string, string] | null;
    if (!r) return undefined;
    return {
      previous: r[0] as AgentState,
      since: Number(r[1]),
      reason: r[2],
      queue: r[3],
      call: r[4],
    };
  }

  async setAgentFields(agent: string, fields: Record<string, string | number>): Promise<void> {
    await this.redis.hset(this.key('agent', agent), fields);
  }

  async countCall(queue: string, agent: string): Promise<void> {
    await this.redis.hincrby(this.key('calls', queue), agent, 1);
  }

  async roundRobinMemory(queue: string): Promise<{ agent: string; order: number } | undefined> {
    const v = await this.redis.get(this.key('rr', queue));
    if (!v) return undefined;
    const i = v.lastIndexOf(':');
    return { agent: v.slice(0, i), order: Number(v.slice(i + 1)) };
  }

  // Callers -----------------------------------------------------------------------------------

  /** Adds a caller unless the queue is at `maxLength` (0: no limit). */
  async join(
    queue: string,
    callerId: string,
    score: number,
    maxLength: number,
    fields: Record<string, string>,
  ): Promise<boolean> {
    const flat = Object.entries({ ...fields, state: 'waiting', queue, score: String(score) }).flat();
    const r = await this.redis.eval(
      JoinScript,
      2,
      this.key('waiting', queue),
      this.key('caller', callerId),
      callerId,
      String(maxLength),
      String(score),
      ...flat,
    );
    return r === 1;
  }

  /** Re-creates a caller lost with Redis's data (a restart without persistence): same score, same place. */
  async ensureCaller(queue: string, callerId: string, score: number, fields: Record<string, string>) {
    const exists = await this.redis.exists(this.key('caller', callerId));
    if (exists) return false;
    await this.join(queue, callerId, score, 0, fields);
    return true;
  }

  async leaveQueue(queue: string, callerId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.key('waiting', queue), callerId)
      .del(this.key('caller', callerId))
      .exec();
  }

  async waiting(queue: string, limit: number): Promise<string[]> {
    return this.redis.zrange(this.key('waiting', queue), '0', String(limit - 1));
  }
  async waitingCount(queue: string): Promise<number> {
    return this.redis.zcard(this.key('waiting', queue));
  }
  async position(queue: string, callerId: string): Promise<number | undefined> {
    const r = await this.redis.zrank(this.key('waiting', queue), callerId);
    return r === null ? undefined : r + 1;
  }
  async callerState(callerId: string): Promise<string | null> {
    return this.redis.hget(this.key('caller', callerId), 'state');
  }

  async claim(
    queue: string,
    callerId: string,
    agents: readonly string[],
    options: { now: number; engine: string; all: boolean; maxRank: number },
  ): Promise<Array<{ agent: string; previousSince: number }>> {
    if (!agents.length) return [];
    const r = (await this.redis.eval(
      ClaimScript,
      3 + agents.length,
      this.key('waiting', queue),
      this.key('caller', callerId),
      this.key('members', queue),
      ...agents.map((a) => this.key('agent', a)),
      callerId,
      String(options.now),
      options.engine,
      options.all ? '1' : '0',
      String(options.maxRank),
      queue,
      ...agents,
    )) as string[];
    return r.map((x) => {
      const i = x.lastIndexOf('|');
      return { agent: x.slice(0, i), previousSince: Number(x.slice(i + 1)) };
    });
  }

  async requeue(queue: string, callerId: string): Promise<boolean> {
    const r = await this.redis.eval(
      RequeueScript,
      2,
      this.key('waiting', queue),
      this.key('caller', callerId),
      callerId,
      'ringing,connected',
    );
    return r === 1;
  }

  async takeCaller(callerId: string, agent: string): Promise<boolean> {
    return (await this.redis.eval(TakeCallerScript, 1, this.key('caller', callerId), agent)) === 1;
  }

  async publish(event: LiveEvent): Promise<void> {
    await this.redis.publish(this.eventsChannel, JSON.stringify(event));
  }
}

function parseAgent(id: string, h: Record<string, string>, queues: string[]): AgentLive {
  let skills: Record<string, number>;
  try {
    skills = JSON.parse(h.skills || '{}') as Record<string, number>;
  } catch {
    skills = {};
  }
  return {
    id,
    state: (h.state as AgentState) || 'logged_out',
    since: Number(h.since) || 0,
    reason: h.reason ?? '',
    call: h.call ?? '',
    queue: h.queue ?? '',
    engine: h.engine ?? '',
    idleSince: Number(h.idleSince) || 0,
    skipUntil: Number(h.skipUntil) || 0,
    endpoint: h.endpoint ?? '',
    name: h.name ?? id,
    skills,
    weight: Number(h.weight) || 1,
    wrapupSeconds: h.wrapup ? Number(h.wrapup) : null,
    pendingPause: h.pendingPause ?? '',
    pendingLogout: h.pendingLogout === '1',
    customer: h.customer ?? '',
    queues,
  };
}
