import type { Redis } from 'ioredis';

/**
 * Where the dialer finds agents. Kept behind this interface so the ACD's agent states can take over
 * when they land; `RedisDialerAgents` is the dialer's own: per campaign a sorted set of ready agents
 * scored by when they became idle (longest idle = lowest score), wrap-up as a sorted set of
 * "ready again at" times, and the claim as one Lua script so two engines never take one agent.
 */
export interface DialerAgent {
  id: string;
  /** Dial string of the agent's phone, e.g. PJSIP/agent7. */
  endpoint: string;
}

export interface AgentCounts {
  ready: number;
  /** In wrap-up, ready again within the next `soonMs`. */
  soonFree: number;
  busy: number;
}

export interface AgentsSnapshot {
  loggedIn: number;
  ready: number;
  /** Per agent in wrap-up: ms until ready. */
  wrapUpRemainingMs: number[];
  /** Per agent on a call: ms since claimed. */
  busyElapsedMs: number[];
}

export interface DialerAgents {
  /** Per-agent times for the predictive pacer. */
  snapshot(campaignId: string, now: number): Promise<AgentsSnapshot>;
  login(agent: DialerAgent, campaigns: string[], now: number): Promise<void>;
  logout(agentId: string): Promise<void>;
  counts(campaignId: string, now: number, soonMs?: number): Promise<AgentCounts>;
  /** Takes the longest-idle ready agent of the campaign; undefined when none is ready. */
  claim(campaignId: string, now: number): Promise<DialerAgent | undefined>;
  /** Takes this agent if ready (call-backs promised to one agent, preview). */
  claimAgent(agentId: string, now: number): Promise<DialerAgent | undefined>;
  /** The agent's call ended: wrap-up until `now + wrapUpMs`, then ready again. */
  release(agentId: string, now: number, wrapUpMs: number): Promise<void>;
  /** Ready at once (disposition sent before the wrap-up time ran out). */
  ready(agentId: string, now: number): Promise<void>;
  state(agentId: string): Promise<{ state: string; campaigns: string[]; endpoint: string } | undefined>;
}

// Moves due wrap-ups back to their campaigns' ready sets. KEYS: none (built from the prefix, one
// Redis only). ARGV: prefix, now.
const Promote = `
local p = ARGV[1]
local now = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', p .. 'wrapup', '-inf', now)
for _, id in ipairs(due) do
  redis.call('ZREM', p .. 'wrapup', id)
  local a = p .. 'agent:' .. id
  if redis.call('HGET', a, 'state') == 'wrapup' then
    redis.call('HSET', a, 'state', 'ready')
    local score = redis.call('ZSCORE', p .. 'wrapup_until', id) or now
    for c in string.gmatch(redis.call('HGET', a, 'campaigns') or '', '[^,]+') do
      redis.call('ZADD', p .. 'ready:' .. c, score, id)
    end
  end
  redis.call('ZREM', p .. 'wrapup_until', id)
end
`;

const Claim = `${Promote}
local id = ARGV[3]
if id == '' then
  local first = redis.call('ZRANGE', p .. 'ready:' .. ARGV[4], 0, 0)
  if #first == 0 then return nil end
  id = first[1]
end
local a = p .. 'agent:' .. id
if redis.call('HGET', a, 'state') ~= 'ready' then return nil end
redis.call('HSET', a, 'state', 'busy', 'since', now)
for c in string.gmatch(redis.call('HGET', a, 'campaigns') or '', '[^,]+') do
  redis.call('ZREM', p .. 'ready:' .. c, id)
end
return {id, redis.call('HGET', a, 'endpoint')}
`;

const Snapshot = `${Promote}
local c = ARGV[3]
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', p .. 'members:' .. c)) do
  local a = p .. 'agent:' .. id
  local s = redis.call('HGET', a, 'state')
  if s == 'wrapup' then
    table.insert(out, 'w')
    table.insert(out, tostring(tonumber(redis.call('ZSCORE', p .. 'wrapup', id) or now) - now))
  elseif s == 'busy' then
    table.insert(out, 'b')
    table.insert(out, tostring(now - tonumber(redis.call('HGET', a, 'since') or now)))
  elseif s == 'ready' then
    table.insert(out, 'r')
    table.insert(out, '0')
  end
end
return out
`;

const Counts = `${Promote}
local c = ARGV[3]
local ready = redis.call('ZCARD', p .. 'ready:' .. c)
local soon = 0
local busy = 0
for _, id in ipairs(redis.call('SMEMBERS', p .. 'members:' .. c)) do
  local s = redis.call('HGET', p .. 'agent:' .. id, 'state')
  if s == 'busy' then busy = busy + 1 end
  if s == 'wrapup' then
    local at = tonumber(redis.call('ZSCORE', p .. 'wrapup', id) or '0')
    if at <= now + tonumber(ARGV[4]) then soon = soon + 1 else busy = busy + 1 end
  end
end
return {ready, soon, busy}
`;

export class RedisDialerAgents implements DialerAgents {
  private readonly p: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.p = `${prefix}dialer:`;
  }

  async login(agent: DialerAgent, campaigns: string[], now: number): Promise<void> {
    await this.logout(agent.id);
    const m = this.redis.multi();
    m.hset(`${this.p}agent:${agent.id}`, {
      endpoint: agent.endpoint,
      campaigns: campaigns.join(','),
      state: 'ready',
    });
    for (const c of campaigns) {
      m.zadd(`${this.p}ready:${c}`, now, agent.id);
      m.sadd(`${this.p}members:${c}`, agent.id);
    }
    await m.exec();
  }

  async logout(agentId: string): Promise<void> {
    const campaigns = ((await this.redis.hget(`${this.p}agent:${agentId}`, 'campaigns')) ?? '')
      .split(',')
      .filter(Boolean);
    const m = this.redis.multi();
    for (const c of campaigns) {
      m.zrem(`${this.p}ready:${c}`, agentId);
      m.srem(`${this.p}members:${c}`, agentId);
    }
    m.zrem(`${this.p}wrapup`, agentId);
    m.del(`${this.p}agent:${agentId}`);
    await m.exec();
  }

  async counts(campaignId: string, now: number, soonMs = 5000): Promise<AgentCounts> {
    const [ready, soonFree, busy] = (await this.redis.eval(
      Counts,
      0,
      this.p,
      now,
      campaignId,
      soonMs,
    )) as number[];
    return { ready: ready!, soonFree: soonFree!, busy: busy! };
  }

  async snapshot(campaignId: string, now: number): Promise<AgentsSnapshot> {
    const flat = (await this.redis.eval(Snapshot, 0, this.p, now, campaignId)) as string[];
    const snap: AgentsSnapshot = { loggedIn: 0, ready: 0, wrapUpRemainingMs: [], busyElapsedMs: [] };
    for (let i = 0; i < flat.length; i += 2) {
      snap.loggedIn++;
      const ms = Math.max(0, Number(flat[i + 1]));
      if (flat[i] === 'r') snap.ready++;
      else if (flat[i] === 'w') snap.wrapUpRemainingMs.push(ms);
      else snap.busyElapsedMs.push(ms);
    }
    return snap;
  }

  async claim(campaignId: string, now: number): Promise<DialerAgent | undefined> {
    const r = (await this.redis.eval(Claim, 0, this.p, now, '', campaignId)) as [string, string] | null;
    return r ? { id: r[0], endpoint: r[1] } : undefined;
  }

  async claimAgent(agentId: string, now: number): Promise<DialerAgent | undefined> {
    const r = (await this.redis.eval(Claim, 0, this.p, now, agentId, '')) as [string, string] | null;
    return r ? { id: r[0], endpoint: r[1] } : undefined;
  }

  async release(agentId: string, now: number, wrapUpMs: number): Promise<void> {
    const key = `${this.p}agent:${agentId}`;
    if ((await this.redis.hget(key, 'state')) === null) return; // logged out meanwhile
    if (wrapUpMs <= 0) return this.ready(agentId, now);
    await this.redis
      .multi()
      .hset(key, 'state', 'wrapup')
      .zadd(`${this.p}wrapup`, now + wrapUpMs, agentId)
      .zadd(`${this.p}wrapup_until`, now + wrapUpMs, agentId)
      .exec();
  }

  async ready(agentId: string, now: number): Promise<void> {
    const key = `${this.p}agent:${agentId}`;
    if ((await this.redis.hget(key, 'state')) === null) return;
    // Due now: the promote step puts it back with its idle-since time = now.
    await this.redis
      .multi()
      .hset(key, 'state', 'wrapup')
      .zadd(`${this.p}wrapup`, now, agentId)
      .zadd(`${this.p}wrapup_until`, now, agentId)
      .exec();
    await this.redis.eval(Promote, 0, this.p, now);
  }

  async state(
    agentId: string,
  ): Promise<{ state: string; campaigns: string[]; endpoint: string } | undefined> {
    const h = await this.redis.hgetall(`${this.p}agent:${agentId}`);
    if (!h.state) return undefined;
    return {
      state: h.state,
      campaigns: (h.campaigns ?? '').split(',').filter(Boolean),
      endpoint: h.endpoint ?? '',
    };
  }
}
