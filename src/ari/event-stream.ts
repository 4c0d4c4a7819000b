import { EventEmitter } from 'node:events';
import net from 'node:net';
import WebSocket from 'ws';
import type { Logger } from '../log/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { DefaultReconnectMaxMs, DefaultReconnectMinMs, reconnectDelay } from './backoff.js';
import type { AriEvent } from './model.js';

/** How often to knock on a refusing Asterisk's port while waiting out a long backoff. */
export const DefaultProbeIntervalMs = 100;
/** A socket that answers no ping for this long is half-open: drop it and reconnect. */
export const DefaultPingIntervalMs = 10_000;

export interface EventStreamOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  subscribeAll?: boolean;
  /** Event types the server declares; anything else is logged and dropped, never dispatched. */
  eventTypes: ReadonlySet<string>;
  minDelayMs?: number;
  maxDelayMs?: number;
  probeIntervalMs?: number;
  pingIntervalMs?: number;
  logger: Logger;
  metrics?: EngineMetrics;
}

interface StreamEvents {
  /** The event, and when its bytes reached our socket (performance.now()). */
  event: [AriEvent, number];
  /** The socket is open again after a drop; `downMs` is how long events were not flowing. */
  reconnected: [{ downMs: number; attempts: number }];
  disconnected: [{ reason: string }];
}

type Attempt = { ok: true; ws: WebSocket } | { ok: false; reason: string; network: boolean };

/**
 * The events WebSocket of one Stasis app, supervised: ari-client gives up after ~10 tries and throws
 * inside its socket handler on malformed or unknown events (crashing the process); this retries
 * forever with capped backoff, probes a refusing port so a returning Asterisk is noticed within
 * ~probeIntervalMs, and drops bad messages with a log line.
 */
export class AriEventStream extends EventEmitter<StreamEvents> {
  private ws: WebSocket | undefined;
  private stopped = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private wake: (() => void) | undefined;
  private readonly warnedTypes = new Set<string>();
  /** When the socket chunk holding the current frames arrived: frames parsed later in the same chunk queue behind earlier ones. */
  private chunkAt = 0;

  constructor(private readonly options: EventStreamOptions) {
    super();
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves once the first socket is open; keeps retrying until then (or until stop()). */
  async start(): Promise<void> {
    await this.connectUntilOpen(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
  }

  /** Drops the current socket as if the network failed (chaos tests, half-open detection). */
  drop(): void {
    this.ws?.terminate();
  }

  private eventsUrl(): string {
    const u = new URL(this.options.url);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.pathname = u.pathname.replace(/\/$/, '') + '/ari/events';
    u.search = new URLSearchParams({
      app: this.options.app,
      subscribeAll: String(!!this.options.subscribeAll),
    }).toString();
    return u.toString();
  }

  private async connectUntilOpen(reconnecting: boolean): Promise<void> {
    const downSince = performance.now();
    let attempts = 0;
    while (!this.stopped) {
      const result = await this.open();
      attempts++;
      if (result.ok) {
        this.adopt(result.ws);
        if (reconnecting) {
          this.options.metrics?.ariReconnects.inc();
          this.emit('reconnected', { downMs: performance.now() - downSince, attempts });
        }
        return;
      }
      const delay = reconnectDelay(
        attempts - 1,
        this.options.minDelayMs ?? DefaultReconnectMinMs,
        this.options.maxDelayMs ?? DefaultReconnectMaxMs,
      );
      if (attempts === 1 || attempts % 10 === 0) {
        this.options.logger.warn('ARI events socket not connected, retrying', {
          reason: result.reason,
          attempts,
          retryInMs: delay,
        });
      }
      await this.pause(delay, result.network);
    }
  }

  private open(): Promise<Attempt> {
    return new Promise((resolve) => {
      const auth = Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64');
      const ws = new WebSocket(this.eventsUrl(), {
        headers: { Authorization: `Basic ${auth}` },
        handshakeTimeout: 5000,
      });
      const fail = (reason: string, network: boolean) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        resolve({ ok: false, reason, network });
      };
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve({ ok: true, ws });
      });
      ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`, false));
      ws.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message, true));
    });
  }

  private adopt(ws: WebSocket): void {
    this.ws = ws;
    // ws keeps its net.Socket as _socket; stamping its chunks measures receive → handler honestly.
    (ws as unknown as { _socket?: NodeJS.EventEmitter })._socket?.prependListener(
      'data',
      () => (this.chunkAt = performance.now()),
    );
    ws.on('message', (data: WebSocket.RawData) => this.receive(data));
    ws.on('pong', () => (this.awaitingPong = false));
    ws.on('error', (err) => this.options.logger.warn('ARI events socket error', { error: err.message }));
    ws.once('close', (code) => {
      clearInterval(this.pingTimer);
      if (this.stopped || this.ws !== ws) return;
      this.ws = undefined;
      const reason = `closed with code ${code}`;
      this.options.logger.warn('ARI events socket dropped', { code });
      this.emit('disconnected', { reason });
      void this.connectUntilOpen(true);
    });
    this.awaitingPong = false;
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.awaitingPong) {
        this.options.logger.warn('ARI events socket answered no ping, dropping it');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
    }, this.options.pingIntervalMs ?? DefaultPingIntervalMs);
    this.pingTimer.unref();
  }

  /** Waits `ms`; after a network failure, returns early once the port accepts TCP again. */
  private pause(ms: number, probe: boolean): Promise<void> {
    return new Promise((resolve) => {
      const { hostname, port, protocol } = new URL(this.options.url);
      const target = { host: hostname, port: Number(port || (protocol === 'https:' ? 443 : 80)) };
      let probeTimer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        clearTimeout(probeTimer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (!probe) return;
      const knock = () => {
        const socket = net.connect(target);
        socket.once('connect', () => {
          socket.destroy();
          done();
        });
        socket.once('error', () => {
          socket.destroy();
          probeTimer = setTimeout(knock, this.options.probeIntervalMs ?? DefaultProbeIntervalMs);
        });
      };
      probeTimer = setTimeout(knock, this.options.probeIntervalMs ?? DefaultProbeIntervalMs);
    });
  }

  private receive(data: WebSocket.RawData): void {
    let event: AriEvent;
    try {
      event = JSON.parse(data.toString()) as AriEvent;
    } catch (err) {
      this.options.metrics?.ariBadEvents.inc({ reason: 'malformed_json' });
      this.options.logger.warn('ARI event is not valid JSON, dropped', {
        bytes: data.toString().length,
        error: (err as Error).message,
      });
      return;
    }
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') {
      this.options.metrics?.ariBadEvents.inc({ reason: 'no_type' });
      this.options.logger.warn('ARI event has no type, dropped');
      return;
    }
    if (!this.options.eventTypes.has(type)) {
      this.options.metrics?.ariBadEvents.inc({ reason: 'unknown_type' });
      if (!this.warnedTypes.has(type) && this.warnedTypes.size < 100) {
        this.warnedTypes.add(type);
        this.options.logger.warn('ARI event of a type the api-docs do not declare, dropped', { type });
      }
      return;
    }
    this.options.metrics?.ariEvents.inc({ type });
    try {
      this.emit('event', event, this.chunkAt || performance.now());
    } catch (err) {
      // A handler bug on one call must not take the socket (and every other call) down with it.
      this.options.logger.error('ARI event handler failed', {
        type,
        error: (err as Error).message,
        stack: (err as Error).stack,
      });
    }
  }
}
