import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/index.js';
import { AriChannelGoneError, AriNotFoundError, CallHungUpError, isGone } from './errors.js';
import { callIdFor } from './ids.js';
import type { AriChannel, AriLiveRecording, HangupReason, PlaybackEvent, RecordingEvent } from './model.js';
import type {
  Call,
  CollectOptions,
  CollectResult,
  PlayOptions,
  PlayResult,
  RecordOptions,
  Recording,
  SnoopOptions,
  WaitStatus,
} from './port.js';
import type { AriRest } from './rest.js';
import { type Pending, failAll, waitOn } from './wait.js';

/** What a call needs from its connection: REST, routing of playback/recording events, logging. */
export interface CallRuntime {
  readonly rest: AriRest;
  readonly app: string;
  readonly logger: Logger;
  readonly playbacks: Map<string, (event: PlaybackEvent) => void>;
  readonly recordings: Map<string, (event: RecordingEvent) => void>;
  /** A leg we are creating (originate, snoop), for the call records. */
  noteOriginating(
    channelId: string,
    direction: 'outbound' | 'internal',
    parentCallId?: string,
    to?: string,
  ): void;
  /** We are hanging this channel up (so the hang-up is ours, not the remote party's). */
  noteLocalHangup(channelId: string): void;
  /** Registers a channel id whose StasisStart we expect (snoop, originate) before acting. */
  expectStasis(channelId: string, signal?: AbortSignal): { call: Promise<Call>; cancel(err: Error): void };
}

const RecordingFinal = new Set(['RecordingFinished', 'RecordingFailed']);

export class AriCall implements Call {
  readonly callId: string;
  readonly pendings = new Set<Pending>();
  private readonly controller = new AbortController();
  private digitBuffer = '';
  private digitConsumer: ((digit: string) => void) | undefined;
  private readonly digitObservers = new Set<(digit: string) => void>();
  private readonly ownedRecordings = new Set<string>();
  private endedWith: { cause?: number } | undefined;
  private endWaiters: Array<(v: { cause?: number }) => void> = [];
  private logger: Logger | undefined;
  /** Q.850 cause from ChannelHangupRequest/ChannelDestroyed, when Asterisk gave one. */
  hangupCause: number | undefined;

  constructor(
    private readonly rt: CallRuntime,
    public channel: AriChannel,
    readonly args: readonly string[],
  ) {
    this.callId = callIdFor(channel);
  }

  get channelId(): string {
    return this.channel.id;
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get ended(): boolean {
    return this.endedWith !== undefined;
  }
  /** Created on first use: most calls of a busy engine never log. */
  get log(): Logger {
    this.logger ??= this.rt.logger.child({ callId: this.callId, channelId: this.channel.id });
    return this.logger;
  }

  /** Called by the connection when the channel leaves Stasis or is destroyed. */
  end(cause?: number): void {
    if (this.endedWith) return;
    if (cause !== undefined) this.hangupCause ??= cause;
    this.endedWith = { cause: this.hangupCause };
    // Fail the waits first: a wait given call.signal must reject with CallHungUpError, not end "cancelled".
    failAll(this.pendings, this.channel.id, this.hangupCause);
    this.controller.abort();
    this.digitConsumer = undefined;
    this.digitObservers.clear();
    for (const name of this.ownedRecordings) this.rt.recordings.delete(name);
    this.ownedRecordings.clear();
    for (const resolve of this.endWaiters) resolve(this.endedWith);
    this.endWaiters = [];
  }

  /** Keys go to an active collectDigits, else into the type-ahead buffer; barge-in observers see all. */
  receiveDigit(digit: string): void {
    if (this.digitConsumer) this.digitConsumer(digit);
    else this.digitBuffer += digit;
    for (const observe of [...this.digitObservers]) observe(digit);
  }

  /** Forgets keys pressed ahead (a menu that must not take type-ahead). */
  clearDigits(): void {
    this.digitBuffer = '';
  }

  whenEnded(): Promise<{ cause?: number }> {
    if (this.endedWith) return Promise.resolve(this.endedWith);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** A REST call on this channel: a channel that is gone means the caller hung up. */
  private async op<T = unknown>(resource: string, operation: string, params: object): Promise<T> {
    if (this.ended) throw new CallHungUpError(this.channel.id, this.hangupCause);
    try {
      return await this.rt.rest.call<T>(resource, operation, params);
    } catch (err) {
      if (this.ended || err instanceof AriChannelGoneError) {
        throw new CallHungUpError(this.channel.id, this.hangupCause);
      }
      throw err;
    }
  }

  async answer(): Promise<void> {
    await this.op('channels', 'answer', { channelId: this.channel.id });
  }
  async ring(): Promise<void> {
    await this.op('channels', 'ring', { channelId: this.channel.id });
  }
  async startMoh(mohClass?: string): Promise<void> {
    await this.op('channels', 'startMoh', { channelId: this.channel.id, ...(mohClass ? { mohClass } : {}) });
  }
  async stopMoh(): Promise<void> {
    await this.op('channels', 'stopMoh', { channelId: this.channel.id });
  }
  async hold(): Promise<void> {
    await this.op('channels', 'hold', { channelId: this.channel.id });
  }
  async unhold(): Promise<void> {
    await this.op('channels', 'unhold', { channelId: this.channel.id });
  }
  async setVariable(variable: string, value: string): Promise<void> {
    await this.op('channels', 'setChannelVar', { channelId: this.channel.id, variable, value });
  }
  async getVariable(variable: string): Promise<string | undefined> {
    try {
      const res = await this.op<{ value?: string }>('channels', 'getChannelVar', {
        channelId: this.channel.id,
        variable,
      });
      return res.value;
    } catch (err) {
      // An unset variable is a 404 "Provided variable was not found" on a live channel.
      if (err instanceof AriNotFoundError && !this.ended) return undefined;
      throw err;
    }
  }

  async hangup(reason: HangupReason = 'normal'): Promise<void> {
    if (this.ended) return;
    this.rt.noteLocalHangup(this.channel.id);
    try {
      await this.rt.rest.call('channels', 'hangup', { channelId: this.channel.id, reason });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  play(media: string | string[], options: PlayOptions = {}): Promise<PlayResult> {
    const playbackId = randomUUID();
    if (options.bargeIn && this.digitBuffer) {
      // The caller already answered ahead of the prompt: do not play it at all.
      return Promise.resolve({ status: 'cancelled', playbackId, digit: this.digitBuffer[0] });
    }
    const stop = () => void this.rt.rest.call('playbacks', 'stop', { playbackId }).catch(() => undefined);
    return waitOn<PlayResult>({
      pendings: this.pendings,
      signal: options.signal,
      onAbort: () => (stop(), { status: 'cancelled', playbackId }),
      listen: (settle, fail) => {
        this.rt.playbacks.set(playbackId, (event) => {
          if (event.type !== 'PlaybackFinished') return;
          settle({ status: event.playback.state === 'failed' ? 'failed' : 'finished', playbackId });
        });
        const onDigit = options.bargeIn
          ? (digit: string) => (stop(), settle({ status: 'cancelled', playbackId, digit }))
          : undefined;
        if (onDigit) this.digitObservers.add(onDigit);
        const lang = options.lang ?? this.channel.language;
        const list = Array.isArray(media) ? media.join(',') : media;
        this.op('channels', 'playWithId', {
          channelId: this.channel.id,
          playbackId,
          media: list,
          ...(lang ? { lang } : {}),
        }).catch(fail);
        return () => {
          this.rt.playbacks.delete(playbackId);
          if (onDigit) this.digitObservers.delete(onDigit);
        };
      },
    });
  }

  collectDigits(options: CollectOptions): Promise<CollectResult> {
    const terminators = options.terminators ?? '';
    let digits = '';
    return waitOn<CollectResult>({
      pendings: this.pendings,
      signal: options.signal,
      onAbort: () => ({ digits, status: 'cancelled' }),
      listen: (settle) => {
        let timer: NodeJS.Timeout | undefined;
        const arm = (ms: number) => {
          clearTimeout(timer);
          timer = setTimeout(() => settle({ digits, status: 'timeout' }), ms);
        };
        const take = (digit: string): boolean => {
          if (terminators.includes(digit)) {
            settle({ digits, status: 'finished', terminator: digit });
            return true;
          }
          digits += digit;
          if (digits.length >= options.maxDigits) {
            settle({ digits, status: 'finished' });
            return true;
          }
          arm(options.interDigitTimeoutMs);
          return false;
        };
        while (this.digitBuffer) {
          const digit = this.digitBuffer[0]!;
          this.digitBuffer = this.digitBuffer.slice(1);
          if (take(digit)) return () => clearTimeout(timer);
        }
        if (!digits) arm(options.firstDigitTimeoutMs);
        const consumer = (digit: string) => void take(digit);
        this.digitConsumer = consumer;
        return () => {
          clearTimeout(timer);
          if (this.digitConsumer === consumer) this.digitConsumer = undefined;
        };
      },
    });
  }

  async startRecording(options: RecordOptions): Promise<Recording> {
    const name = options.name;
    let final: RecordingEvent | undefined;
    const waiters = new Set<(e: RecordingEvent) => void>();
    this.rt.recordings.set(name, (event) => {
      if (!RecordingFinal.has(event.type)) return;
      final = event;
      this.rt.recordings.delete(name);
      this.ownedRecordings.delete(name);
      for (const w of waiters) w(event);
    });
    this.ownedRecordings.add(name);
    try {
      await this.op('channels', 'record', {
        channelId: this.channel.id,
        name,
        format: options.format ?? 'wav',
        ifExists: options.ifExists ?? 'fail',
        ...(options.maxDurationSeconds !== undefined
          ? { maxDurationSeconds: options.maxDurationSeconds }
          : {}),
        ...(options.maxSilenceSeconds !== undefined ? { maxSilenceSeconds: options.maxSilenceSeconds } : {}),
        ...(options.beep !== undefined ? { beep: options.beep } : {}),
        ...(options.terminateOn ? { terminateOn: options.terminateOn } : {}),
      });
    } catch (err) {
      this.rt.recordings.delete(name);
      this.ownedRecordings.delete(name);
      throw err;
    }
    const live = (operation: string) => async () => {
      try {
        await this.rt.rest.call('recordings', operation, { recordingName: name });
      } catch (err) {
        // Stopping a recording that already finished is not a failure.
        if (!(operation === 'stop' && err instanceof AriNotFoundError)) throw err;
      }
    };
    const done = () =>
      waitOn<{ status: WaitStatus; recording: AriLiveRecording }>({
        pendings: this.pendings,
        listen: (settle) => {
          const onFinal = (e: RecordingEvent) =>
            settle({
              status: e.type === 'RecordingFinished' ? 'finished' : 'failed',
              recording: e.recording,
            });
          if (final) onFinal(final);
          else waiters.add(onFinal);
          return () => waiters.delete(onFinal);
        },
      });
    return {
      name,
      pause: live('pause'),
      resume: live('unpause'),
      mute: live('mute'),
      unmute: live('unmute'),
      stop: live('stop'),
      done,
    };
  }

  async snoop(options: SnoopOptions): Promise<Call> {
    const snoopId = randomUUID();
    this.rt.noteOriginating(snoopId, 'internal', this.callId);
    const expected = this.rt.expectStasis(snoopId);
    try {
      await this.op('channels', 'snoopChannelWithId', {
        channelId: this.channel.id,
        snoopId,
        app: this.rt.app,
        appArgs: 'snoop',
        spy: options.spy ?? 'none',
        whisper: options.whisper ?? 'none',
      });
    } catch (err) {
      expected.cancel(err as Error);
      throw err;
    }
    return expected.call;
  }
}
