import type { AgentState, Strategy } from './model.js';

/**
 * Routing strategies, pure: given a queue's members (state, stats, skills, penalty) and one caller's
 * needs, the agents to ring in order. The dispatcher claims the first it can (or, for ring-all, every
 * agent returned) atomically in Redis; this module never sees Redis, ARI or a clock but `now`.
 */
export interface MemberView {
  agent: string;
  state: AgentState;
  /** Lower rings first; a higher penalty is only rung when nobody with a lower one is free (app_queue). */
  penalty: number;
  skills: Readonly<Record<string, number>>;
  /** When the agent last became free (end of wrap-up, or log-in): longest-idle rings the oldest. */
  idleSince: number;
  /** Calls this agent answered from this queue (fewest-calls). */
  calls: number;
  weight: number;
  /** Position in the queue's member list (linear; round-robin's circle). */
  order: number;
  /** An unreachable phone is left alone until then (ms). */
  skipUntil?: number;
}

export interface CallerNeeds {
  /** Required skill → minimum level (skills-based). */
  skills?: Readonly<Record<string, number>>;
  waitedMs: number;
  /** Agents already tried this round (rang out or unreachable). */
  tried?: ReadonlySet<string>;
}

export interface StrategyContext {
  strategy: Strategy;
  now: number;
  /** Round-robin memory: the agent rung last in this queue. */
  lastAgent?: string | null;
  /** Round-robin: the list position of the agent rung last (kept with the memory). */
  lastOrder?: number;
  /** Skills-based widening: one level less per this many seconds waited. */
  widenEverySeconds?: number;
  random?: () => number;
}

/** Skills a caller still needs after `waitedMs`: each level drops by one per period; below 1 the skill is no longer required. */
export function widenedSkills(
  skills: Readonly<Record<string, number>> | undefined,
  waitedMs: number,
  widenEverySeconds: number,
): Record<string, number> {
  const drop = Math.floor(waitedMs / 1000 / Math.max(1, widenEverySeconds));
  const out: Record<string, number> = {};
  for (const [skill, level] of Object.entries(skills ?? {})) if (level - drop >= 1) out[skill] = level - drop;
  return out;
}

export function qualifies(member: MemberView, needs: Readonly<Record<string, number>>): boolean {
  for (const [skill, level] of Object.entries(needs)) if ((member.skills[skill] ?? 0) < level) return false;
  return true;
}

const byIdle = (a: MemberView, b: MemberView) => a.idleSince - b.idleSince || a.order - b.order;

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function orderGroup(group: MemberView[], caller: CallerNeeds, ctx: StrategyContext): MemberView[] {
  const random = ctx.random ?? Math.random;
  switch (ctx.strategy) {
    case 'ring-all':
    case 'longest-idle':
      return group.sort(byIdle);
    case 'linear':
      return group.sort((a, b) => a.order - b.order);
    case 'fewest-calls':
      return group.sort((a, b) => a.calls - b.calls || byIdle(a, b));
    case 'random':
      return shuffle(group, random);
    case 'weighted-random': {
      // Efraimidis–Spirakis: key u^(1/w), largest first — each agent leads with probability w/Σw.
      const keyed = group.map((m) => ({ m, k: Math.pow(random(), 1 / Math.max(1, m.weight)) }));
      return keyed.sort((a, b) => b.k - a.k).map((x) => x.m);
    }
    case 'round-robin': {
      const circle = group.sort((a, b) => a.order - b.order || a.agent.localeCompare(b.agent));
      const last = ctx.lastAgent;
      if (!last) return circle;
      // Start after the agent rung last (its order, even if it is busy and absent from the group now).
      const lastOrder = ctx.lastOrder ?? circle.find((m) => m.agent === last)?.order;
      if (lastOrder === undefined) return circle;
      const next = circle.findIndex((m) => m.order > lastOrder);
      return next <= 0 ? circle : [...circle.slice(next), ...circle.slice(0, next)];
    }
    case 'skills': {
      const needs = Object.keys(caller.skills ?? {});
      const score = (m: MemberView) => needs.reduce((s, k) => s + (m.skills[k] ?? 0), 0);
      return group.sort((a, b) => score(b) - score(a) || byIdle(a, b));
    }
  }
}

/**
 * The agents to ring for this caller, in order. Only available agents not already tried and not
 * backed off; grouped by penalty (lowest first). Ring-all returns the lowest-penalty group only:
 * all of it rings at once.
 */
export function orderCandidates(
  members: readonly MemberView[],
  caller: CallerNeeds,
  ctx: StrategyContext,
): string[] {
  const needs =
    ctx.strategy === 'skills'
      ? widenedSkills(caller.skills, caller.waitedMs, ctx.widenEverySeconds ?? 30)
      : {};
  const free = members.filter(
    (m) =>
      m.state === 'available' &&
      !caller.tried?.has(m.agent) &&
      (m.skipUntil ?? 0) <= ctx.now &&
      qualifies(m, needs),
  );
  const penalties = [...new Set(free.map((m) => m.penalty))].sort((a, b) => a - b);
  const ordered: string[] = [];
  for (const p of penalties) {
    const group = orderGroup(
      free.filter((m) => m.penalty === p),
      caller,
      ctx,
    );
    ordered.push(...group.map((m) => m.agent));
    if (ctx.strategy === 'ring-all') break;
  }
  return ordered;
}
