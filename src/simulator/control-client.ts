import type { EndpointSettings, PlaceCallOptions, SimControlApi, SimState } from './control.js';
import type { OutboundProfile } from './core.js';
import type { InjectedResponse, RecordedRequest } from './server.js';

/** HTTP client for the simulator's control side (POST /_sim/rpc/{method}); same methods as SimControl. */
export class SimControlClient implements SimControlApi {
  private readonly auth: string;

  constructor(
    private readonly baseUrl: string,
    user = 'tongdai',
    password = 'tongdai',
  ) {
    this.auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  }

  private async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/_sim/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator control ${method}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  placeCall(o: PlaceCallOptions) {
    return this.call<{ channelId: string; accepted: boolean }>('placeCall', o);
  }
  setEndpoint(name: string, s: EndpointSettings) {
    return this.call<void>('setEndpoint', name, s);
  }
  removeEndpoint(name: string) {
    return this.call<void>('removeEndpoint', name);
  }
  setOutboundProfile(p: Partial<OutboundProfile>) {
    return this.call<OutboundProfile>('setOutboundProfile', p);
  }
  sendDtmf(channelId: string, digits: string) {
    return this.call<void>('sendDtmf', channelId, digits);
  }
  remoteHangup(channelId: string, cause?: number) {
    return this.call<void>('remoteHangup', channelId, ...(cause === undefined ? [] : [cause]));
  }
  dropWebSockets() {
    return this.call<number>('dropWebSockets');
  }
  refuseConnections(ms: number) {
    return this.call<void>('refuseConnections', ms);
  }
  setLatency(ms: number) {
    return this.call<void>('setLatency', ms);
  }
  injectEvent(event: Record<string, unknown>, app?: string) {
    return this.call<number>('injectEvent', event, ...(app === undefined ? [] : [app]));
  }
  injectRaw(text: string, app?: string) {
    return this.call<number>('injectRaw', text, ...(app === undefined ? [] : [app]));
  }
  injectResponse(r: InjectedResponse) {
    return this.call<void>('injectResponse', {
      ...r,
      path: r.path instanceof RegExp ? r.path.source : r.path,
    });
  }
  clearInjectedResponses() {
    return this.call<void>('clearInjectedResponses');
  }
  requests() {
    return this.call<RecordedRequest[]>('requests');
  }
  clearRequests() {
    return this.call<void>('clearRequests');
  }
  state() {
    return this.call<SimState>('state');
  }
  reset() {
    return this.call<void>('reset');
  }
  advance(ms: number) {
    return this.call<void>('advance', ms);
  }
  now() {
    return this.call<number>('now');
  }
}
