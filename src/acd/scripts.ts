/**
 * Lua run inside Redis so that each step of the ACD's shared state is atomic across engines: an
 * agent is claimed for exactly one caller, a state change happens only from the state the caller of
 * the script saw. Keys are passed as KEYS (never built in Lua) so the scripts stay cluster-safe per key.
 */

/**
 * Claims agents for a waiting caller.
 * KEYS[1] waiting zset, KEYS[2] caller hash, KEYS[3] queue members hash, KEYS[4..] agent hashes.
 * ARGV: callerId, now, engine, all ('1' ring-all: claim every free one), maxRank (-1: no fairness
 * check), queue, then the agent ids in KEYS[4..] order.
 * Returns "agent|since of its previous state" per claimed agent; the caller leaves the waiting set (state ringing) when any is claimed.
 */
export const ClaimScript = `
local callerId, now, engine, all, maxRank, queue = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1', tonumber(ARGV[5]), ARGV[6]
if redis.call('HGET', KEYS[2], 'state') ~= 'waiting' then return {} end
local rank = redis.call('ZRANK', KEYS[1], callerId)
if not rank then return {} end
if maxRank >= 0 and rank > maxRank then return {} end
local claimed = {}
for i = 4, #KEYS do
  local agent = ARGV[3 + i]
  local a = redis.call('HMGET', KEYS[i], 'state', 'skipUntil')
  if a[1] == 'available' and tonumber(a[2] or '0') <= tonumber(now) and redis.call('HEXISTS', KEYS[3], agent) == 1 then
    local prev = redis.call('HGET', KEYS[i], 'since') or now
    redis.call('HSET', KEYS[i], 'state', 'ringing', 'call', callerId, 'queue', queue, 'engine', engine, 'since', now, 'reason', '')
    claimed[#claimed + 1] = agent .. '|' .. prev
    if not all then break end
  end
end
if #claimed > 0 then
  redis.call('ZREM', KEYS[1], callerId)
  redis.call('HSET', KEYS[2], 'state', 'ringing')
end
return claimed
`;

/**
 * Compare-and-set of an agent's state. KEYS[1] agent hash.
 * ARGV: expectCall ('*' any, '' none, else the caller id the agent must hold), allowedFrom
 * (comma-separated states or '*'), newState, now, reason, then field/value pairs to set.
 * Returns {previous state, since, reason, queue, call} or nil when refused.
 */
export const TransitionScript = `
local cur = redis.call('HMGET', KEYS[1], 'state', 'since', 'reason', 'queue', 'call')
local state = cur[1] or 'logged_out'
if ARGV[1] ~= '*' and (cur[5] or '') ~= ARGV[1] then return nil end
if ARGV[2] ~= '*' then
  local ok = false
  for s in string.gmatch(ARGV[2], '[^,]+') do if s == state then ok = true end end
  if not ok then return nil end
end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'since', ARGV[4], 'reason', ARGV[5])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return {state, cur[2] or ARGV[4], cur[3] or '', cur[4] or '', cur[5] or ''}
`;

/**
 * Puts a caller back in the waiting set with its original score (keeps its place), unless it has
 * left meanwhile. KEYS[1] waiting zset, KEYS[2] caller hash. ARGV: callerId, fromState (comma list).
 */
export const RequeueScript = `
local state = redis.call('HGET', KEYS[2], 'state')
if not state then return 0 end
local ok = false
for s in string.gmatch(ARGV[2], '[^,]+') do if s == state then ok = true end end
if not ok then return 0 end
local score = redis.call('HGET', KEYS[2], 'score')
redis.call('HSET', KEYS[2], 'state', 'waiting')
redis.call('ZADD', KEYS[1], score, ARGV[1])
return 1
`;

/**
 * An answered agent takes the caller: ringing → connected only if the caller is still ringing for
 * this agent. KEYS[1] caller hash. ARGV: agent.
 */
export const TakeCallerScript = `
if redis.call('HGET', KEYS[1], 'state') ~= 'ringing' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'connected', 'agent', ARGV[1])
return 1
`;
