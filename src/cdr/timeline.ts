import { callIdFor, isoTimestamp } from '../ari/ids.js';
import type { AriChannel, AriEvent } from '../ari/model.js';
import type { CallEventRecord, CallRecord } from './record.js';

export type Direction = CallRecord['direction'];
type Annotations = Partial<
  Pick<
    CallRecord,
    | 'purpose'
    | 'priority'
    | 'queue'
    | 'agent'
    | 'campaign'
    | 'leadId'
    | 'disposition'
    | 'waitSeconds'
    | 'wrapupSeconds'
  >
>;

export interface TimelineStart {
  channel: AriChannel;
  direction: Direction;
  /** The leg this one was created for (an agent leg's inbound call). */
  parentCallId?: string | null;
  conversationId?: string | null;
  /** The number dialed, when the dialplan passed it (Stasis(app,inbound,${EXTEN})). */
  did?: string;
  /** The destination of a leg we originated (from its dial string). */
  to?: string;
}

/** Keys stay out of the records while a flow collects card data or other secrets. */
const MaskedDigit = '*';

const seconds = (fromIso: string | null, toIso: string | null) =>
  fromIso && toIso ? Math.max(0, (Date.parse(toIso) - Date.parse(fromIso)) / 1000) : 0;

/**
 * One call leg's ARI events, in arrival order, turned into the leg's record: timestamps, durations,
 * disposition, cause and who hung up. Pure: no I/O, no clock but the events' own timestamps.
 */
export class CallTimeline {
  readonly callId: string;
  private readonly events: CallEventRecord[] = [];
  private readonly record: Omit<CallRecord, 'events' | 'endedAt' | 'disposition' | 'hangupBy'> & {
    disposition?: CallRecord['disposition'];
  };
  private endedAt: string | null = null;
  private ringingAt: string | null = null;
  private heldSince: string | null = null;
  private hangupRequest: { cause?: number; local: boolean } | undefined;
  private lastDialStatus: string | undefined;
  private masking = false;

  constructor(start: TimelineStart) {
    const { channel } = start;
    this.callId = callIdFor(channel);
    const startedAt = isoTimestamp(channel.creationtime);
    this.record = {
      callId: this.callId,
      conversationId: start.conversationId ?? start.parentCallId ?? this.callId,
      parentCallId: start.parentCallId ?? null,
      direction: start.direction,
      channelId: channel.id,
      fromNumber: channel.caller?.number || null,
      toNumber:
        start.direction === 'inbound'
          ? start.did || channel.dialplan?.exten || null
          : start.to || channel.connected?.number || null,
      did: start.direction === 'inbound' ? start.did || channel.dialplan?.exten || null : null,
      language: channel.language || null,
      startedAt,
      answeredAt: null,
      ringSeconds: 0,
      waitSeconds: 0,
      talkSeconds: 0,
      holdSeconds: 0,
      wrapupSeconds: 0,
      hangupCause: null,
      hangupCauseText: null,
      purpose: null,
      priority: null,
      queue: null,
      agent: null,
      campaign: null,
      leadId: null,
      recordingIds: [],
    };
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** Set by flows: purpose, queue, agent, an explicit disposition such as voicemail. */
  annotate(fields: Annotations): void {
    Object.assign(this.record, fields);
  }

  /** While on, DTMF is recorded as "*" (card numbers, PINs). */
  maskDigits(on: boolean): void {
    this.masking = on;
  }

  /**
   * We asked Asterisk to hang up this channel (so the hang-up is ours, not the remote party's), with
   * the Q.850 cause of the reason we gave: Asterisk reports it only in ChannelDestroyed, which a
   * dialplan caller's app never receives.
   */
  noteLocalHangup(cause: number = LocalHangupCause): void {
    this.hangupRequest ??= { local: true };
    this.record.hangupCause ??= cause;
  }

  /** A timeline entry a feature adds (IVR node, queue join...). */
  addEntry(
    entry: Omit<CallEventRecord, 'seq' | 'channelId' | 'digit' | 'media' | 'bridgeId' | 'cause'> &
      Partial<CallEventRecord>,
  ): void {
    this.push({
      channelId: this.record.channelId,
      digit: null,
      media: null,
      bridgeId: null,
      cause: null,
      ...entry,
      detail: entry.detail ?? {},
    });
  }

  private push(entry: Omit<CallEventRecord, 'seq'>): void {
    this.events.push({ seq: this.events.length, ...entry });
  }

  add(event: AriEvent): void {
    const at = isoTimestamp(event.timestamp);
    const channelId = this.record.channelId;
    const base = {
      at,
      channelId,
      digit: null,
      media: null,
      bridgeId: null,
      cause: null,
      detail: {} as Record<string, unknown>,
    };
    switch (event.type) {
      case 'StasisStart':
        this.push({ ...base, type: 'stasis_start', detail: { args: event.args } });
        if (event.channel.state === 'Up' && !this.record.answeredAt && this.record.direction !== 'inbound')
          this.answer(at);
        break;
      case 'ChannelStateChange':
        if (event.channel.state === 'Ringing' || event.channel.state === 'Ring') {
          this.ringingAt ??= at;
          this.push({ ...base, type: 'ringing' });
        } else if (event.channel.state === 'Up' && !this.record.answeredAt) {
          this.answer(at);
        }
        break;
      case 'Dial':
        if (event.dialstatus) this.lastDialStatus = event.dialstatus;
        this.push({
          ...base,
          type: 'dial',
          detail: { dialstatus: event.dialstatus, dialstring: event.dialstring ?? null },
        });
        break;
      case 'ChannelDtmfReceived':
        this.push({
          ...base,
          type: 'dtmf',
          digit: this.masking ? MaskedDigit : event.digit,
          detail: { durationMs: event.duration_ms },
        });
        break;
      case 'PlaybackStarted':
      case 'PlaybackFinished':
        this.push({
          ...base,
          type: event.type === 'PlaybackStarted' ? 'playback_started' : 'playback_finished',
          media: event.playback.media_uri.slice(0, 512),
          detail: { playbackId: event.playback.id, state: event.playback.state },
        });
        break;
      case 'RecordingStarted':
      case 'RecordingFinished':
      case 'RecordingFailed':
        if (event.type === 'RecordingStarted' && !this.record.recordingIds.includes(event.recording.name)) {
          this.record.recordingIds.push(event.recording.name);
        }
        this.push({
          ...base,
          type: event.type === 'RecordingStarted' ? 'recording_started' : 'recording_finished',
          media: event.recording.name,
          detail: {
            state: event.recording.state,
            format: event.recording.format,
            duration: event.recording.duration ?? null,
          },
        });
        break;
      case 'ChannelEnteredBridge':
      case 'ChannelLeftBridge':
        this.push({
          ...base,
          type: event.type === 'ChannelEnteredBridge' ? 'bridge_enter' : 'bridge_leave',
          bridgeId: event.bridge.id,
        });
        break;
      case 'ChannelHold':
        this.heldSince ??= at;
        this.push({ ...base, type: 'hold' });
        break;
      case 'ChannelUnhold':
        this.closeHold(at);
        this.push({ ...base, type: 'unhold' });
        break;
      case 'ChannelHangupRequest':
        this.hangupRequest = { cause: event.cause, local: this.hangupRequest?.local ?? false };
        // A hard request carries the far end's cause; ARI's own hang-ups are soft (cause 32, no meaning).
        if (!event.soft && event.cause !== undefined && event.cause > 0 && event.cause <= 127)
          this.record.hangupCause = event.cause;
        this.push({
          ...base,
          type: 'hangup_request',
          cause: event.cause ?? null,
          detail: { soft: event.soft ?? false },
        });
        break;
      case 'StasisEnd':
        this.push({ ...base, type: 'stasis_end' });
        break;
      case 'ChannelDestroyed':
        this.closeHold(at);
        this.endedAt = at;
        this.record.hangupCause = event.cause >= 0 && event.cause <= 127 ? event.cause : null;
        this.record.hangupCauseText = event.cause_txt?.slice(0, 128) || null;
        this.push({ ...base, type: 'destroyed', cause: event.cause, detail: { causeText: event.cause_txt } });
        break;
      default:
        break;
    }
  }

  private answer(at: string): void {
    this.record.answeredAt = at;
    this.push({
      at,
      channelId: this.record.channelId,
      type: 'answered',
      digit: null,
      media: null,
      bridgeId: null,
      cause: null,
      detail: {},
    });
  }

  private closeHold(at: string): void {
    if (!this.heldSince) return;
    this.record.holdSeconds += seconds(this.heldSince, at);
    this.heldSince = null;
  }

  /** The finished record; `endedAt` defaults to the last event (a call lost in an outage). */
  finish(fallbackEnd?: string): CallRecord {
    const endedAt =
      this.endedAt ?? fallbackEnd ?? this.events[this.events.length - 1]?.at ?? this.record.startedAt;
    const { answeredAt, startedAt } = this.record;
    const ringFrom = this.ringingAt ?? startedAt;
    const ringSeconds = answeredAt ? seconds(ringFrom, answeredAt) : seconds(ringFrom, endedAt);
    const connected = answeredAt ? seconds(answeredAt, endedAt) : 0;
    const talkSeconds = Math.max(0, connected - this.record.holdSeconds - this.record.waitSeconds);
    const cause = this.record.hangupCause;
    return {
      ...this.record,
      hangupCauseText: this.record.hangupCauseText ?? (cause !== null ? (CauseText[cause] ?? null) : null),
      endedAt,
      ringSeconds: round(ringSeconds),
      talkSeconds: round(talkSeconds),
      holdSeconds: round(this.record.holdSeconds),
      disposition: this.record.disposition ?? this.disposition(),
      hangupBy: this.hangupBy(),
      recordingIds: [...this.record.recordingIds],
      events: this.events,
    };
  }

  private disposition(): CallRecord['disposition'] {
    if (this.record.answeredAt) return 'answered';
    const cause = this.record.hangupCause;
    if (cause === 17 || this.lastDialStatus === 'BUSY') return 'busy';
    if (cause === 19 || cause === 18 || this.lastDialStatus === 'NOANSWER') return 'no_answer';
    if (cause === 34 || this.lastDialStatus === 'CONGESTION' || this.lastDialStatus === 'CHANUNAVAIL')
      return 'congestion';
    if (this.record.direction === 'inbound') return this.hangupRequest?.local ? 'failed' : 'abandoned';
    if (this.hangupRequest?.local) return 'cancelled';
    return 'failed';
  }

  private hangupBy(): CallRecord['hangupBy'] {
    if (!this.hangupRequest && this.endedAt === null) return 'unknown';
    if (this.hangupRequest?.local) return 'system';
    if (!this.hangupRequest && !this.record.answeredAt) return 'system';
    return this.record.direction === 'inbound' ? 'caller' : 'callee';
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Normal Clearing: the cause of a hang-up we asked for without a more specific reason. */
const LocalHangupCause = 16;

/** Asterisk's texts (ast_cause2str) for the causes a call most often ends with. */
const CauseText: Record<number, string> = {
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  27: 'Destination out of order',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
};
