import { isoTimestamp } from '../ari/ids.js';
import type { AriChannel, AriEvent } from '../ari/model.js';
import type { Logger } from '../log/index.js';
import type { CallRecord } from './record.js';
import { CallTimeline, type Direction } from './timeline.js';

/**
 * What the recorder listens to: AriConnection's `event`, `originating`, `localHangup` and `lost`.
 * Kept structural so the recorder depends on no ARI class.
 */
export interface RecordSource {
  on(event: 'event' | 'originating' | 'localHangup' | 'lost', listener: (...args: any[]) => void): unknown;
  off(event: 'event' | 'originating' | 'localHangup' | 'lost', listener: (...args: any[]) => void): unknown;
}

/**
 * After StasisEnd, how long to wait for ChannelDestroyed: legs we originated get it (their
 * subscription outlives Stasis), a dialplan caller's app never does (Asterisk drops the subscription
 * Stasis() took), so its record closes at StasisEnd plus this grace.
 */
export const DefaultDestroyedGraceMs = 1000;

/** How long a leg we are originating waits for its first event before we forget it. */
export const DefaultOriginatingTtlMs = 10 * 60_000;

/** The channel an event is about (playbacks and recordings name it in target_uri). */
function channelOf(event: AriEvent): string | undefined {
  switch (event.type) {
    case 'Dial':
      return event.peer.id;
    case 'PlaybackStarted':
    case 'PlaybackContinuing':
    case 'PlaybackFinished':
      return event.playback.target_uri.startsWith('channel:')
        ? event.playback.target_uri.slice(8)
        : undefined;
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed':
      return event.recording.target_uri.startsWith('channel:')
        ? event.recording.target_uri.slice(8)
        : undefined;
    default:
      return (event as { channel?: { id: string } }).channel?.id;
  }
}

/**
 * Follows every call leg of one ARI connection from its first event to ChannelDestroyed and hands
 * the finished record to `sink` (the outbox). Legs we create are announced first, so their early
 * Dial/state events already count; inbound legs start at StasisStart.
 */
export class CallRecorder {
  private readonly timelines = new Map<string, CallTimeline>();
  private readonly originating = new Map<
    string,
    { direction: Direction; parentCallId?: string; to?: string; at: number }
  >();
  /** Legs past StasisEnd waiting (briefly) for a ChannelDestroyed that may never come. */
  private readonly closing = new Map<string, NodeJS.Timeout>();
  private readonly listeners: Array<
    ['event' | 'originating' | 'localHangup' | 'lost', (...a: any[]) => void]
  >;

  constructor(
    private readonly source: RecordSource,
    private readonly sink: (record: CallRecord) => void,
    private readonly logger: Logger,
    private readonly destroyedGraceMs = DefaultDestroyedGraceMs,
  ) {
    this.listeners = [
      ['event', (event: AriEvent) => this.onEvent(event)],
      [
        'originating',
        (o: { channelId: string; direction: Direction; parentCallId?: string; to?: string }) =>
          this.onOriginating(o),
      ],
      ['localHangup', (channelId: string) => this.timelines.get(channelId)?.noteLocalHangup()],
      ['lost', (channelId: string) => this.finish(channelId, new Date().toISOString())],
    ];
    for (const [name, fn] of this.listeners) source.on(name, fn);
  }

  /** The live timeline of a channel, for flows that annotate (purpose, queue, agent) or mask keys. */
  timeline(channelId: string): CallTimeline | undefined {
    return this.timelines.get(channelId);
  }

  get open(): number {
    return this.timelines.size + this.originating.size;
  }

  close(): void {
    for (const [name, fn] of this.listeners) this.source.off(name, fn);
    for (const [channelId, timer] of this.closing) {
      clearTimeout(timer);
      this.finish(channelId);
    }
    this.closing.clear();
  }

  private onOriginating(o: {
    channelId: string;
    direction: Direction;
    parentCallId?: string;
    to?: string;
  }): void {
    const now = Date.now();
    this.originating.set(o.channelId, {
      direction: o.direction,
      parentCallId: o.parentCallId,
      to: o.to,
      at: now,
    });
    // A leg whose originate failed before Asterisk made a channel never sends an event: forget it.
    if (this.originating.size % 256 === 0) {
      for (const [id, v] of this.originating)
        if (now - v.at > DefaultOriginatingTtlMs) this.originating.delete(id);
    }
  }

  private onEvent(event: AriEvent): void {
    const channelId = channelOf(event);
    if (!channelId) return;
    let timeline = this.timelines.get(channelId);
    if (!timeline) {
      const channel = event.type === 'Dial' ? event.peer : (event as { channel?: AriChannel }).channel;
      if (!channel || channel.id !== channelId) return;
      const pending = this.originating.get(channelId);
      if (pending) {
        this.originating.delete(channelId);
        timeline = new CallTimeline({
          channel,
          direction: pending.direction,
          parentCallId: pending.parentCallId ?? null,
          to: pending.to,
        });
      } else if (event.type === 'StasisStart') {
        const args = event.args ?? [];
        timeline = new CallTimeline({
          channel,
          direction: 'inbound',
          did: args[0] === 'inbound' ? args[1] : undefined,
        });
      } else {
        return; // an event about a channel we neither created nor received
      }
      this.timelines.set(channelId, timeline);
    }
    timeline.add(event);
    if (event.type === 'ChannelDestroyed') {
      clearTimeout(this.closing.get(channelId));
      this.closing.delete(channelId);
      // Flows still unwinding from the hang-up add their last entries a few promise turns later.
      setImmediate(() => this.finish(channelId));
    } else if (event.type === 'StasisEnd' && !this.closing.has(channelId)) {
      const timer = setTimeout(() => {
        this.closing.delete(channelId);
        this.finish(channelId, isoTimestamp(event.timestamp));
      }, this.destroyedGraceMs);
      timer.unref();
      this.closing.set(channelId, timer);
    }
  }

  private finish(channelId: string, fallbackEnd?: string): void {
    const timeline = this.timelines.get(channelId);
    this.originating.delete(channelId);
    if (!timeline) return;
    this.timelines.delete(channelId);
    try {
      this.sink(timeline.finish(fallbackEnd));
    } catch (err) {
      this.logger.error('call record could not be handed on', {
        callId: timeline.callId,
        error: (err as Error).message,
      });
    }
  }
}
