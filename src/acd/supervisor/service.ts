import { randomUUID } from 'node:crypto';
import type { Bridge, Call, SnoopOptions, Telephony } from '../../ari/index.js';
import { OriginateFailedError } from '../../ari/index.js';
import { ConflictError, NotFoundError } from '../../api/errors.js';
import { fact, factId, type FactSink } from '../../facts/fact.js';
import type { Logger } from '../../log/index.js';
import type { Conversation, ConversationHooks, Conversations } from '../port.js';
import { type SupervisionMode, SupervisorActions, supervisorEventKind } from './facts.js';

export const DefaultSupervisorRingSeconds = 20;

/**
 * listen: a snoop on the agent's leg spying both directions (the agent's voice and what the agent
 * hears, i.e. the caller), bridged with the supervisor's phone; nothing flows back.
 * whisper: the same snoop also whispers "out", into what the agent's phone receives: the agent
 * hears the supervisor, the caller does not.
 * barge: no snoop; the supervisor's phone joins the conversation's own bridge, all three talk.
 */
const SnoopFor: Record<Exclude<SupervisionMode, 'barge'>, SnoopOptions> = {
  listen: { spy: 'both', whisper: 'none' },
  whisper: { spy: 'both', whisper: 'out' },
};

type StopReason = 'stopped' | 'conversation_ended' | 'supervisor_hung_up';

interface Session {
  id: string;
  conversation: Conversation;
  supervisor: string;
  endpoint: string;
  mode: SupervisionMode;
  leg?: Call;
  snoop?: Call;
  bridge?: Bridge;
  startedAt: number;
  modeSince: number;
  seq: number;
  state: 'joining' | 'active' | 'ending';
  /** Serializes mode changes and the stop of one session. */
  chain: Promise<unknown>;
}

export interface SupervisionView {
  sessionId: string;
  conversationId: string;
  agent: string;
  queue: string | null;
  mode: SupervisionMode;
  supervisor: string;
  endpoint: string;
  state: Session['state'];
  startedAt: string;
}

export interface SupervisorServiceOptions {
  telephony: () => Telephony | undefined;
  conversations: Conversations;
  facts: FactSink;
  logger: Logger;
  ringSeconds?: number;
  /** Caller id the supervisor's phone shows (e.g. "Supervision" <agent7>). */
  callerId?: (conversation: Conversation, mode: SupervisionMode) => string | undefined;
  now?: () => number;
}

/** Supervisors on agents' live conversations; sessions end with the conversation, never leak. */
export class SupervisorService implements ConversationHooks {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly o: SupervisorServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  list(): SupervisionView[] {
    return [...this.sessions.values()].map(view);
  }

  get(sessionId: string): SupervisionView {
    return view(this.session(sessionId));
  }

  get active(): number {
    return this.sessions.size;
  }

  private session(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s || s.state === 'ending') throw new NotFoundError(`no supervision session ${sessionId}`);
    return s;
  }

  async ended(conversation: Conversation): Promise<void> {
    await Promise.all(
      [...this.sessions.values()]
        .filter((s) => s.conversation === conversation)
        .map((s) => this.end(s, 'conversation_ended')),
    );
  }

  /** Rings the supervisor's phone and, once answered, joins the conversation in `mode`. */
  async start(
    conversationId: string,
    o: { mode: SupervisionMode; endpoint: string; supervisor: string },
  ): Promise<SupervisionView> {
    const conversation = this.o.conversations.byId(conversationId);
    if (!conversation || conversation.signal.aborted)
      throw new NotFoundError(`no live conversation ${conversationId}`);
    for (const s of this.sessions.values())
      if (s.endpoint === o.endpoint && s.state !== 'ending')
        throw new ConflictError(
          `${o.endpoint} is already supervising conversation ${s.conversation.conversationId}`,
        );
    const telephony = this.o.telephony();
    if (!telephony) throw new ConflictError('Asterisk is not connected');
    const at = this.now();
    const s: Session = {
      id: randomUUID(),
      conversation,
      supervisor: o.supervisor,
      endpoint: o.endpoint,
      mode: o.mode,
      startedAt: at,
      modeSince: at,
      seq: 0,
      state: 'joining',
      chain: Promise.resolve(),
    };
    this.sessions.set(s.id, s);
    const log = conversation.agentLeg.log;
    try {
      const callerId = this.o.callerId?.(conversation, o.mode);
      s.leg = await telephony.originate({
        endpoint: o.endpoint,
        timeoutSeconds: this.o.ringSeconds ?? DefaultSupervisorRingSeconds,
        parentCallId: conversation.caller.callId,
        signal: conversation.signal,
        ...(callerId ? { callerId } : {}),
      });
      if (conversation.signal.aborted) throw new ConflictError('the conversation ended');
      await this.join(telephony, s, o.mode);
      if (conversation.signal.aborted) throw new ConflictError('the conversation ended');
    } catch (err) {
      const reason =
        err instanceof OriginateFailedError
          ? `supervisor phone did not answer (${err.dialStatus ?? err.hangupCause})`
          : conversation.signal.aborted
            ? 'conversation_ended'
            : (err as Error).message;
      this.emit(s, 'failed', { reason });
      await this.teardown(s);
      this.sessions.delete(s.id);
      log.warn('supervision failed', { sessionId: s.id, mode: o.mode, reason });
      if (err instanceof OriginateFailedError)
        throw new ConflictError(`the supervisor's phone ${o.endpoint} did not answer`);
      if (conversation.signal.aborted) throw new NotFoundError(`conversation ${conversationId} ended`);
      throw err;
    }
    s.state = 'active';
    this.emit(s, 'start', {});
    log.info('supervision started', { sessionId: s.id, mode: o.mode, supervisor: o.supervisor });
    // Cleanup on either end, whichever comes first; end() runs once.
    void s.leg!.whenEnded().then(() => this.end(s, 'supervisor_hung_up'));
    conversation.signal.addEventListener('abort', () => void this.end(s, 'conversation_ended'), {
      once: true,
    });
    return view(s);
  }

  /** Puts the supervisor's leg where `mode` needs it; replaces the snoop when the direction changes. */
  private async join(telephony: Telephony, s: Session, mode: SupervisionMode): Promise<void> {
    const { conversation } = s;
    const oldSnoop = s.snoop;
    if (mode === 'barge') {
      await conversation.bridge.addChannel(s.leg!);
      s.snoop = undefined;
      await oldSnoop?.hangup();
      await s.bridge?.destroy();
      s.bridge = undefined;
    } else {
      s.snoop = await conversation.agentLeg.snoop(SnoopFor[mode]);
      s.bridge ??= await telephony.createBridge({ type: 'mixing', name: `supervision/${s.id}` });
      await s.bridge.addChannel(s.snoop);
      await s.bridge.addChannel(s.leg!);
      await oldSnoop?.hangup();
    }
  }

  async setMode(sessionId: string, mode: SupervisionMode, by: string): Promise<SupervisionView> {
    const s = this.session(sessionId);
    const run = s.chain.then(async () => {
      if (s.state !== 'active') throw new NotFoundError(`no supervision session ${sessionId}`);
      if (s.mode === mode) return view(s);
      const telephony = this.o.telephony();
      if (!telephony) throw new ConflictError('Asterisk is not connected');
      const previous = s.mode;
      const since = s.modeSince;
      await this.join(telephony, s, mode);
      s.mode = mode;
      s.modeSince = this.now();
      this.emit(s, 'mode', {
        previous,
        seconds: (s.modeSince - since) / 1000,
        reason: by === s.supervisor ? null : `by ${by}`,
      });
      return view(s);
    });
    s.chain = run.catch(() => undefined);
    return run;
  }

  async stop(sessionId: string): Promise<void> {
    await this.end(this.session(sessionId), 'stopped');
  }

  private async end(s: Session, reason: StopReason): Promise<void> {
    if (s.state === 'ending') return s.chain.then(() => undefined);
    const wasActive = s.state === 'active';
    s.state = 'ending';
    const run = s.chain.then(async () => {
      await this.teardown(s);
      this.sessions.delete(s.id);
      if (wasActive) {
        this.emit(s, 'stop', { reason, seconds: (this.now() - s.startedAt) / 1000 });
        s.conversation.agentLeg.log.info('supervision ended', { sessionId: s.id, reason });
      }
    });
    s.chain = run.catch(() => undefined);
    await run;
  }

  /** Snoop, supervisor's phone and supervision bridge go; the conversation's bridge stays. */
  private async teardown(s: Session): Promise<void> {
    await Promise.all([s.snoop?.hangup().catch(() => undefined), s.leg?.hangup().catch(() => undefined)]);
    await s.bridge?.destroy().catch(() => undefined);
    s.snoop = undefined;
    s.bridge = undefined;
  }

  private emit(
    s: Session,
    action: (typeof SupervisorActions)[number],
    extra: { previous?: SupervisionMode; seconds?: number; reason?: string | null },
  ): void {
    const c = s.conversation;
    const seq = s.seq++;
    try {
      this.o.facts.emit(
        fact(supervisorEventKind, factId('supervisor_event', s.id, seq), new Date(this.now()), {
          session_id: s.id,
          action,
          mode: s.mode,
          previous_mode: extra.previous ?? null,
          supervisor: s.supervisor,
          supervisor_endpoint: s.endpoint,
          supervisor_call_id: s.leg?.callId ?? null,
          conversation_id: c.conversationId,
          call_id: c.caller.callId,
          agent_call_id: c.agentLeg.callId,
          agent: c.agent,
          queue: c.queue,
          seconds: extra.seconds ?? null,
          reason: extra.reason ?? null,
        }),
      );
    } catch (err) {
      this.o.logger.error('supervisor event not recorded', {
        sessionId: s.id,
        error: (err as Error).message,
      });
    }
  }
}

function view(s: Session): SupervisionView {
  return {
    sessionId: s.id,
    conversationId: s.conversation.conversationId,
    agent: s.conversation.agent,
    queue: s.conversation.queue,
    mode: s.mode,
    supervisor: s.supervisor,
    endpoint: s.endpoint,
    state: s.state,
    startedAt: new Date(s.startedAt).toISOString(),
  };
}
