import WebSocket from 'ws';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { startSimulator } from '../../src/simulator/index.js';

export const User = 'tongdai';
export const Password = 'tongdai';
export const Auth = 'Basic ' + Buffer.from(`${User}:${Password}`).toString('base64');

export function start(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, ...opts });
}

export interface AriResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** One raw ARI request, the way any HTTP client would send it. */
export async function ari(
  sim: Simulator,
  method: string,
  path: string,
  query: Record<string, string | number | boolean | string[]> = {},
  body?: unknown,
  auth: string | null = Auth,
): Promise<AriResponse> {
  const u = new URL(`${sim.url}/ari${path}`);
  for (const [k, v] of Object.entries(query)) {
    // allowMultiple values go comma-separated, as ari-client sends them; Asterisk keeps only the last
    // of repeated keys.
    u.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const res = await fetch(u, {
    method,
    headers: {
      ...(auth ? { Authorization: auth } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const ct = res.headers.get('content-type') ?? '';
  const out = ct.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: out, headers: res.headers };
}

export interface AriEvent {
  type: string;
  application: string;
  timestamp: string;
  [k: string]: any;
}

/** An app's event WebSocket that keeps every event for order assertions. */
export class Events {
  readonly events: AriEvent[] = [];
  /** Frames that were not JSON (injectRaw). */
  readonly malformed: string[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.events.push(JSON.parse(String(data)) as AriEvent);
      } catch {
        this.malformed.push(String(data));
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(sim: Simulator, app = 'tongdai', extra = ''): Promise<Events> {
    const ws = new WebSocket(
      `${sim.url.replace('http', 'ws')}/ari/events?app=${app}&api_key=${User}:${Password}${extra}`,
    );
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Events(ws);
  }

  /** Waits (wall-clock bound only as a safety net) until pred holds over the collected events. */
  async until(pred: (evs: AriEvent[]) => boolean, what = 'condition', ms = 10000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.events)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; last events ${this.types().slice(-30).join(',')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  waitType(type: string, n = 1, ms?: number): Promise<void> {
    return this.until((e) => e.filter((x) => x.type === type).length >= n, `${n}x ${type}`, ms);
  }

  of(type: string): AriEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  types(filter?: (e: AriEvent) => boolean): string[] {
    return this.events.filter(filter ?? (() => true)).map((e) => e.type);
  }

  forChannel(id: string): AriEvent[] {
    return this.events.filter((e) => e.channel?.id === id || e.peer?.id === id);
  }

  close(): void {
    this.ws.terminate();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a simulator test works with: filled in by withSimulator()'s beforeEach. */
export interface SimTest {
  sim: Simulator;
  /** The events of the default app (tongdai). */
  ev: Events;
  /** A caller placed by the set-up, when it places one. */
  chan: string;
}

/**
 * Mocha hooks for a describe block: a fresh virtual-clock simulator and the default app's event
 * socket before each test (then `setup`, e.g. placing a caller), both closed after it.
 */
export function withSimulator(setup?: (t: SimTest) => Promise<void>): SimTest {
  const t = {} as SimTest;
  beforeEach(async () => {
    t.sim = await start({ clock: 'virtual' });
    t.ev = await Events.open(t.sim);
    await setup?.(t);
  });
  afterEach(async () => {
    t.ev?.close();
    await t.sim?.close();
  });
  return t;
}

/**
 * POST /channels/create for the default app, then waits until the new (Down) channel has entered
 * Stasis, ready for POST /channels/{id}/dial.
 */
export async function createdChannel(t: SimTest, endpoint: string, channelId: string): Promise<AriResponse> {
  const res = await ari(t.sim, 'POST', '/channels/create', { endpoint, app: 'tongdai', channelId });
  await t.sim.control.advance(0);
  await t.ev.until(
    (e) => e.some((x) => x.type === 'StasisStart' && x.channel.id === channelId),
    `StasisStart of ${channelId}`,
  );
  return res;
}
