import { randomUUID } from 'node:crypto';
import type { Call, Recording } from '../../ari/index.js';
import { ConflictError, NotFoundError } from '../../api/errors.js';
import type { Logger } from '../../log/index.js';
import type { Conversation, ConversationHooks, Conversations } from '../port.js';
import { NeverRecord, type PolicyLookup, type RecordingPolicy } from './policy.js';
import type { ConsentOutcome, RecordingStore } from './store.js';

export const DefaultRetentionDays = 90;
const DayMs = 86_400_000;

export interface RecordingServiceOptions {
  store: RecordingStore;
  conversations: Conversations;
  policy: PolicyLookup;
  logger: Logger;
  /** Days a file is kept when the policy does not say; 0 keeps files forever. */
  retentionDays?: number;
  /** Language of the consent prompt when the caller's channel has none. */
  defaultLanguage?: string;
  /** The caller's prompt language (the IVR's choice); defaults to the channel's language. */
  languageOf?: (conversation: Conversation) => string | undefined;
  now?: () => Date;
}

interface Pause {
  seq: number;
  atMs: number;
}

/** One conversation's recording while it runs. */
interface Live {
  id: string;
  name: string;
  conversation: Conversation;
  state: 'starting' | 'recording' | 'paused' | 'stopping';
  snoop?: Call;
  recording?: Recording;
  startedAtMs: number;
  pause?: Pause;
  pauses: number;
  pausedMs: number;
  stoppedBy: string | null;
}

export interface LiveRecordingView {
  recordingId: string;
  conversationId: string;
  state: Live['state'];
  pauses: number;
}

/**
 * Records conversations as their queue's policy says. The recording is of a snoop channel on the
 * caller's leg that spies both directions: what the caller says and what the caller hears (the
 * agent, a barging supervisor, a third party), i.e. the whole conversation. A snoop is used rather
 * than the caller's channel because Asterisk refuses to record a channel while it is in a bridge,
 * and the port has no bridge recording; the snoop also follows the caller if the agent side changes.
 */
export class RecordingService implements ConversationHooks {
  private readonly live = new Map<string, Live>();
  private readonly policies = new Map<string, RecordingPolicy>();
  private readonly now: () => Date;

  constructor(private readonly o: RecordingServiceOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async connected(conversation: Conversation): Promise<void> {
    try {
      const policy = await this.o.policy(conversation);
      if (conversation.signal.aborted) return;
      this.policies.set(conversation.conversationId, policy);
      if (policy.mode === 'always') await this.start(conversation.conversationId, 'policy');
    } catch (err) {
      const gone = conversation.signal.aborted || conversation.caller.ended || conversation.agentLeg.ended;
      conversation.caller.log[gone ? 'info' : 'error']('recording could not start', {
        error: (err as Error).message,
      });
    }
  }

  async ended(conversation: Conversation): Promise<void> {
    this.policies.delete(conversation.conversationId);
    const live = this.live.get(conversation.conversationId);
    if (live) await this.finish(live, null).catch(() => undefined);
  }

  /** The policy a live conversation runs under (never when unknown). */
  policyOf(conversationId: string): RecordingPolicy {
    return this.policies.get(conversationId) ?? NeverRecord;
  }

  status(conversationId: string): LiveRecordingView | undefined {
    const l = this.live.get(conversationId);
    return l && { recordingId: l.id, conversationId, state: l.state, pauses: l.pauses };
  }

  private conversation(conversationId: string): Conversation {
    const c = this.o.conversations.byId(conversationId);
    if (!c || c.signal.aborted) throw new NotFoundError(`no live conversation ${conversationId}`);
    return c;
  }

  private current(conversationId: string): Live {
    this.conversation(conversationId);
    const l = this.live.get(conversationId);
    if (!l) throw new ConflictError(`conversation ${conversationId} is not being recorded`);
    return l;
  }

  /**
   * Starts recording (the policy's always, or on demand): plays the consent prompt to the caller
   * first when configured; a caller who presses the opt-out key is not recorded.
   */
  async start(conversationId: string, by: string): Promise<{ recordingId: string; consent: ConsentOutcome }> {
    const conversation = this.conversation(conversationId);
    const policy = this.policies.get(conversationId) ?? (await this.o.policy(conversation));
    if (policy.mode === 'never')
      throw new ConflictError(`recording is not allowed for queue ${conversation.queue ?? '(none)'}`);
    if (this.live.has(conversationId))
      throw new ConflictError(`conversation ${conversationId} is already being recorded`);
    const at = this.now();
    const id = randomUUID();
    const name = `calls/${at.toISOString().slice(0, 10)}/${id}`;
    const live: Live = {
      id,
      name,
      conversation,
      state: 'starting',
      startedAtMs: at.getTime(),
      pauses: 0,
      pausedMs: 0,
      stoppedBy: null,
    };
    this.live.set(conversationId, live);
    const { caller } = conversation;
    const language =
      this.o.languageOf?.(conversation) ?? (caller.channel.language || this.o.defaultLanguage || 'en');
    const retention = policy.retentionDays ?? this.o.retentionDays ?? DefaultRetentionDays;
    const row = {
      id,
      name,
      format: policy.format,
      call_id: caller.callId,
      agent_call_id: conversation.agentLeg.callId,
      conversation_id: conversationId,
      queue: conversation.queue,
      agent: conversation.agent,
      policy: by === 'policy' ? ('always' as const) : ('on_demand' as const),
      consent_prompt: policy.consentPrompt,
      language: policy.consentPrompt ? language : null,
      started_by: by,
    };
    try {
      let consent: ConsentOutcome = 'not_required';
      if (policy.consentPrompt) {
        const played = await caller.play(policy.consentPrompt, {
          lang: language,
          bargeIn: policy.optOutDigit !== null,
          // Either side hanging up stops the prompt (the ACD's signal only aborts once hooks returned).
          signal: AbortSignal.any([conversation.signal, conversation.agentLeg.signal]),
        });
        if (played.status === 'cancelled' && played.digit === undefined)
          throw new ConflictError('the conversation ended during the consent prompt');
        consent = played.digit !== undefined && played.digit === policy.optOutDigit ? 'declined' : 'notified';
        // A caller who could not be told is not recorded: a missing prompt is a failed recording.
        if (played.status === 'failed') {
          this.live.delete(conversationId);
          const now = this.now();
          const failure = `consent prompt ${policy.consentPrompt} could not be played (${language})`;
          consent = 'not_played';
          await this.o.store.insert({
            ...row,
            consent,
            status: 'failed',
            started_at: now,
            ended_at: now,
            purge_after: null,
          });
          await this.o.store.finish(id, {
            status: 'failed',
            at: now,
            durationMs: 0,
            pausedMs: 0,
            stoppedBy: null,
            failure,
          });
          caller.log.error('recording not started: consent prompt failed', {
            conversationId,
            recordingId: id,
          });
          return { recordingId: id, consent };
        }
      }
      if (consent === 'declined') {
        this.live.delete(conversationId);
        const now = this.now();
        await this.o.store.insert({
          ...row,
          consent,
          status: 'declined',
          started_at: now,
          ended_at: now,
          purge_after: null,
        });
        caller.log.info('caller declined recording', { conversationId, recordingId: id });
        return { recordingId: id, consent };
      }
      // Spy both ways on the caller: the caller's voice and everything the caller hears.
      live.snoop = await caller.snoop({ spy: 'both' });
      if (conversation.signal.aborted) throw new ConflictError('the conversation ended');
      live.recording = await live.snoop.startRecording({ name, format: policy.format, ifExists: 'fail' });
      const startedAt = this.now();
      live.startedAtMs = startedAt.getTime();
      live.state = 'recording';
      await this.o.store.insert({
        ...row,
        consent,
        status: 'recording',
        started_at: startedAt,
        purge_after: retention > 0 ? new Date(startedAt.getTime() + retention * DayMs) : null,
      });
      void this.watch(live);
      caller.log.info('recording started', { conversationId, recordingId: id, by, consent });
      if (conversation.signal.aborted) await this.finish(live, null);
      return { recordingId: id, consent };
    } catch (err) {
      if (this.live.get(conversationId) === live) this.live.delete(conversationId);
      await live.recording?.stop().catch(() => undefined);
      await live.snoop?.hangup().catch(() => undefined);
      throw err;
    }
  }

  /** A recording that Asterisk ends on its own (snoop gone, failure) is closed the same way. */
  private async watch(live: Live): Promise<void> {
    try {
      const end = await live.recording!.done();
      if (end.status === 'failed') await this.finish(live, null, end.recording.cause ?? 'recording failed');
      else await this.finish(live, null);
    } catch {
      await this.finish(live, null).catch(() => undefined);
    }
  }

  /**
   * Pauses for card data. Asterisk offers two controls: `pause` stops writing, so the file has no
   * trace of the interval and everything after it moves earlier; `mute` keeps writing, silence in
   * place of the audio. We mute: the file is silent there, its length is the conversation's, and
   * the stored offsets of each pause point at the silent stretch in the file.
   */
  async pause(conversationId: string, by: string, reason: string | null = null): Promise<LiveRecordingView> {
    const live = this.current(conversationId);
    if (live.state === 'paused') throw new ConflictError('the recording is already paused');
    if (live.state !== 'recording') throw new ConflictError(`the recording is ${live.state}`);
    await live.recording!.mute();
    const at = this.now();
    live.pause = { seq: live.pauses++, atMs: at.getTime() };
    live.state = 'paused';
    await this.o.store.addPause(live.id, {
      seq: live.pause.seq,
      at,
      offsetMs: at.getTime() - live.startedAtMs,
      by,
      reason,
    });
    return this.status(conversationId)!;
  }

  async resume(conversationId: string, by: string): Promise<LiveRecordingView> {
    const live = this.current(conversationId);
    if (live.state !== 'paused') throw new ConflictError('the recording is not paused');
    await live.recording!.unmute();
    await this.closePause(live, by, 'recording');
    live.state = 'recording';
    return this.status(conversationId)!;
  }

  private async closePause(live: Live, by: string, status: 'recording' | 'paused'): Promise<void> {
    const pause = live.pause;
    if (!pause) return;
    live.pause = undefined;
    const at = this.now();
    live.pausedMs += at.getTime() - pause.atMs;
    await this.o.store.endPause(
      live.id,
      { seq: pause.seq, at, offsetMs: at.getTime() - live.startedAtMs, by },
      status,
    );
  }

  async stop(conversationId: string, by: string): Promise<{ recordingId: string }> {
    const live = this.current(conversationId);
    await this.finish(live, by);
    return { recordingId: live.id };
  }

  /** Ends a recording once: stops it, hangs the snoop up and closes its row. */
  private async finish(live: Live, by: string | null, failure?: string): Promise<void> {
    // A recording still starting is cleaned up by start(), which checks the conversation's signal.
    if (live.state === 'stopping' || live.state === 'starting') return;
    const wasPaused = live.state === 'paused';
    live.state = 'stopping';
    live.stoppedBy = by;
    const key = live.conversation.conversationId;
    if (this.live.get(key) === live) this.live.delete(key);
    try {
      if (wasPaused) await this.closePause(live, by ?? 'ended', 'paused');
      await live.recording?.stop().catch(() => undefined);
      const at = this.now();
      await this.o.store.finish(live.id, {
        status: failure ? 'failed' : 'finished',
        at,
        durationMs: at.getTime() - live.startedAtMs,
        pausedMs: live.pausedMs,
        stoppedBy: by,
        failure: failure ?? null,
      });
      live.conversation.caller.log.info('recording ended', {
        conversationId: key,
        recordingId: live.id,
        by: by ?? 'conversation end',
        ...(failure ? { failure } : {}),
      });
    } finally {
      await live.snoop?.hangup().catch(() => undefined);
    }
  }

  /** Live recordings (for leak checks). */
  get active(): number {
    return this.live.size;
  }
}
