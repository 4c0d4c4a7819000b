import type { Clock } from './clock.js';
import { astTime } from './clock.js';
import type { Core, EndpointBehaviour, OutboundProfile } from './core.js';
import { DefaultAnswerAfterMs } from './core.js';
import type { PlaceCallOptions } from './channels.js';
import { placeCall, pressDigits } from './channels.js';
import { ariError } from './errors.js';
import type { InjectedResponse, RecordedRequest, SimServer } from './server.js';

export type { PlaceCallOptions } from './channels.js';
export type { OutboundProfile, EndpointBehaviour } from './core.js';
export type { InjectedResponse, RecordedRequest } from './server.js';

export interface EndpointSettings {
  behaviour?: EndpointBehaviour;
  answerAfterMs?: number;
  /** Remote hang-up this long after answer; null clears it. */
  hangupAfterMs?: number | null;
}

export interface SimState {
  channels: { count: number; ids: string[] };
  bridges: { count: number; ids: string[] };
  playbacks: { count: number; ids: string[] };
  liveRecordings: { count: number; names: string[] };
  storedRecordings: number;
  apps: { name: string; connected: boolean; channels: number }[];
  webSockets: number;
  pendingTimers: number;
  events: number;
  now: string;
}

/**
 * The control side. Every method is async so the in-process object and SimControlClient (HTTP)
 * share one interface.
 */
export interface SimControlApi {
  placeCall(o: PlaceCallOptions): Promise<{ channelId: string; accepted: boolean }>;
  setEndpoint(name: string, s: EndpointSettings): Promise<void>;
  removeEndpoint(name: string): Promise<void>;
  setOutboundProfile(p: Partial<OutboundProfile>): Promise<OutboundProfile>;
  sendDtmf(channelId: string, digits: string): Promise<void>;
  remoteHangup(channelId: string, cause?: number): Promise<void>;
  dropWebSockets(): Promise<number>;
  refuseConnections(ms: number): Promise<void>;
  setLatency(ms: number): Promise<void>;
  injectEvent(event: Record<string, unknown>, app?: string): Promise<number>;
  injectRaw(text: string, app?: string): Promise<number>;
  injectResponse(r: InjectedResponse): Promise<void>;
  clearInjectedResponses(): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  state(): Promise<SimState>;
  reset(): Promise<void>;
  advance(ms: number): Promise<void>;
  now(): Promise<number>;
}

export class SimControl implements SimControlApi {
  constructor(
    private readonly core: Core,
    private readonly server: SimServer,
    private readonly clock: Clock,
  ) {}

  async placeCall(o: PlaceCallOptions): Promise<{ channelId: string; accepted: boolean }> {
    if (!o?.from || !o?.to) throw ariError(400, 'from and to are required');
    return placeCall(this.core, o);
  }

  async setEndpoint(name: string, s: EndpointSettings): Promise<void> {
    const [technology = '', resource = ''] = [
      name.slice(0, name.indexOf('/')),
      name.slice(name.indexOf('/') + 1),
    ];
    if (!technology || !resource) throw ariError(400, 'endpoint must be tech/resource');
    const prev = this.core.endpoints.get(name);
    const next = {
      technology,
      resource,
      behaviour: s.behaviour ?? prev?.behaviour ?? 'answer',
      answerAfterMs: s.answerAfterMs ?? prev?.answerAfterMs ?? DefaultAnswerAfterMs,
    } as {
      technology: string;
      resource: string;
      behaviour: EndpointBehaviour;
      answerAfterMs: number;
      hangupAfterMs?: number;
    };
    const hang = s.hangupAfterMs === undefined ? prev?.hangupAfterMs : (s.hangupAfterMs ?? undefined);
    if (hang !== undefined) next.hangupAfterMs = hang;
    this.core.endpoints.set(name, next);
  }

  async removeEndpoint(name: string): Promise<void> {
    this.core.endpoints.delete(name);
  }

  async setOutboundProfile(p: Partial<OutboundProfile>): Promise<OutboundProfile> {
    this.core.setOutboundProfile(p);
    return { ...this.core.outbound };
  }

  async sendDtmf(channelId: string, digits: string): Promise<void> {
    pressDigits(this.core, this.core.getChannel(channelId), digits);
  }

  async remoteHangup(channelId: string, cause = 16): Promise<void> {
    this.core.hangup(this.core.getChannel(channelId), cause, { request: true });
  }

  async dropWebSockets(): Promise<number> {
    return this.server.dropWebSockets();
  }

  async refuseConnections(ms: number): Promise<void> {
    await this.server.refuseConnections(ms);
  }

  async setLatency(ms: number): Promise<void> {
    this.server.latencyMs = Math.max(0, ms);
  }

  async injectEvent(event: Record<string, unknown>, app?: string): Promise<number> {
    let n = 0;
    const apps = app ? [app] : [...new Set(this.server.socketApps().flat())];
    for (const a of apps) {
      const e = {
        timestamp: astTime(this.clock.now()),
        ...event,
        asterisk_id: this.core.asteriskId,
        application: event.application ?? a,
      };
      n += this.server.broadcastRaw(JSON.stringify(e), a);
    }
    return n;
  }

  async injectRaw(text: string, app?: string): Promise<number> {
    return this.server.broadcastRaw(text, app);
  }

  async injectResponse(r: InjectedResponse): Promise<void> {
    new RegExp(r.path); // fail fast on a bad pattern
    this.server.injected.push({ ...r });
  }

  async clearInjectedResponses(): Promise<void> {
    this.server.injected.length = 0;
  }

  async requests(): Promise<RecordedRequest[]> {
    return this.server.recorded.map((r) => ({ ...r }));
  }

  async clearRequests(): Promise<void> {
    this.server.recorded.length = 0;
  }

  async state(): Promise<SimState> {
    const c = this.core;
    return {
      channels: { count: c.channels.size, ids: [...c.channels.keys()] },
      bridges: { count: c.bridges.size, ids: [...c.bridges.keys()] },
      playbacks: { count: c.playbacks.size, ids: [...c.playbacks.keys()] },
      liveRecordings: { count: c.liveRecordings.size, names: [...c.liveRecordings.keys()] },
      storedRecordings: c.stored.size,
      apps: [...c.apps.values()].map((a) => ({
        name: a.name,
        connected: a.sink !== undefined,
        channels: a.channels.size,
      })),
      webSockets: this.server.socketApps().length,
      pendingTimers: this.clock.pending(),
      events: c.eventCount,
      now: astTime(this.clock.now()),
    };
  }

  async reset(): Promise<void> {
    this.core.clear();
    this.server.injected.length = 0;
    this.server.recorded.length = 0;
    this.server.latencyMs = 0;
  }

  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  async now(): Promise<number> {
    return this.clock.now();
  }
}

/** Names the HTTP control side accepts: POST /_sim/rpc/{name} with a JSON array of arguments. */
export const ControlMethods: (keyof SimControlApi)[] = [
  'placeCall',
  'setEndpoint',
  'removeEndpoint',
  'setOutboundProfile',
  'sendDtmf',
  'remoteHangup',
  'dropWebSockets',
  'refuseConnections',
  'setLatency',
  'injectEvent',
  'injectRaw',
  'injectResponse',
  'clearInjectedResponses',
  'requests',
  'clearRequests',
  'state',
  'reset',
  'advance',
  'now',
];
