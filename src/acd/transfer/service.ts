import { randomUUID } from 'node:crypto';
import type { Bridge, Call, Telephony } from '../../ari/index.js';
import { AriAllocationFailedError, OriginateFailedError } from '../../ari/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../api/errors.js';
import type { Logger } from '../../log/index.js';
import type { Conversation, ConversationHooks, Conversations, QueueOutcome, QueueService } from '../port.js';
import {
  type AgentTarget,
  type FailureReason,
  type TransferAnnotator,
  type TransferHost,
  type TransferKind,
  type TransferState,
  type TransferTarget,
  Transitions,
} from './model.js';

export const DefaultTransferRingSeconds = 25;
export const DefaultNumberEndpoint = 'PJSIP/{number}@trunk';
/** Played to a caller whose transfer failed after the agent had already left. */
export const DefaultTransferFailedSound = 'sound:tt-allbusy';

export interface TransferServiceOptions {
  telephony: () => Telephony | undefined;
  conversations: Conversations;
  /** The ACD (or any QueueService) for transfers to a queue. */
  queues?: QueueService;
  /** See TransferHost: without it, the ACD would end the caller's stay when the agent leaves. */
  host: TransferHost;
  /** An agent's phone, or why it cannot take a call now. */
  resolveAgent?: (agent: string) => Promise<AgentTarget> | AgentTarget;
  /** Dial string for an external number; `{number}` is replaced (E.164). */
  numberEndpoint?: string;
  /** Refuse some numbers (premium, international...): return the reason, or undefined to allow. */
  refuseNumber?: (number: string) => string | undefined;
  annotator?: TransferAnnotator;
  logger: Logger;
  ringSeconds?: number;
  failedSound?: string;
}

interface Transfer {
  id: string;
  kind: TransferKind;
  target: TransferTarget;
  conversation: Conversation;
  by: string;
  state: TransferState;
  reason: FailureReason | null;
  /** Where the caller is once the transfer is over or failed. */
  callerWith: 'target' | 'agent' | 'queue' | 'flow' | 'hung_up' | 'conference' | null;
  targetLeg?: Call;
  hold?: Bridge;
  release?: () => void | Promise<void>;
  startedAt: Date;
  until: { promise: Promise<void>; resolve: () => void };
  queueOutcome?: QueueOutcome;
}

export interface TransferView {
  transferId: string;
  conversationId: string;
  kind: TransferKind;
  target: TransferTarget;
  state: TransferState;
  reason: FailureReason | null;
  callerWith: Transfer['callerWith'];
  targetCallId: string | null;
  agent: string;
  by: string;
  startedAt: string;
}

const Final = new Set<TransferState>(['completed', 'cancelled', 'failed']);

function deferred(): Transfer['until'] {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Blind and attended transfers, and three-way conferences, of an ACD conversation's caller to a
 * queue, an agent or an external number. The caller is never dropped: a target that is busy, does
 * not answer or is offline puts the caller back with the agent, or, when the agent has already
 * gone, plays a message and hands the caller back to the flow. Every leg the transfer dials is
 * originated with the caller's call as parent, so the call records keep the legs together.
 */
export class TransferService implements ConversationHooks {
  private readonly transfers = new Map<string, Transfer>();

  constructor(private readonly o: TransferServiceOptions) {}

  get active(): number {
    return this.transfers.size;
  }

  list(): TransferView[] {
    return [...this.transfers.values()].map(view);
  }

  get(id: string): TransferView {
    const t = this.transfers.get(id);
    if (!t) throw new NotFoundError(`no transfer ${id} in progress`);
    return view(t);
  }

  /** A conversation that ends by the caller hanging up takes its consultation with it. */
  async ended(conversation: Conversation): Promise<void> {
    if (!conversation.caller.ended) return;
    for (const t of this.transfers.values())
      if (t.conversation === conversation && !Final.has(t.state))
        await t.targetLeg?.hangup().catch(() => undefined);
  }

  private move(t: Transfer, to: TransferState, event: string): void {
    if (!Transitions[t.state].includes(to))
      throw new ConflictError(`transfer ${t.id} is ${t.state}; it cannot be ${event}`);
    t.conversation.caller.log.info(`transfer ${t.state} -[${event}]-> ${to}`, {
      transferId: t.id,
      kind: t.kind,
    });
    t.state = to;
  }

  private entry(t: Transfer, what: string, extra: Record<string, unknown> = {}): void {
    try {
      this.o.annotator?.addEntry(t.conversation.caller, {
        at: new Date().toISOString(),
        type: 'transfer',
        detail: {
          transferId: t.id,
          what,
          kind: t.kind,
          target: t.target,
          fromAgent: t.conversation.agent,
          state: t.state,
          reason: t.reason,
          targetCallId: t.targetLeg?.callId ?? null,
          by: t.by,
          ...extra,
        },
      });
    } catch (err) {
      this.o.logger.warn('transfer entry not recorded', { error: (err as Error).message });
    }
  }

  async start(
    conversationId: string,
    kind: TransferKind,
    target: TransferTarget,
    by: string,
  ): Promise<TransferView> {
    const conversation = this.o.conversations.byId(conversationId);
    if (!conversation || conversation.signal.aborted)
      throw new NotFoundError(`no live conversation ${conversationId}`);
    // By identity: after a transfer to a queue the caller's next conversation has the same id.
    for (const t of this.transfers.values())
      if (t.conversation === conversation && !Final.has(t.state))
        throw new ConflictError(
          `conversation ${conversationId} already has transfer ${t.id} in progress (${t.state})`,
        );
    if (target.type === 'queue' && kind !== 'blind')
      throw new ValidationError([{ path: 'body.kind', message: 'a queue takes blind transfers only' }]);
    if (target.type === 'agent' && target.agent === conversation.agent)
      throw new ValidationError([
        { path: 'body.target.agent', message: 'that is the agent already on the call' },
      ]);
    const telephony = this.o.telephony();
    if (!telephony) throw new ConflictError('Asterisk is not connected');

    const t: Transfer = {
      id: randomUUID(),
      kind,
      target,
      conversation,
      by,
      state: 'ringing',
      reason: null,
      callerWith: null,
      startedAt: new Date(),
      until: deferred(),
    };
    if (target.type === 'queue') return this.toQueue(t, target);

    // Find the target before touching the call: a refusal leaves the conversation as it was.
    let endpoint: string;
    if (target.type === 'agent') {
      if (!this.o.resolveAgent)
        throw new ConflictError('transfers to agents are not configured (no agent directory)');
      const found = await this.o.resolveAgent(target.agent);
      if ('refused' in found) {
        if (found.refused === 'unknown_agent') throw new NotFoundError(`unknown agent ${target.agent}`);
        t.state = 'failed';
        t.reason = found.refused;
        t.callerWith = 'agent';
        this.entry(t, 'failed');
        return view(t);
      }
      endpoint = found.endpoint;
      t.release = found.release;
    } else {
      const refused = this.o.refuseNumber?.(target.number);
      if (refused) throw new ValidationError([{ path: 'body.target.number', message: refused }]);
      endpoint = (this.o.numberEndpoint ?? DefaultNumberEndpoint).replace('{number}', target.number);
    }

    this.transfers.set(t.id, t);
    this.o.host.handOff(conversation, t.until.promise);
    this.entry(t, 'started', { endpoint });
    const { caller } = conversation;
    try {
      if (kind !== 'conference') await this.holdCaller(telephony, t);
      const callerNumber = caller.channel.caller?.number;
      t.targetLeg = await telephony.originate({
        endpoint,
        parentCallId: caller.callId,
        timeoutSeconds: this.o.ringSeconds ?? DefaultTransferRingSeconds,
        signal: caller.signal,
        ...(callerNumber ? { callerId: callerNumber } : {}),
      });
    } catch (err) {
      await this.fail(t, telephony, failureOf(err, caller));
      return view(t);
    }
    if (target.type === 'agent') this.o.annotator?.annotate(t.targetLeg, { agent: target.agent });
    try {
      if (caller.ended) throw new Error('caller hung up');
      if (kind === 'blind' || conversation.agentLeg.ended) await this.complete(t, telephony, 'answered');
      else if (kind === 'attended') await this.consult(t, telephony);
      else await this.conference(t, telephony);
    } catch (err) {
      if (!Final.has(t.state) && t.state !== 'conference') {
        await t.targetLeg.hangup().catch(() => undefined);
        await this.fail(t, telephony, caller.ended ? 'caller_hung_up' : 'failed');
        conversation.caller.log.warn('transfer failed after answer', {
          transferId: t.id,
          error: (err as Error).message,
        });
      }
    }
    return view(t);
  }

  /** Blind to a queue: the agent is released at once; the queue's outcome ends the hand-off. */
  private async toQueue(
    t: Transfer,
    target: Extract<TransferTarget, { type: 'queue' }>,
  ): Promise<TransferView> {
    const queues = this.o.queues;
    if (!queues) throw new ConflictError('transfers to queues are not configured');
    if (!queues.has(target.queue)) throw new NotFoundError(`unknown queue ${target.queue}`);
    const { conversation } = t;
    const { caller } = conversation;
    this.transfers.set(t.id, t);
    this.o.host.handOff(conversation, t.until.promise);
    this.move(t, 'completed', 'queued');
    t.callerWith = 'queue';
    this.entry(t, 'queued');
    this.o.annotator?.annotate(caller, { queue: target.queue });
    await conversation.bridge.removeChannel(caller).catch(() => undefined);
    await conversation.agentLeg.hangup().catch(() => undefined);
    void queues
      .enter(caller, {
        queue: target.queue,
        priority: target.priority ?? 50,
        language: caller.channel.language || 'en',
        customerPhone: caller.channel.caller?.number || null,
        purpose: 'transfer',
      })
      .then((outcome) => {
        t.queueOutcome = outcome;
        this.entry(t, 'queue_outcome', { outcome });
      })
      .catch((err: unknown) =>
        caller.log.warn('transferred caller left the queue with an error', { error: (err as Error).message }),
      )
      .finally(() => this.finish(t));
    return view(t);
  }

  /** The caller leaves the agent's bridge for one of the transfer's own, hearing music. */
  private async holdCaller(telephony: Telephony, t: Transfer): Promise<Bridge> {
    if (!t.hold) {
      t.hold = await telephony.createBridge({ type: 'mixing', name: `transfer/${t.id}` });
      await t.hold.addChannel(t.conversation.caller);
    }
    await t.hold.startMoh().catch(() => undefined);
    return t.hold;
  }

  /** Caller and target talk in the transfer's bridge; the transferring agent's leg is hung up. */
  private async complete(t: Transfer, telephony: Telephony, event: string): Promise<void> {
    const hold = await this.holdCaller(telephony, t);
    await hold.stopMoh().catch(() => undefined);
    await hold.addChannel(t.targetLeg!);
    this.move(t, 'completed', event);
    t.callerWith = 'target';
    this.entry(t, 'completed');
    await t.conversation.agentLeg.hangup().catch(() => undefined);
    void this.watchTransferred(t);
  }

  /** Until caller or target hangs up; the caller then goes on in the flow (as after any agent). */
  private async watchTransferred(t: Transfer): Promise<void> {
    const { caller } = t.conversation;
    const leg = t.targetLeg!;
    await Promise.race([caller.whenEnded(), leg.whenEnded()]);
    await leg.hangup().catch(() => undefined);
    await t.hold?.destroy().catch(() => undefined);
    this.entry(t, 'ended', { hungUpBy: caller.ended ? 'caller' : 'target' });
    await this.finish(t);
  }

  /** Attended: the agent talks with the target while the caller holds. */
  private async consult(t: Transfer, _telephony: Telephony): Promise<void> {
    const { conversation } = t;
    await conversation.bridge.addChannel(t.targetLeg!);
    this.move(t, 'consulting', 'answered');
    this.entry(t, 'consulting');
    const leg = t.targetLeg!;
    void Promise.race([
      leg.whenEnded().then(() => 'target' as const),
      conversation.agentLeg.whenEnded().then(() => 'agent' as const),
      conversation.caller.whenEnded().then(() => 'caller' as const),
    ]).then(async (who) => {
      if (t.state !== 'consulting') return;
      const telephony = this.o.telephony();
      if (!telephony) return;
      // The agent hanging up during the consultation completes the transfer, as on a desk phone.
      if (who === 'agent') await this.complete(t, telephony, 'agent_hung_up').catch(() => undefined);
      else if (who === 'target') await this.cancel(t.id, 'target_hung_up').catch(() => undefined);
      else {
        await leg.hangup().catch(() => undefined);
        await this.fail(t, telephony, 'caller_hung_up', 'cancelled');
      }
    });
  }

  /** Three-way: caller, agent and target in the conversation's bridge. */
  private async conference(t: Transfer, _telephony: Telephony): Promise<void> {
    const { conversation } = t;
    if (t.hold) {
      await t.hold.stopMoh().catch(() => undefined);
      await conversation.bridge.addChannel(conversation.caller);
      await t.hold.destroy().catch(() => undefined);
      t.hold = undefined;
    }
    await conversation.bridge.addChannel(t.targetLeg!);
    this.move(t, 'conference', 'joined');
    t.callerWith = 'conference';
    this.entry(t, 'conference');
    void this.watchConference(t);
  }

  private async watchConference(t: Transfer): Promise<void> {
    const { conversation } = t;
    const leg = t.targetLeg!;
    const who = await Promise.race([
      leg.whenEnded().then(() => 'target' as const),
      conversation.agentLeg.whenEnded().then(() => 'agent' as const),
      conversation.caller.whenEnded().then(() => 'caller' as const),
    ]);
    const telephony = this.o.telephony();
    if (who === 'agent' && !conversation.caller.ended && !leg.ended && telephony) {
      // The agent left the three-way: the other two go on in a bridge of the transfer's own.
      t.hold = await telephony.createBridge({ type: 'mixing', name: `transfer/${t.id}` });
      await t.hold.addChannel(conversation.caller).catch(() => undefined);
      await t.hold.addChannel(leg).catch(() => undefined);
      t.callerWith = 'target';
      this.entry(t, 'agent_left_conference');
      return this.watchTransferred(t);
    }
    if (who === 'caller') await leg.hangup().catch(() => undefined);
    if (who === 'target') t.callerWith = 'agent';
    this.entry(t, 'conference_ended', { hungUpBy: who });
    await this.finish(t);
  }

  /** Attended, while consulting: caller and target talk, the agent leaves. */
  async completeAttended(id: string): Promise<TransferView> {
    const t = this.consulting(id);
    const telephony = this.o.telephony();
    if (!telephony) throw new ConflictError('Asterisk is not connected');
    await this.complete(t, telephony, 'complete');
    return view(t);
  }

  /** Attended, while consulting: the agent brings the caller in (three-way). */
  async conferenceAttended(id: string): Promise<TransferView> {
    const t = this.consulting(id);
    const telephony = this.o.telephony();
    if (!telephony) throw new ConflictError('Asterisk is not connected');
    await this.conference(t, telephony);
    return view(t);
  }

  /** Attended, while consulting: the target is hung up and the caller is back with the agent. */
  async cancel(id: string, why: string = 'cancel'): Promise<TransferView> {
    const t = this.consulting(id);
    // Moved first: the consultation watcher then sees the target's hang-up as ours.
    this.move(t, 'cancelled', why);
    if (why === 'target_hung_up') t.reason = 'target_hung_up';
    await t.targetLeg?.hangup().catch(() => undefined);
    t.callerWith = (await this.backToAgent(t)) ? 'agent' : 'flow';
    if (t.callerWith === 'flow' && !t.conversation.caller.ended)
      await t.conversation.caller
        .play(this.o.failedSound ?? DefaultTransferFailedSound)
        .catch(() => undefined);
    this.entry(t, 'cancelled');
    await this.finish(t);
    return view(t);
  }

  private consulting(id: string): Transfer {
    const t = this.transfers.get(id);
    if (!t) throw new NotFoundError(`no transfer ${id} in progress`);
    if (t.state !== 'consulting') throw new ConflictError(`transfer ${id} is ${t.state}, not consulting`);
    return t;
  }

  /** The caller leaves the hold bridge for the agent's bridge again. */
  private async backToAgent(t: Transfer): Promise<boolean> {
    const { conversation } = t;
    // A conference attempt never moved the caller: still with the agent if the agent is.
    if (!t.hold) return !conversation.agentLeg.ended && !conversation.caller.ended;
    await t.hold.stopMoh().catch(() => undefined);
    let back = false;
    if (!conversation.agentLeg.ended && !conversation.bridge.destroyed && !conversation.caller.ended) {
      back = await conversation.bridge
        .addChannel(conversation.caller)
        .then(() => true)
        .catch(() => false);
    }
    await t.hold?.destroy().catch(() => undefined);
    t.hold = undefined;
    return back;
  }

  /** The target was not reached: caller back with the agent, or a message and back to the flow. */
  private async fail(
    t: Transfer,
    _telephony: Telephony,
    reason: FailureReason,
    state: 'failed' | 'cancelled' = 'failed',
  ): Promise<void> {
    t.reason = reason;
    const { caller } = t.conversation;
    if (caller.ended) t.callerWith = 'hung_up';
    else if (await this.backToAgent(t)) t.callerWith = 'agent';
    if (t.callerWith === null && !caller.ended) {
      await caller.play(this.o.failedSound ?? DefaultTransferFailedSound).catch(() => undefined);
      t.callerWith = 'flow';
    }
    await t.hold?.destroy().catch(() => undefined);
    t.hold = undefined;
    if (t.state !== state) this.move(t, state, reason);
    this.entry(t, state);
    caller.log.info('transfer failed', { transferId: t.id, reason, callerWith: t.callerWith });
    await this.finish(t);
  }

  private async finish(t: Transfer): Promise<void> {
    if (!this.transfers.has(t.id)) return;
    this.transfers.delete(t.id);
    try {
      await t.release?.();
    } catch (err) {
      this.o.logger.warn('transfer target release failed', { error: (err as Error).message });
    }
    t.until.resolve();
  }
}

function failureOf(err: unknown, caller: Call): FailureReason {
  if (caller.ended) return 'caller_hung_up';
  if (err instanceof OriginateFailedError) {
    if (err.hangupCause === 17 || err.dialStatus === 'BUSY') return 'busy';
    if (err.hangupCause === 19 || err.hangupCause === 18 || err.dialStatus === 'NOANSWER') return 'no_answer';
    return 'unavailable';
  }
  if (err instanceof AriAllocationFailedError) return 'unavailable';
  return 'failed';
}

function view(t: Transfer): TransferView {
  return {
    transferId: t.id,
    conversationId: t.conversation.conversationId,
    kind: t.kind,
    target: t.target,
    state: t.state,
    reason: t.reason,
    callerWith: t.callerWith,
    targetCallId: t.targetLeg?.callId ?? null,
    agent: t.conversation.agent,
    by: t.by,
    startedAt: t.startedAt.toISOString(),
  };
}
