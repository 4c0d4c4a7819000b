import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { AriAllocationFailedError, OriginateFailedError, type Call, type Telephony } from '../ari/index.js';
import { fact, factId, type FactSink } from '../facts/fact.js';
import type { Logger } from '../log/index.js';
import { AgentService } from './agents.js';
import { wallClock, type AcdClock, type AcdTimer } from './clock.js';
import { Directory } from './directory.js';
import { AcdError } from './errors.js';
import { queueEventKind, type QueueEventType } from './facts.js';
import { DefaultSounds, callbackKey, holdMedia, type AcdSounds } from './hold.js';
import { LiveState, waitingScore, type AgentLive, type LiveEvent } from './live.js';
import type { QueueConfig } from './model.js';
import type {
  Conversation,
  ConversationHooks,
  Conversations,
  QueueOutcome,
  QueueRequest,
  QueueService,
} from './port.js';
import type { AcdStore } from './store.js';
import { orderCandidates } from './strategies.js';
import { deferred, type Waiter } from './waiter.js';

/** How often each engine looks at its waiting callers even when nothing told it to. */
export const DefaultDispatchIntervalMs = 500;
/** An agent phone that cannot be reached is left alone this long. */
export const DefaultUnreachableBackoffMs = 30_000;
/** Agents stuck in wrap-up (their engine died) are released this long after the wrap-up should have ended. */
export const DefaultStuckGraceMs = 30_000;
/** Recent conversations the estimated wait is computed from. */
const HandleTimesKept = 50;
/** An engine that stops renewing its heartbeat this long is gone: its waiting callers stop holding places. */
const EngineHeartbeatTtlMs = 60_000;

/** What the ACD writes on the call records (the records' annotate/addEntry path). */
export interface CallAnnotator {
  annotate(
    call: Call,
    fields: { queue?: string; agent?: string; priority?: number; waitSeconds?: number },
  ): void;
  addEntry(
    call: Call,
    entry: {
      at: string;
      type: 'queue_join' | 'queue_leave' | 'agent_connect';
      detail?: Record<string, unknown>;
    },
  ): void;
}

export interface AcdOptions {
  redis: Redis;
  /** Site prefix of every key (REDIS_PREFIX). */
  prefix: string;
  /** This engine's name (ENGINE_NAME): who owns a caller, in queue_events.engine. */
  engine: string;
  /** Stasis app: bridges are named `<app>/queue/<queue>/<call>` so re-sync knows them. */
  app: string;
  facts: FactSink;
  logger: Logger;
  clock?: AcdClock;
  store?: AcdStore;
  hooks?: ConversationHooks;
  annotator?: CallAnnotator;
  sounds?: Partial<AcdSounds>;
  random?: () => number;
  dispatchIntervalMs?: number;
}

/**
 * The ACD: the IVR hands callers to `enter`, agents are rung by the queue's strategy, the first to
 * answer is bridged with the caller, then wrap-up. Shared state is in Redis (LiveState) so several
 * engines serve one site; each engine rings agents for the callers whose channels it holds.
 */
export class Acd implements QueueService, Conversations {
  readonly live: LiveState;
  readonly directory: Directory;
  readonly agents: AgentService;
  /** LiveEvents from every engine of the site (agent and queue changes), for the SSE stream. */
  readonly events = new EventEmitter();
  private telephony: Telephony | undefined;
  private readonly clock: AcdClock;
  private readonly sounds: AcdSounds;
  private readonly waiters = new Map<string, Waiter>();
  private readonly talks = new Map<string, Conversation>();
  private readonly wrapTimers = new Map<string, AcdTimer>();
  /** Conversations a transfer took over: the caller's stay ends when the transfer says so. */
  private readonly handOffs = new Map<string, Promise<void>>();
  private subscriber: Redis | undefined;
  private tickTimer: AcdTimer | undefined;
  private wakeTimer: AcdTimer | undefined;
  private dispatching = false;
  private again = false;
  private stopped = false;
  private ticks = 0;
  private reseed = false;

  constructor(private options: AcdOptions) {
    this.clock = options.clock ?? wallClock;
    this.sounds = { ...DefaultSounds, ...options.sounds };
    this.live = new LiveState(options.redis, options.prefix);
    this.directory = new Directory(this.live, options.store);
    this.agents = new AgentService({
      live: this.live,
      directory: this.directory,
      facts: options.facts,
      clock: this.clock,
      logger: options.logger,
    });
    this.events.setMaxListeners(0);
  }

  get engine(): string {
    return this.options.engine;
  }

  /** Loads definitions and listens to the site's events; `attach` gives it the calls. */
  async start(): Promise<void> {
    await this.directory.load();
    this.subscriber = this.options.redis.duplicate({ lazyConnect: true, enableOfflineQueue: true });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => this.onLiveEvent(message));
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.live.eventsChannel);
    // A Redis that comes back may have lost what we wrote (no persistence): put our part back.
    let first = true;
    this.options.redis.on('ready', () => {
      if (!first) this.reseed = true;
      first = false;
    });
    if (this.options.redis.status === 'ready') first = false;
    this.scheduleTick();
  }

  /** Calls are placed and bridged through this Telephony (the ARI connection). */
  attach(telephony: Telephony, annotator?: CallAnnotator): void {
    this.telephony = telephony;
    if (annotator) this.options.annotator = annotator;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.tickTimer?.cancel();
    this.wakeTimer?.cancel();
    for (const t of this.wrapTimers.values()) t.cancel();
    for (const w of this.waiters.values()) {
      w.media.abort();
      for (const c of w.rings.values()) c.abort();
      for (const t of w.timers) t.cancel();
    }
    this.subscriber?.disconnect();
  }

  // QueueService --------------------------------------------------------------------------------

  has(queue: string): boolean {
    return this.directory.queues.has(queue);
  }

  async enter(call: Call, request: QueueRequest): Promise<QueueOutcome> {
    const q = this.directory.queues.get(request.queue);
    if (!q) throw new AcdError('UNKNOWN_QUEUE', `no queue ${request.queue}`);
    if (call.ended) return { result: 'hangup' };
    const now = this.clock.now();
    const priority = Math.max(0, Math.min(100, Math.round(request.priority)));
    const phone = request.customerPhone ?? call.channel.caller?.number ?? null;

    if (q.joinEmpty !== 'always') {
      const { views } = await this.live.memberViews(q.id).catch(() => ({ views: [{ state: 'available' }] }));
      const staffed =
        q.joinEmpty === 'loggedout' ? views.length > 0 : views.some((v) => v.state !== 'paused');
      if (!staffed) {
        this.queueEvent(q, call.callId, 'empty', now, { priority, reason: 'join' });
        return this.overflowOr(q, 'no_agents');
      }
    }
    const score = waitingScore(priority, now);
    // Through a short Redis outage the caller waits here (ringing) rather than being turned away.
    const joined = await this.retrying('join queue', () =>
      this.live.join(q.id, call.callId, score, q.maxLength ?? 0, {
        engine: this.engine,
        priority: String(priority),
        enteredAt: String(now),
        kind: 'call',
        phone: phone ?? '',
      }),
    );
    if (joined === undefined) return { result: 'no_agents' };
    if (!joined) {
      this.queueEvent(q, call.callId, 'full', now, { priority });
      return this.overflowOr(q, 'full');
    }
    const position = await this.live.position(q.id, call.callId).catch(() => undefined);
    this.queueEvent(q, call.callId, 'enter', now, { priority, position: position ?? null });
    this.publishQueue(q.id, 'enter', call.callId);
    this.options.annotator?.annotate(call, { queue: q.id, priority });
    this.options.annotator?.addEntry(call, {
      at: new Date(now).toISOString(),
      type: 'queue_join',
      detail: { queue: q.id, priority, position },
    });

    const done = deferred<QueueOutcome>();
    const w: Waiter = {
      id: call.callId,
      kind: 'call',
      call,
      queue: q.id,
      request: { ...request, priority },
      phone,
      enteredAt: now,
      score,
      phase: 'waiting',
      tried: new Set(),
      notBefore: 0,
      expired: false,
      rings: new Map(),
      media: new AbortController(),
      timers: [],
      attempts: 0,
      settled: false,
      resolve: done.resolve,
    };
    this.waiters.set(w.id, w);
    const onGone = () => void this.callerGone(w);
    call.signal.addEventListener('abort', onGone, { once: true });
    if (q.maxWaitSeconds)
      w.timers.push(this.clock.setTimeout(() => void this.maxWait(w), q.maxWaitSeconds * 1000));
    if (call.ended) void this.callerGone(w);
    else void this.hold(w, call);
    this.wake();
    try {
      return await done.promise;
    } finally {
      call.signal.removeEventListener('abort', onGone);
    }
  }

  private queueConfig(id: string): QueueConfig | undefined {
    return this.directory.queues.get(id);
  }

  private async hold(w: Waiter, call: Call): Promise<void> {
    const q = () => this.queueConfig(w.queue) ?? ({} as QueueConfig);
    try {
      if (call.channel.state !== 'Up') await call.answer();
      const key = q().callbackKey;
      const media = holdMedia({
        waiter: w,
        call,
        queue: q,
        clock: this.clock,
        sounds: this.sounds,
        position: () => this.live.position(w.queue, w.id),
        estimateSeconds: (p) => this.estimate(w.queue, p),
      }).catch((err: Error) => {
        if (!call.ended && !w.media.signal.aborted)
          call.log.warn('queue hold media failed', { queue: w.queue, error: err.message });
      });
      const pressed = key && w.phone ? await callbackKey(w, call, key).catch(() => false) : false;
      if (pressed) await this.toCallback(w, call);
      await media;
    } catch (err) {
      if (!call.ended && !w.media.signal.aborted)
        call.log.warn('queue hold media failed', { queue: w.queue, error: (err as Error).message });
    }
  }

  /** Estimated wait from recent handle times and the agents logged in (Erlang-free, like app_queue's holdtime). */
  private async estimate(queue: string, position: number): Promise<number | undefined> {
    const [times, members] = await Promise.all([
      this.options.redis.lrange(this.live.key('handle', queue), 0, HandleTimesKept - 1),
      this.live.memberIds(queue),
    ]);
    if (!times.length || !members.size) return undefined;
    const aht = times.reduce((s, t) => s + Number(t), 0) / times.length;
    return (position * aht) / members.size;
  }

  // Leaving ------------------------------------------------------------------------------------

  private settle(w: Waiter, outcome: QueueOutcome): void {
    if (w.settled) return;
    w.settled = true;
    w.resolve(outcome);
  }

  private cleanup(w: Waiter): void {
    w.phase = 'done';
    w.media.abort();
    for (const t of w.timers) t.cancel();
    w.timers = [];
    this.waiters.delete(w.id);
  }

  private async leave(
    w: Waiter,
    event: QueueEventType,
    outcome: QueueOutcome,
    reason?: string,
  ): Promise<void> {
    const q = this.queueConfig(w.queue);
    const now = this.clock.now();
    const position = await this.live.position(w.queue, w.id).catch(() => undefined);
    for (const c of w.rings.values()) c.abort('caller_gone');
    this.cleanup(w);
    await this.retrying('leave queue', () => this.live.leaveQueue(w.queue, w.id));
    if (q)
      this.queueEvent(q, w.id, event, now, {
        priority: w.request.priority,
        position: position ?? null,
        wait: (now - w.enteredAt) / 1000,
        reason: reason ?? null,
      });
    this.publishQueue(w.queue, event, w.id);
    if (w.call)
      this.options.annotator?.addEntry(w.call, {
        at: new Date(now).toISOString(),
        type: 'queue_leave',
        detail: { queue: w.queue, event, waitSeconds: (now - w.enteredAt) / 1000 },
      });
    if (w.call) this.options.annotator?.annotate(w.call, { waitSeconds: (now - w.enteredAt) / 1000 });
    this.settle(w, outcome);
  }

  private async callerGone(w: Waiter): Promise<void> {
    if (w.kind !== 'call' || w.phase === 'connected' || w.phase === 'done') return;
    await this.leave(w, 'abandon', { result: 'hangup' });
  }

  private async maxWait(w: Waiter): Promise<void> {
    if (w.kind !== 'call' || w.phase === 'done' || w.phase === 'connected') return;
    if (w.phase === 'ringing') {
      w.expired = true;
      return;
    }
    const q = this.queueConfig(w.queue);
    await this.leave(w, q?.overflow ? 'overflow' : 'timeout', this.overflowOrSync(q, 'timeout'), 'max_wait');
  }

  private overflowOrSync(q: QueueConfig | undefined, result: 'timeout' | 'full' | 'no_agents'): QueueOutcome {
    return q?.overflow ? { result: 'overflow', destination: q.overflow } : { result };
  }

  private overflowOr(q: QueueConfig, result: 'timeout' | 'full' | 'no_agents'): QueueOutcome {
    return this.overflowOrSync(q, result);
  }

  // Callback in queue ---------------------------------------------------------------------------

  private async toCallback(w: Waiter, call: Call): Promise<void> {
    if (w.phase !== 'waiting' || !w.phone) return;
    const now = this.clock.now();
    w.kind = 'callback';
    for (const t of w.timers) t.cancel();
    w.timers = [];
    await this.live.redis.hset(this.live.key('caller', w.id), { kind: 'callback', phone: w.phone });
    const q = this.queueConfig(w.queue);
    if (q)
      this.queueEvent(q, w.id, 'callback_requested', now, {
        priority: w.request.priority,
        position: (await this.live.position(w.queue, w.id)) ?? null,
        wait: (now - w.enteredAt) / 1000,
      });
    w.media.abort();
    w.media = new AbortController();
    this.settle(w, { result: 'callback', callbackId: w.id });
    try {
      await call.stopMoh();
      await call.play(this.sounds.callbackConfirm, { lang: w.request.language });
      await call.hangup();
    } catch {
      // the caller may hang up first; the callback stands
    }
    w.call = undefined;
  }

  // Dispatch -----------------------------------------------------------------------------------

  /** Asks for a dispatch round soon (coalesced). */
  wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      void this.dispatch();
    }, 0);
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tickTimer = this.clock.setTimeout(() => {
      this.ticks++;
      void this.tick().finally(() => this.scheduleTick());
    }, this.options.dispatchIntervalMs ?? DefaultDispatchIntervalMs);
  }

  private async tick(): Promise<void> {
    try {
      if (this.reseed) {
        this.reseed = false;
        await this.reseedLive();
      }
      if (this.ticks % 4 === 1)
        await this.options.redis.set(this.live.key('engine', this.engine), '1', 'PX', EngineHeartbeatTtlMs);
      await this.dispatch();
      if (this.ticks % 20 === 0) {
        await this.restoreMissing();
        await this.sweep();
      }
    } catch (err) {
      this.options.logger.warn('acd tick failed', { error: (err as Error).message });
    }
  }

  async dispatch(): Promise<void> {
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        const now = this.clock.now();
        const byQueue = new Map<string, number>();
        for (const w of this.waiters.values())
          if (w.phase === 'waiting' && w.notBefore <= now)
            byQueue.set(w.queue, (byQueue.get(w.queue) ?? 0) + 1);
        for (const [queue, local] of byQueue) {
          try {
            await this.dispatchQueue(queue, local, now);
          } catch (err) {
            this.options.logger.warn('acd dispatch failed', { queue, error: (err as Error).message });
          }
        }
      } while (this.again && !this.stopped);
    } finally {
      this.dispatching = false;
    }
  }

  private async dispatchQueue(queue: string, local: number, now: number): Promise<void> {
    const q = this.queueConfig(queue);
    if (!q) return;
    const { views, agents } = await this.live.memberViews(queue);
    if (q.leaveEmpty !== 'never') {
      const staffed =
        q.leaveEmpty === 'loggedout' ? views.length > 0 : views.some((v) => v.state !== 'paused');
      if (!staffed) {
        for (const w of [...this.waiters.values()])
          if (w.queue === queue && w.kind === 'call' && w.phase === 'waiting')
            await this.leave(w, 'empty', this.overflowOr(q, 'no_agents'), 'leave');
        return;
      }
    }
    const free = () => views.filter((v) => v.state === 'available' && (v.skipUntil ?? 0) <= now).length;
    if (!free()) return;
    const rr = q.strategy === 'round-robin' ? await this.live.roundRobinMemory(queue) : undefined;
    const skills = q.strategy === 'skills';
    // Only the first `free` callers may take an agent (app_queue's autofill): look no further.
    const head = await this.live.waiting(queue, skills ? Math.max(500, local) : free());
    const byId = new Map(agents.map((a) => [a.id, a]));
    for (const id of head) {
      if (!free()) break;
      const w = this.waiters.get(id);
      if (!w || w.phase !== 'waiting' || w.notBefore > now) continue;
      const needs = { skills: w.request.skills, waitedMs: now - w.enteredAt, tried: w.tried };
      const ctx = {
        strategy: q.strategy,
        now,
        lastAgent: rr?.agent ?? null,
        ...(rr ? { lastOrder: rr.order } : {}),
        widenEverySeconds: q.widenEverySeconds,
        ...(this.options.random ? { random: this.options.random } : {}),
      };
      let candidates = orderCandidates(views, needs, ctx);
      if (!candidates.length && w.tried.size) {
        // Everyone was tried: a new round after the retry pause.
        w.tried.clear();
        w.notBefore = now + q.retrySeconds * 1000;
        this.wakeAt(w.notBefore);
        continue;
      }
      if (!candidates.length) continue;
      if (q.strategy !== 'ring-all') candidates = candidates.slice(0, 8);
      const claimed = await this.live.claim(queue, w.id, candidates, {
        now,
        engine: this.engine,
        all: q.strategy === 'ring-all',
        maxRank: skills ? -1 : free() - 1,
      });
      if (!claimed.length) continue;
      for (const c of claimed) {
        const view = views.find((v) => v.agent === c.agent);
        if (view) view.state = 'ringing';
        this.agents.record(c.agent, 'available', c.previousSince, '', 'ringing', '', now, {
          event: 'state',
          queue,
          call: w.id,
          by: 'acd',
        });
      }
      if (q.strategy === 'round-robin') {
        const last = claimed[claimed.length - 1]!.agent;
        const order = views.find((v) => v.agent === last)?.order ?? 0;
        await this.live.redis.set(this.live.key('rr', queue), `${last}:${order}`);
      }
      w.phase = 'ringing';
      void this.ring(w, q, claimed.map((c) => byId.get(c.agent)!).filter(Boolean));
    }
  }

  private wakeAt(at: number): void {
    const t = this.clock.setTimeout(() => this.wake(), Math.max(0, at - this.clock.now()));
    void t;
  }

  // Ringing ------------------------------------------------------------------------------------

  private async ring(w: Waiter, q: QueueConfig, agents: AgentLive[]): Promise<void> {
    const telephony = this.telephony;
    let winner: { agent: AgentLive; leg: Call } | undefined;
    const log = w.call?.log ?? this.options.logger;
    await Promise.all(
      agents.map(async (agent) => {
        const ctl = new AbortController();
        w.rings.set(agent.id, ctl);
        this.queueEvent(q, w.id, 'ring', this.clock.now(), { agent: agent.id, priority: w.request.priority });
        try {
          if (!telephony) throw new Error('the ACD has no telephony attached');
          const leg = await telephony.originate({
            endpoint: agent.endpoint,
            timeoutSeconds: q.ringTimeoutSeconds,
            ...(w.call ? { parentCallId: w.call.callId } : {}),
            ...(w.phone && w.kind === 'call' ? { callerId: w.phone } : {}),
            variables: { TONGDAI_QUEUE: q.id, TONGDAI_AGENT: agent.id },
            signal: ctl.signal,
          });
          if (winner || w.phase !== 'ringing' || ctl.signal.aborted) {
            await leg.hangup().catch(() => undefined);
            await this.releaseRinging(agent.id, w, 'available');
            return;
          }
          winner = { agent, leg };
          for (const [other, c] of w.rings) if (other !== agent.id) c.abort('answered_elsewhere');
        } catch (err) {
          const reason = ctl.signal.aborted
            ? String(ctl.signal.reason ?? 'cancelled')
            : err instanceof AriAllocationFailedError
              ? 'unreachable'
              : err instanceof OriginateFailedError && err.hangupCause === 17
                ? 'busy'
                : err instanceof OriginateFailedError
                  ? 'no_answer'
                  : 'failed';
          w.tried.add(agent.id);
          if (reason !== 'caller_gone' && reason !== 'answered_elsewhere')
            this.queueEvent(q, w.id, 'ring_noanswer', this.clock.now(), { agent: agent.id, reason });
          if (reason === 'unreachable' || reason === 'failed') {
            log.warn('agent endpoint unreachable: skipped', {
              agent: agent.id,
              endpoint: agent.endpoint,
              queue: q.id,
              error: (err as Error).message,
            });
            await this.releaseRinging(agent.id, w, 'available', {
              skipUntil: this.clock.now() + DefaultUnreachableBackoffMs,
            });
          } else if (reason === 'no_answer' && q.ringNoAnswerPause) {
            await this.releaseRinging(agent.id, w, 'paused', undefined, 'ring_no_answer');
          } else {
            await this.releaseRinging(agent.id, w, 'available');
          }
        }
      }),
    );
    w.rings.clear();
    if (winner) return this.answered(w, q, winner.agent, winner.leg);
    if (w.phase !== 'ringing') return; // the caller left meanwhile
    await this.backToWaiting(w, q);
  }

  private async backToWaiting(w: Waiter, q: QueueConfig): Promise<void> {
    await this.retrying('requeue', () => this.live.requeue(q.id, w.id));
    if (w.phase === 'done') return;
    w.phase = 'waiting';
    if (w.expired && w.kind === 'call') {
      await this.leave(w, q.overflow ? 'overflow' : 'timeout', this.overflowOr(q, 'timeout'), 'max_wait');
      return;
    }
    w.notBefore = this.clock.now() + q.retrySeconds * 1000;
    this.wakeAt(w.notBefore);
  }

  private async releaseRinging(
    agent: string,
    w: Waiter,
    to: 'available' | 'paused',
    set?: Record<string, string | number>,
    reason?: string,
  ): Promise<void> {
    await this.retrying('release agent', async () => {
      await this.agents.change(agent, {
        from: ['ringing'],
        expectCall: w.id,
        to,
        by: 'acd',
        ...(reason ? { reason } : {}),
        set: { call: '', queue: '', ...set },
      });
    });
    if (to === 'available') this.wake();
  }

  // Connected ----------------------------------------------------------------------------------

  private async answered(w: Waiter, q: QueueConfig, agent: AgentLive, leg: Call): Promise<void> {
    const took = await this.live.takeCaller(w.id, agent.id).catch(() => false);
    const onCall = await this.agents
      .change(agent.id, {
        from: ['ringing'],
        expectCall: w.id,
        to: 'on_call',
        by: 'acd',
        set: { queue: q.id, call: w.id, customer: w.phone ?? '' },
      })
      .catch(() => undefined);
    if (!took || !onCall || w.phase !== 'ringing') {
      // The caller left, or the agent logged out / paused while the phone was being answered.
      await leg.hangup().catch(() => undefined);
      if (onCall) await this.afterCall(agent.id, w, q, 0);
      if (took && w.phase === 'ringing') await this.backToWaiting(w, q);
      else if (!took && w.phase === 'ringing') this.cleanup(w);
      return;
    }
    w.phase = 'connected';
    for (const t of w.timers) t.cancel();
    if (w.kind === 'callback') return this.callbackCustomer(w, q, agent, leg);
    return this.converse(w, q, agent, leg, w.call!);
  }

  private async callbackCustomer(w: Waiter, q: QueueConfig, agent: AgentLive, agentLeg: Call): Promise<void> {
    const now = this.clock.now();
    w.attempts++;
    this.queueEvent(q, w.id, 'callback_attempt', now, { agent: agent.id, reason: `attempt ${w.attempts}` });
    let customer: Call;
    try {
      customer = await this.telephony!.originate({
        endpoint: q.callbackEndpoint.replace('{number}', w.phone ?? ''),
        timeoutSeconds: q.callbackRingSeconds,
        parentCallId: agentLeg.callId,
        signal: agentLeg.signal,
      });
    } catch (err) {
      const reason =
        err instanceof OriginateFailedError && err.hangupCause === 17
          ? 'busy'
          : err instanceof OriginateFailedError
            ? 'no_answer'
            : 'failed';
      this.queueEvent(q, w.id, 'callback_failed', this.clock.now(), { agent: agent.id, reason });
      await agentLeg.play(this.sounds.callbackNoAnswer).catch(() => undefined);
      await agentLeg.hangup().catch(() => undefined);
      await this.afterCall(agent.id, w, q, 0);
      if (w.attempts >= q.callbackAttempts) {
        this.queueEvent(q, w.id, 'callback_abandoned', this.clock.now(), {
          wait: (this.clock.now() - w.enteredAt) / 1000,
          reason,
        });
        this.cleanup(w);
        await this.retrying('leave queue', () => this.live.leaveQueue(q.id, w.id));
        return;
      }
      // Keeps its place: back in line (same score) after the retry delay.
      w.phase = 'deferred';
      w.tried.clear();
      w.timers.push(
        this.clock.setTimeout(async () => {
          await this.retrying('requeue', () => this.live.requeue(q.id, w.id));
          if (w.phase !== 'deferred') return;
          w.phase = 'waiting';
          this.wake();
        }, q.callbackRetrySeconds * 1000),
      );
      return;
    }
    await this.converse(w, q, agent, agentLeg, customer);
  }

  private async converse(w: Waiter, q: QueueConfig, agent: AgentLive, agentLeg: Call, caller: Call) {
    const connectedAt = this.clock.now();
    const wait = (connectedAt - w.enteredAt) / 1000;
    w.media.abort();
    await caller.stopMoh().catch(() => undefined);
    await this.retrying('leave queue', () => this.live.leaveQueue(q.id, w.id));
    this.waiters.delete(w.id);
    this.queueEvent(q, w.id, 'connect', connectedAt, { agent: agent.id, wait, priority: w.request.priority });
    this.publishQueue(q.id, 'connect', w.id);
    await this.live.countCall(q.id, agent.id).catch(() => undefined);
    const at = new Date(connectedAt).toISOString();
    if (w.kind === 'call') {
      this.options.annotator?.annotate(caller, { agent: agent.id, waitSeconds: wait });
      this.options.annotator?.addEntry(caller, {
        at,
        type: 'agent_connect',
        detail: { queue: q.id, agent: agent.id, waitSeconds: wait },
      });
    }
    this.options.annotator?.annotate(agentLeg, { queue: q.id, agent: agent.id });

    const ended = new AbortController();
    let hungUpBy: 'caller' | 'agent' | 'system';
    let bridge;
    try {
      bridge = await this.telephony!.createBridge({
        type: 'mixing',
        name: `${this.options.app}/queue/${q.id}/${w.id}`,
      });
      await bridge.addChannel(caller);
      await bridge.addChannel(agentLeg);
      const conversation: Conversation = {
        conversationId: w.kind === 'call' ? caller.callId : w.id,
        caller,
        agentLeg,
        bridge,
        queue: q.id,
        agent: agent.id,
        signal: ended.signal,
      };
      this.talks.set(conversation.conversationId, conversation);
      try {
        await this.options.hooks?.connected?.(conversation);
      } catch (err) {
        this.options.logger.warn('conversation hook failed', {
          hook: 'connected',
          error: (err as Error).message,
        });
      }
      hungUpBy = await Promise.race([
        caller.whenEnded().then(() => 'caller' as const),
        agentLeg.whenEnded().then(() => 'agent' as const),
      ]);
      ended.abort();
      this.talks.delete(conversation.conversationId);
      try {
        await this.options.hooks?.ended?.(conversation);
      } catch (err) {
        this.options.logger.warn('conversation hook failed', {
          hook: 'ended',
          error: (err as Error).message,
        });
      }
    } catch (err) {
      if (!caller.ended && !agentLeg.ended)
        this.options.logger.warn('conversation failed', {
          queue: q.id,
          agent: agent.id,
          error: (err as Error).message,
        });
      hungUpBy = caller.ended ? 'caller' : agentLeg.ended ? 'agent' : 'system';
    } finally {
      ended.abort();
      await bridge?.destroy().catch(() => undefined);
      // The agent's phone goes down with the conversation; the caller goes on in the flow (survey...).
      await agentLeg.hangup().catch(() => undefined);
      if (w.kind === 'callback' && !this.handOffs.has(w.id)) await caller.hangup().catch(() => undefined);
    }
    const endedAt = this.clock.now();
    const talk = (endedAt - connectedAt) / 1000;
    this.queueEvent(q, w.id, 'complete', endedAt, { agent: agent.id, talk, wait, reason: hungUpBy });
    const cfg = this.directory.agents.get(agent.id);
    const wrapup = cfg?.wrapupSeconds ?? agent.wrapupSeconds ?? q.wrapupSeconds;
    await this.options.redis
      .multi()
      .lpush(this.live.key('handle', q.id), String(talk + wrapup))
      .ltrim(this.live.key('handle', q.id), 0, HandleTimesKept - 1)
      .exec()
      .catch(() => undefined);
    if (w.kind === 'call')
      this.options.annotator?.addEntry(caller, {
        at: new Date(endedAt).toISOString(),
        type: 'queue_leave',
        detail: { queue: q.id, agent: agent.id, talkSeconds: talk, hangupBy: hungUpBy },
      });
    w.phase = 'done';
    const conversationId = w.kind === 'call' ? caller.callId : w.id;
    const until = this.handOffs.get(conversationId);
    if (!until) {
      this.settle(w, { result: 'answered', agent: agent.id, conversationId });
      await this.afterCall(agent.id, w, q, wrapup);
      return;
    }
    // A transfer owns the caller now: the agent wraps up, the stay ends when the transfer is over.
    await this.afterCall(agent.id, w, q, wrapup);
    await until.catch(() => undefined);
    this.handOffs.delete(conversationId);
    this.settle(w, { result: 'answered', agent: agent.id, conversationId });
  }

  /** TransferHost: the agent leg ending no longer ends the caller's stay until `until` settles. */
  handOff(conversation: Conversation, until: Promise<void>): void {
    this.handOffs.set(conversation.conversationId, until);
    void until.finally(() => {
      // Settled with the conversation still going (the transfer failed, the agent kept the caller).
      if (this.talks.has(conversation.conversationId)) this.handOffs.delete(conversation.conversationId);
    });
  }

  /**
   * An agent as a transfer target: its phone when available (the agent is then on_call for the
   * transfer until `release`), or why not.
   */
  async resolveAgent(
    agent: string,
  ): Promise<
    { endpoint: string; release: () => Promise<void> } | { refused: 'offline' | 'busy' | 'unknown_agent' }
  > {
    const cfg = this.directory.agents.get(agent);
    if (!cfg) return { refused: 'unknown_agent' };
    const transferCall = randomUUID();
    const r = await this.agents.change(agent, {
      from: ['available'],
      to: 'on_call',
      reason: 'transfer',
      by: 'transfer',
      set: { call: transferCall, queue: '' },
    });
    if (!r) {
      const live = await this.live.agent(agent);
      return {
        refused: !live || live.state === 'logged_out' || live.state === 'paused' ? 'offline' : 'busy',
      };
    }
    return {
      endpoint: cfg.endpoint,
      release: async () => {
        await this.agents.change(agent, {
          from: ['on_call'],
          expectCall: transferCall,
          to: 'available',
          by: 'transfer',
          set: { idleSince: this.clock.now(), call: '' },
        });
        this.wake();
      },
    };
  }

  /** on_call → wrap_up for `seconds`, then available (or the pending pause/log-out). */
  private async afterCall(agent: string, w: Waiter, q: QueueConfig, seconds: number): Promise<void> {
    const r = await this.retrying('wrap-up', () =>
      this.agents.change(agent, {
        from: ['on_call'],
        expectCall: w.id,
        to: 'wrap_up',
        by: 'acd',
        set: { queue: q.id, call: w.id, wrapupUntil: this.clock.now() + seconds * 1000 },
      }),
    );
    if (!r) return;
    const end = async () => {
      this.wrapTimers.delete(agent);
      await this.retrying('end wrap-up', () => this.agents.endWrapup(agent, w.id, 'acd'));
      this.wake();
    };
    if (seconds <= 0) return end();
    this.wrapTimers.get(agent)?.cancel();
    this.wrapTimers.set(
      agent,
      this.clock.setTimeout(() => void end(), seconds * 1000),
    );
  }

  /** The agent is done with wrap-up before the timer (wrap-up submitted, or "ready"). */
  async ready(agent: string, by: string): Promise<boolean> {
    const ok = await this.agents.endWrapup(agent, undefined, by);
    if (ok) {
      this.wrapTimers.get(agent)?.cancel();
      this.wrapTimers.delete(agent);
      this.wake();
    }
    return ok;
  }

  // Conversations ------------------------------------------------------------------------------

  byAgent(agent: string): Conversation | undefined {
    for (const c of this.talks.values()) if (c.agent === agent) return c;
    return undefined;
  }
  byId(conversationId: string): Conversation | undefined {
    return this.talks.get(conversationId);
  }
  list(): Conversation[] {
    return [...this.talks.values()];
  }

  /** Callers this engine holds (waiting, ringing or deferred callbacks). */
  get waiting(): number {
    return this.waiters.size;
  }

  // Events and upkeep --------------------------------------------------------------------------

  private onLiveEvent(message: string): void {
    let event: LiveEvent;
    try {
      event = JSON.parse(message) as LiveEvent;
    } catch {
      return;
    }
    this.events.emit('event', event);
    if (event.type === 'agent') {
      // Logged out or paused while ringing for one of our callers: stop that phone.
      if (event.previous === 'ringing' && event.state !== 'on_call' && event.call) {
        this.waiters.get(event.call)?.rings.get(event.agent)?.abort(`agent_${event.state}`);
      }
      if (event.state === 'available') this.wake();
    } else if (event.event === 'config') {
      void this.directory.reload();
    }
  }

  /** Tells every engine the definitions changed (after an API write). */
  async configChanged(queue = ''): Promise<void> {
    this.publishQueue(queue, 'config', '');
  }

  private publishQueue(queue: string, event: string, call: string): void {
    void this.live
      .waitingCount(queue)
      .then((waiting) =>
        this.live.publish({
          type: 'queue',
          queue,
          event,
          call,
          waiting,
          at: new Date(this.clock.now()).toISOString(),
        }),
      )
      .catch(() => undefined);
  }

  /** After Redis came back empty: the definitions and our callers go back (same places). */
  private async reseedLive(): Promise<void> {
    await this.directory.load();
    await this.restoreMissing();
  }

  /** Our waiting callers missing from Redis (a restart without persistence, a mistaken sweep) go back. */
  private async restoreMissing(): Promise<void> {
    const mine = [...this.waiters.values()].filter((w) => w.phase === 'waiting');
    if (!mine.length) return;
    const p = this.options.redis.pipeline();
    for (const w of mine) p.zscore(this.live.key('waiting', w.queue), w.id);
    const scores = (await p.exec()) ?? [];
    let restored = 0;
    for (const [i, w] of mine.entries()) {
      if (scores[i]?.[0] || scores[i]?.[1] !== null || w.phase !== 'waiting') continue;
      // Only a caller Redis still believes waiting, or has forgotten, is put back.
      const state = await this.live.callerState(w.id);
      if (state && state !== 'waiting') continue;
      await this.live.leaveQueue(w.queue, w.id);
      const added = await this.live.ensureCaller(w.queue, w.id, w.score, {
        engine: this.engine,
        priority: String(w.request.priority),
        enteredAt: String(w.enteredAt),
        kind: w.kind,
        phone: w.phone ?? '',
      });
      if (added) restored++;
    }
    if (restored) this.options.logger.warn('acd restored waiting callers missing from Redis', { restored });
  }

  /** Agents left in wrap-up or ringing by an engine that died are freed; its callers leave the line. */
  private async sweep(): Promise<void> {
    const now = this.clock.now();
    for (const q of this.directory.queues.keys()) {
      const head = await this.live.waiting(q, 500);
      if (!head.length) continue;
      const p = this.options.redis.pipeline();
      for (const id of head) p.hget(this.live.key('caller', id), 'engine');
      const owners = ((await p.exec()) ?? []).map((r) => r[1] as string | null);
      const engines = [...new Set(owners.filter((o): o is string => !!o && o !== this.engine))];
      for (const e of engines) {
        if (await this.options.redis.exists(this.live.key('engine', e))) continue;
        const lost = head.filter((_, i) => owners[i] === e);
        for (const id of lost) await this.live.leaveQueue(q, id);
        this.options.logger.warn('acd removed callers of an engine that is gone', {
          engine: e,
          queue: q,
          callers: lost.length,
        });
      }
    }
    const ids = new Set<string>();
    for (const q of this.directory.queues.keys())
      for (const id of (await this.live.memberIds(q)).keys()) ids.add(id);
    for (const a of await this.live.agents([...ids])) {
      if (a.state === 'wrap_up' && !this.wrapTimers.has(a.id)) {
        const until = Number(
          (await this.options.redis.hget(this.live.key('agent', a.id), 'wrapupUntil')) ?? 0,
        );
        if (until && now > until + DefaultStuckGraceMs) await this.agents.endWrapup(a.id, a.call, 'acd');
      } else if (a.state === 'ringing' && a.engine === this.engine) {
        const w = this.waiters.get(a.call);
        if (!w?.rings.has(a.id) && now - a.since > DefaultStuckGraceMs)
          await this.agents.change(a.id, {
            from: ['ringing'],
            expectCall: a.call,
            to: 'available',
            by: 'acd',
          });
      }
    }
  }

  /** Redis writes that must not be lost to a short outage are retried (the tick keeps calls going). */
  private async retrying<T>(what: string, fn: () => Promise<T>, attempts = 60): Promise<T | undefined> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= attempts || this.stopped) {
          this.options.logger.error('acd state write given up', { what, error: (err as Error).message });
          return undefined;
        }
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(i, 5))));
      }
    }
  }

  queueEvent(
    q: QueueConfig,
    callId: string,
    event: QueueEventType,
    at: number,
    data: {
      agent?: string | null;
      position?: number | null;
      priority?: number | null;
      wait?: number | null;
      talk?: number | null;
      reason?: string | null;
    },
  ): void {
    this.options.facts.emit(
      fact(queueEventKind, factId('queue_event', q.id, callId, event, at, data.agent ?? ''), new Date(at), {
        queue: q.id,
        call_id: callId,
        event,
        agent: data.agent ?? null,
        position: data.position ?? null,
        priority: data.priority ?? null,
        wait_seconds: data.wait ?? null,
        talk_seconds: data.talk ?? null,
        service_level_seconds: q.serviceLevelSeconds,
        short_abandon_seconds: q.shortAbandonSeconds,
        reason: data.reason ?? null,
        engine: this.engine,
      }),
    );
  }
}
