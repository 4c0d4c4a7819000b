import { fact, factId, type FactSink } from '../facts/fact.js';
import type { Logger } from '../log/index.js';
import type { AcdClock } from './clock.js';
import type { Directory } from './directory.js';
import { AcdError } from './errors.js';
import { agentEventKind } from './facts.js';
import type { LiveState, TransitionResult } from './live.js';
import type { AgentState } from './model.js';

export interface ChangeOptions {
  to: AgentState;
  from?: readonly AgentState[];
  expectCall?: string;
  reason?: string;
  set?: Record<string, string | number>;
  by: string;
  event?: 'login' | 'logout' | 'state';
}

/**
 * The agent state machine: every change is a compare-and-set in Redis (`from` states, the call the
 * agent must hold), then one agent_events fact and one published event. The ACD itself moves
 * agents through ringing/on_call/wrap_up; people (the agent, a supervisor) log in/out and pause.
 *
 * logged_out -login-> available -claim-> ringing -answer-> on_call -hang-up-> wrap_up -timer-> available
 * available/wrap_up -pause-> paused -unpause-> available; ringing -no answer-> available | paused
 */
export class AgentService {
  constructor(
    private readonly deps: {
      live: LiveState;
      directory: Directory;
      facts: FactSink;
      clock: AcdClock;
      logger: Logger;
    },
  ) {}

  async change(agent: string, options: ChangeOptions): Promise<TransitionResult | undefined> {
    const now = this.deps.clock.now();
    const r = await this.deps.live.transition(agent, { ...options, now });
    if (!r) return undefined;
    // The call/queue the change is about: the new one, else the one the agent leaves.
    const queue = (options.set?.queue as string | undefined) || r.queue || null;
    const call = (options.set?.call as string | undefined) || r.call || null;
    this.record(agent, r.previous, r.since, r.reason, options.to, options.reason ?? '', now, {
      event: options.event ?? 'state',
      queue: queue || null,
      call: call || null,
      by: options.by,
    });
    return r;
  }

  /** The fact and the published event of a change (also for claims made inside the claim script). */
  record(
    agent: string,
    previous: AgentState,
    previousSince: number,
    previousReason: string,
    to: AgentState,
    reason: string,
    now: number,
    meta: { event: 'login' | 'logout' | 'state'; queue: string | null; call: string | null; by: string },
  ): void {
    const at = new Date(now);
    this.deps.facts.emit(
      fact(agentEventKind, factId('agent_event', agent, now, to, previousSince), at, {
        agent,
        event: meta.event,
        state: to,
        previous_state: previous,
        previous_reason: previousReason || null,
        previous_started_at: new Date(Math.min(previousSince || now, now)).toISOString(),
        previous_seconds: Math.max(0, (now - (previousSince || now)) / 1000),
        reason: reason || null,
        queue: meta.queue,
        call_id: meta.call,
        changed_by: meta.by,
      }),
    );
    this.deps.live
      .publish({
        type: 'agent',
        agent,
        state: to,
        previous,
        reason: reason || null,
        queue: meta.queue,
        call: meta.call,
        at: at.toISOString(),
      })
      .catch((err: Error) =>
        this.deps.logger.warn('agent event not published', { agent, error: err.message }),
      );
  }

  private known(agent: string) {
    const a = this.deps.directory.agents.get(agent);
    if (!a) throw new AcdError('UNKNOWN_AGENT', `no agent ${agent}`);
    return a;
  }

  async login(agent: string, memberships: Array<{ queue: string; penalty: number }>, by: string) {
    this.known(agent);
    for (const m of memberships)
      if (!this.deps.directory.queues.has(m.queue))
        throw new AcdError('UNKNOWN_QUEUE', `no queue ${m.queue}`);
    await this.deps.live.login(agent, memberships);
    await this.change(agent, {
      from: ['logged_out'],
      to: 'available',
      event: 'login',
      by,
      set: { idleSince: this.deps.clock.now(), pendingLogout: '0', pendingPause: '', call: '', queue: '' },
    });
    return this.deps.live.agent(agent);
  }

  /** Leaves the given queues (all when none given); with none left the agent is logged out, after the call in progress. */
  async logout(agent: string, queues: readonly string[] | undefined, by: string) {
    this.known(agent);
    const live = await this.deps.live.agent(agent);
    if (!live) throw new AcdError('UNKNOWN_AGENT', `no agent ${agent}`);
    for (const q of queues ?? [])
      if (!live.queues.includes(q))
        throw new AcdError('NOT_LOGGED_IN', `agent ${agent} is not in queue ${q}`);
    const leaving = queues ?? live.queues;
    await this.deps.live.leave(agent, leaving);
    if (leaving.length < live.queues.length) return this.deps.live.agent(agent);
    const done = await this.change(agent, {
      from: ['available', 'paused', 'ringing'],
      to: 'logged_out',
      event: 'logout',
      by,
      set: { pendingLogout: '0', pendingPause: '', call: '', queue: '' },
    });
    if (!done && live.state !== 'logged_out')
      await this.deps.live.setAgentFields(agent, { pendingLogout: '1' });
    return this.deps.live.agent(agent);
  }

  async pause(agent: string, reason: string, by: string) {
    this.known(agent);
    if (!this.deps.directory.reasons.has(reason))
      throw new AcdError('UNKNOWN_REASON', `no pause reason ${reason} (see /api/v1/acd/pause-reasons)`);
    const live = await this.deps.live.agent(agent);
    if (!live || live.state === 'logged_out')
      throw new AcdError('NOT_LOGGED_IN', `agent ${agent} is logged out`);
    const done = await this.change(agent, {
      from: ['available', 'paused', 'ringing'],
      to: 'paused',
      reason,
      by,
      set: { pendingPause: '' },
    });
    // On a call or in wrap-up: the pause starts when the agent is done.
    if (!done) await this.deps.live.setAgentFields(agent, { pendingPause: reason });
    return this.deps.live.agent(agent);
  }

  async unpause(agent: string, by: string) {
    this.known(agent);
    const live = await this.deps.live.agent(agent);
    if (!live || live.state === 'logged_out')
      throw new AcdError('NOT_LOGGED_IN', `agent ${agent} is logged out`);
    if (live.pendingPause) await this.deps.live.setAgentFields(agent, { pendingPause: '' });
    else if (live.state !== 'paused')
      throw new AcdError('INVALID_STATE', `agent ${agent} is ${live.state}, not paused`);
    await this.change(agent, {
      from: ['paused'],
      to: 'available',
      by,
      set: { idleSince: this.deps.clock.now() },
    });
    return this.deps.live.agent(agent);
  }

  /** Ends wrap-up (timer, or the agent is ready early): logged out, paused or available as pending. */
  async endWrapup(agent: string, call: string | undefined, by: string): Promise<boolean> {
    const live = await this.deps.live.agent(agent);
    if (!live || live.state !== 'wrap_up') return false;
    const now = this.deps.clock.now();
    const base = { from: ['wrap_up'] as const, by, ...(call ? { expectCall: call } : {}) };
    const clear = { pendingLogout: '0', pendingPause: '', idleSince: now };
    if (live.pendingLogout) {
      if (live.queues.length) await this.deps.live.leave(agent, live.queues);
      return !!(await this.change(agent, { ...base, to: 'logged_out', event: 'logout', set: clear }));
    }
    if (live.pendingPause)
      return !!(await this.change(agent, { ...base, to: 'paused', reason: live.pendingPause, set: clear }));
    return !!(await this.change(agent, { ...base, to: 'available', set: clear }));
  }
}
