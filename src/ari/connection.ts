import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from '../log/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { reconnectDelay } from './backoff.js';
import { AriBridgeHandle } from './bridge.js';
import { AriCall, type CallRuntime } from './call.js';
import { AriNotFoundError, AriUnauthorizedError, OriginateFailedError, isGone } from './errors.js';
import { AriEventStream } from './event-stream.js';
import type { AriBridge, AriChannel, AriEvent, PlaybackEvent, RecordingEvent } from './model.js';
import type { Bridge, Call, OriginateOptions, StoredRecordings, Telephony } from './port.js';
import { type AriRest, DefaultRestTimeoutMs, loadAriRest } from './rest.js';
import { storedRecordings } from './stored.js';
import { type OrphanPolicy, bridgeName, planResync } from './resync.js';

export interface AriConnectionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  logger: Logger;
  metrics?: EngineMetrics;
  restTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  probeIntervalMs?: number;
  orphanPolicy?: OrphanPolicy;
  /**
   * How long an apparent orphan (a channel in our app we hold no call for, an ownerless bridge of
   * ours) is given before it is hung up, adopted or destroyed. The channel list and the events
   * travel on different connections: a caller's StasisStart, or a bridge we are creating, can land
   * just after the list that shows it, and must not be taken for a predecessor's leftover.
   */
  orphanGraceMs?: number;
  subscribeAll?: boolean;
}

export const DefaultOrphanGraceMs = 2000;

interface Expected {
  resolve(call: Call): void;
  reject(err: Error): void;
  dialStatus?: string;
  args?: string[];
}

interface ConnectionEvents {
  /** Every ARI event after the connection has applied it (records, dashboards listen here), with when it reached our socket. */
  event: [AriEvent, number];
  /** Events flow again and Asterisk's state has been reconciled. */
  resynced: [
    {
      downMs: number;
      resyncMs: number;
      ended: number;
      hungUp: number;
      adopted: number;
      bridgesDestroyed: number;
    },
  ];
  disconnected: [];
  /** A leg we are about to create (before its first event can arrive). */
  originating: [
    { channelId: string; direction: 'outbound' | 'internal'; parentCallId?: string; to?: string },
  ];
  /** We asked Asterisk to hang this channel up. */
  localHangup: [string];
  /** A call or leg that ended while events were not flowing: its end was never seen. */
  lost: [string];
}

/**
 * One Stasis app on one Asterisk: the REST surface (ari-client), the supervised events socket, and
 * the registry that routes each event to the Call, Bridge, playback or recording it concerns.
 */
export class AriConnection extends EventEmitter<ConnectionEvents> implements Telephony, CallRuntime {
  readonly calls = new Map<string, AriCall>();
  readonly bridges = new Map<string, AriBridgeHandle>();
  readonly playbacks = new Map<string, (event: PlaybackEvent) => void>();
  readonly recordings = new Map<string, (event: RecordingEvent) => void>();
  private readonly expected = new Map<string, Expected>();
  private callHandler: ((call: Call) => void | Promise<void>) | undefined;
  private closed = false;
  private readonly orphanTimers = new Set<NodeJS.Timeout>();
  /** Recordings Asterisk stored (voicemail, call recordings). */
  readonly stored: StoredRecordings;

  private constructor(
    readonly rest: AriRest,
    private readonly stream: AriEventStream,
    private readonly options: AriConnectionOptions,
  ) {
    super();
    this.stored = storedRecordings(rest, {
      url: options.url,
      user: options.user,
      password: options.password,
      timeoutMs: options.restTimeoutMs ?? DefaultRestTimeoutMs,
    });
    stream.on('event', (event, receivedAt) => this.dispatch(event, receivedAt));
    stream.on('disconnected', () => this.emit('disconnected'));
    stream.on('reconnected', ({ downMs }) => void this.resync(downMs));
  }

  get app(): string {
    return this.options.app;
  }
  get logger(): Logger {
    return this.options.logger;
  }
  get connected(): boolean {
    return this.stream.connected;
  }

  /** Loads the api-docs and opens the events socket, retrying until Asterisk answers. */
  static async connect(options: AriConnectionOptions): Promise<AriConnection> {
    let rest: AriRest | undefined;
    for (let attempt = 0; !rest; attempt++) {
      try {
        rest = await loadAriRest({ ...options, timeoutMs: options.restTimeoutMs, metrics: options.metrics });
      } catch (err) {
        if (err instanceof AriUnauthorizedError) throw err;
        const delay = reconnectDelay(attempt, options.reconnectMinMs, options.reconnectMaxMs);
        options.logger.warn('ARI api-docs not loaded, retrying', {
          error: (err as Error).message,
          retryInMs: delay,
        });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    const stream = new AriEventStream({
      url: options.url,
      user: options.user,
      password: options.password,
      app: options.app,
      subscribeAll: options.subscribeAll,
      eventTypes: rest.eventTypes,
      minDelayMs: options.reconnectMinMs,
      maxDelayMs: options.reconnectMaxMs,
      probeIntervalMs: options.probeIntervalMs,
      logger: options.logger,
      metrics: options.metrics,
    });
    const connection = new AriConnection(rest, stream, options);
    await stream.start();
    options.logger.info('ARI connected', { app: options.app });
    // A restarted engine finds the channels and bridges its predecessor left: same rule as a reconnect.
    await connection.resync(0);
    return connection;
  }

  onCall(handler: (call: Call) => void | Promise<void>): void {
    this.callHandler = handler;
  }

  /** Live handles, for leak checks and /metrics. */
  stats(): {
    calls: number;
    expected: number;
    bridges: number;
    playbacks: number;
    recordings: number;
    pendingWaits: number;
  } {
    let pendingWaits = 0;
    for (const call of this.calls.values()) pendingWaits += call.pendings.size;
    return {
      calls: this.calls.size,
      expected: this.expected.size,
      bridges: this.bridges.size,
      playbacks: this.playbacks.size,
      recordings: this.recordings.size,
      pendingWaits,
    };
  }

  /** Fault injection for chaos tests: the socket drops as if the network failed. */
  dropSocket(): void {
    this.stream.drop();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.orphanTimers) clearTimeout(t);
    this.orphanTimers.clear();
    await this.stream.stop();
    for (const call of this.calls.values()) call.end();
    this.calls.clear();
    for (const [id, e] of this.expected)
      e.reject(new AriNotFoundError('ARI_NOT_FOUND', `connection closed before ${id} started`));
    this.expected.clear();
    this.options.metrics?.activeCalls.set(0);
  }

  noteOriginating(
    channelId: string,
    direction: 'outbound' | 'internal',
    parentCallId?: string,
    to?: string,
  ): void {
    this.emit('originating', {
      channelId,
      direction,
      ...(parentCallId ? { parentCallId } : {}),
      ...(to ? { to } : {}),
    });
  }

  noteLocalHangup(channelId: string): void {
    this.emit('localHangup', channelId);
  }

  expectStasis(channelId: string, signal?: AbortSignal): { call: Promise<Call>; cancel(err: Error): void } {
    let entry!: Expected;
    const call = new Promise<Call>((resolve, reject) => {
      entry = { resolve, reject };
    });
    call.catch(() => undefined); // the caller awaits it; an early cancel must not be "unhandled"
    const onAbort = () => cancel(new Error('originate cancelled'));
    const cancel = (err: Error) => {
      if (this.expected.get(channelId) !== entry) return;
      this.expected.delete(channelId);
      signal?.removeEventListener('abort', onAbort);
      entry.reject(err);
    };
    const settle = entry;
    entry = {
      resolve: (c) => (signal?.removeEventListener('abort', onAbort), settle.resolve(c)),
      reject: (e) => (signal?.removeEventListener('abort', onAbort), settle.reject(e)),
    };
    this.expected.set(channelId, entry);
    signal?.addEventListener('abort', onAbort, { once: true });
    return { call, cancel };
  }

  async originate(options: OriginateOptions): Promise<Call> {
    const channelId = options.channelId ?? randomUUID();
    this.noteOriginating(channelId, 'outbound', options.parentCallId, dialedNumber(options.endpoint));
    // Subscribe before acting: StasisStart may arrive before the REST answer does.
    const expected = this.expectStasis(channelId, options.signal);
    try {
      await this.rest.call('channels', 'originateWithId', {
        channelId,
        endpoint: options.endpoint,
        app: this.options.app,
        ...(options.args?.length ? { appArgs: options.args.join(',') } : {}),
        ...(options.callerId ? { callerId: options.callerId } : {}),
        ...(options.timeoutSeconds !== undefined ? { timeout: options.timeoutSeconds } : {}),
        ...(options.originator ? { originator: options.originator } : {}),
        ...(options.variables ? { variables: options.variables } : {}),
      });
    } catch (err) {
      expected.cancel(err as Error);
      throw err;
    }
    const cancel = () => {
      this.noteLocalHangup(channelId);
      return this.rest.call('channels', 'hangup', { channelId }).catch(() => undefined);
    };
    if (options.signal?.aborted) await cancel();
    else options.signal?.addEventListener('abort', () => void cancel(), { once: true });
    return expected.call;
  }

  async createBridge(
    options: { type?: 'mixing' | 'holding'; name?: string; bridgeId?: string } = {},
  ): Promise<Bridge> {
    const bridgeId = options.bridgeId ?? randomUUID();
    const data = await this.rest.call<AriBridge>('bridges', 'createWithId', {
      bridgeId,
      type: options.type ?? 'mixing',
      name: bridgeName(this.options.app, options.name),
    });
    const handle = new AriBridgeHandle(this.rest, { ...data, channels: [...(data.channels ?? [])] }, (id) =>
      this.bridges.delete(id),
    );
    this.bridges.set(bridgeId, handle);
    return handle;
  }

  private startCall(channel: AriChannel, args: string[], adopted = false): AriCall {
    const call = new AriCall(this, channel, args);
    this.calls.set(channel.id, call);
    this.options.metrics?.activeCalls.inc();
    if (adopted) call.log.info('adopted channel after reconnect');
    return call;
  }

  private runHandler(call: AriCall): void {
    if (!this.callHandler) {
      this.options.logger.warn('call arrived with no handler; hanging up', { channelId: call.channelId });
      void call.hangup().catch(() => undefined);
      return;
    }
    Promise.resolve()
      .then(() => this.callHandler!(call))
      .catch((err: unknown) => {
        if (isGone(err)) return;
        call.log.error('call flow failed', {
          error: (err as Error).message,
          code: (err as { code?: string }).code,
        });
        return call.hangup('normal').catch(() => undefined);
      });
  }

  private endCall(channelId: string, cause?: number): void {
    const call = this.calls.get(channelId);
    if (!call) return;
    this.calls.delete(channelId);
    this.options.metrics?.activeCalls.dec();
    call.end(cause);
  }

  private dispatch(event: AriEvent, receivedAt: number): void {
    switch (event.type) {
      case 'StasisStart': {
        const expected = this.expected.get(event.channel.id);
        const existing = this.calls.get(event.channel.id);
        if (existing) {
          existing.channel = event.channel; // re-entered Stasis (continue/redirect back): same call
        } else if (expected) {
          this.expected.delete(event.channel.id);
          expected.resolve(this.startCall(event.channel, event.args ?? []));
        } else {
          this.runHandler(this.startCall(event.channel, event.args ?? []));
        }
        break;
      }
      case 'StasisEnd':
        this.endCall(event.channel.id);
        break;
      case 'ChannelDestroyed': {
        const expected = this.expected.get(event.channel.id);
        if (expected) {
          this.expected.delete(event.channel.id);
          expected.reject(
            new OriginateFailedError(event.channel.id, event.cause, event.cause_txt, expected.dialStatus),
          );
        }
        const call = this.calls.get(event.channel.id);
        if (call) call.hangupCause ??= event.cause;
        this.endCall(event.channel.id, event.cause);
        break;
      }
      case 'ChannelHangupRequest': {
        const call = this.calls.get(event.channel.id);
        // An ARI hang-up arrives as a soft hang-up request (cause 32); the real cause comes with ChannelDestroyed.
        if (call && event.cause !== undefined && !event.soft) call.hangupCause ??= event.cause;
        break;
      }
      case 'Dial': {
        const expected = this.expected.get(event.peer.id);
        if (expected && event.dialstatus) expected.dialStatus = event.dialstatus;
        break;
      }
      case 'ChannelDtmfReceived':
        this.calls.get(event.channel.id)?.receiveDigit(event.digit);
        break;
      case 'ChannelStateChange':
      case 'ChannelVarset':
      case 'ChannelCallerId':
      case 'ChannelConnectedLine': {
        const call = event.channel ? this.calls.get(event.channel.id) : undefined;
        if (call && event.channel) call.channel = event.channel;
        break;
      }
      case 'PlaybackStarted':
      case 'PlaybackContinuing':
      case 'PlaybackFinished':
        this.playbacks.get(event.playback.id)?.(event);
        break;
      case 'RecordingStarted':
      case 'RecordingFinished':
      case 'RecordingFailed':
        this.recordings.get(event.recording.name)?.(event);
        break;
      case 'ChannelEnteredBridge':
      case 'ChannelLeftBridge': {
        const handle = this.bridges.get(event.bridge.id);
        if (handle) handle.bridge = event.bridge;
        break;
      }
      case 'BridgeDestroyed':
        this.bridges.get(event.bridge.id)?.markDestroyed();
        break;
      default:
        break;
    }
    if (this.listenerCount('event') > 0) this.emit('event', event, receivedAt);
  }

  /** After a reconnect: reconcile what we believe with what Asterisk has (see resync.ts for the rule). */
  private async resync(downMs: number): Promise<void> {
    if (this.closed) return;
    const started = performance.now();
    try {
      const [liveChannels, liveBridges] = await Promise.all([
        this.rest.call<AriChannel[]>('channels', 'list'),
        this.rest.call<AriBridge[]>('bridges', 'list'),
      ]);
      const plan = planResync({
        app: this.options.app,
        policy: this.options.orphanPolicy ?? 'hangup',
        calls: this.calls.keys(),
        expected: this.expected.keys(),
        bridges: this.bridges.keys(),
        liveChannels,
        liveBridges,
      });
      for (const id of plan.endCalls) {
        this.endCall(id);
        this.emit('lost', id);
      }
      for (const id of plan.failExpected) {
        this.emit('lost', id);
        const e = this.expected.get(id);
        this.expected.delete(id);
        e?.reject(new OriginateFailedError(id, 0, 'channel gone while ARI events were not flowing'));
      }
      for (const channel of plan.startExpected) {
        const e = this.expected.get(channel.id);
        this.expected.delete(channel.id);
        e?.resolve(this.startCall(channel, []));
      }
      for (const id of plan.forgetBridges) this.bridges.get(id)?.markDestroyed();
      await this.settleMissedPlaybacks();
      this.handleOrphansLater(plan);
      const m = this.options.metrics?.ariResyncs;
      m?.inc({ action: 'ended' }, plan.endCalls.length + plan.failExpected.length);
      m?.inc({ action: 'started' }, plan.startExpected.length);
      m?.inc({ action: 'hungup' }, plan.hangup.length);
      m?.inc({ action: 'adopted' }, plan.adopt.length);
      m?.inc({ action: 'bridge_destroyed' }, plan.destroyBridges.length);
      const summary = {
        downMs: Math.round(downMs),
        resyncMs: Math.round(performance.now() - started),
        ended: plan.endCalls.length + plan.failExpected.length,
        hungUp: plan.hangup.length,
        adopted: plan.adopt.length,
        bridgesDestroyed: plan.destroyBridges.length,
      };
      this.options.logger.info('ARI re-synced after reconnect', summary);
      this.emit('resynced', summary);
    } catch (err) {
      this.options.logger.error('ARI re-sync failed; dropping the socket to try again', {
        error: (err as Error).message,
      });
      this.stream.drop();
    }
  }

  /** Orphans still unclaimed after the grace period are hung up (or adopted), ownerless bridges destroyed. */
  private handleOrphansLater(plan: {
    hangup: string[];
    adopt: AriChannel[];
    destroyBridges: string[];
  }): void {
    if (!plan.hangup.length && !plan.adopt.length && !plan.destroyBridges.length) return;
    const timer = setTimeout(() => {
      this.orphanTimers.delete(timer);
      if (this.closed) return;
      const unclaimed = (id: string) => !this.calls.has(id) && !this.expected.has(id);
      const hangup = plan.hangup.filter(unclaimed);
      const adopt = plan.adopt.filter((c) => unclaimed(c.id));
      const destroy = plan.destroyBridges.filter((id) => !this.bridges.has(id));
      for (const id of hangup) {
        this.noteLocalHangup(id);
        void this.rest.call('channels', 'hangup', { channelId: id }).catch(() => undefined);
      }
      for (const id of destroy)
        void this.rest.call('bridges', 'destroy', { bridgeId: id }).catch(() => undefined);
      for (const channel of adopt) this.runHandler(this.startCall(channel, [], true));
      const claimed =
        plan.hangup.length -
        hangup.length +
        plan.adopt.length -
        adopt.length +
        plan.destroyBridges.length -
        destroy.length;
      if (hangup.length || adopt.length || destroy.length || claimed)
        this.options.logger.info('ARI orphans handled', {
          hungUp: hangup.length,
          adopted: adopt.length,
          bridgesDestroyed: destroy.length,
          claimedMeanwhile: claimed,
        });
    }, this.options.orphanGraceMs ?? DefaultOrphanGraceMs);
    timer.unref();
    this.orphanTimers.add(timer);
  }

  /** A playback that finished while events were not flowing would leave its waiter hanging. */
  private async settleMissedPlaybacks(): Promise<void> {
    await Promise.all(
      [...this.playbacks.entries()].map(async ([playbackId, handler]) => {
        try {
          await this.rest.call('playbacks', 'get', { playbackId });
        } catch (err) {
          if (!(err instanceof AriNotFoundError)) return;
          handler({
            type: 'PlaybackFinished',
            application: this.options.app,
            timestamp: new Date().toISOString(),
            playback: { id: playbackId, media_uri: '', target_uri: '', state: 'done' },
          });
        }
      }),
    );
  }
}

/** The number or resource an endpoint dials: PJSIP/+84901234567@trunk → +84901234567, PJSIP/agent1 → agent1. */
export function dialedNumber(endpoint: string): string {
  const resource = endpoint.slice(endpoint.indexOf('/') + 1);
  const at = resource.indexOf('@');
  const beforeAt = at >= 0 ? resource.slice(0, at) : resource;
  return (beforeAt.includes('/') ? beforeAt.slice(beforeAt.lastIndexOf('/') + 1) : beforeAt).slice(0, 64);
}
