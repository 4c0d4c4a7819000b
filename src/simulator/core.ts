import type { Clock, TimerHandle } from './clock.js';
import { astTime } from './clock.js';
import { ariError } from './errors.js';
import type { SimBridge, SimChannel, SimPlayback, SimRecording, StoredRecording } from './model.js';
import { causeText, channelJson, dialStatusForCause } from './model.js';
import { seededRandom } from './rng.js';

/** Where an app's events go: the WebSocket layer implements this. */
export interface EventSink {
  send(text: string): void;
}

export interface AppState {
  name: string;
  sink?: EventSink;
  subscribeAll: boolean;
  /** Channels whose events reach the app (the ids with a positive interest count). */
  channels: Set<string>;
  /**
   * res/stasis/app.c app_forwards "interested": one count per subscription to a channel. Stasis()
   * takes one at StasisStart and drops it at StasisEnd; originate/create with app= and
   * applications/{app}/subscription take one that lasts until the channel is destroyed (or the
   * explicit unsubscribe). At zero the app hears nothing more of the channel.
   */
  interest: Map<string, number>;
  bridges: Map<string, number>;
  endpoints: Set<string>;
  devices: Set<string>;
  /** PUT /applications/{app}/eventFilter: event types let through / held back (undefined = none). */
  eventsAllowed?: { type: string }[];
  eventsDisallowed?: { type: string }[];
}

/** stasis_app_event_allowed(): a disallowed type never passes; a non-empty allowed list must name it. */
function eventAllowed(a: AppState, type: string): boolean {
  if (a.eventsDisallowed?.some((f) => f.type === type)) return false;
  return !a.eventsAllowed?.length || a.eventsAllowed.some((f) => f.type === type);
}

export type EndpointBehaviour = 'answer' | 'busy' | 'noanswer' | 'unavailable';

export interface EndpointConfig {
  technology: string;
  resource: string;
  behaviour: EndpointBehaviour;
  /** Ring time before answering (behaviour 'answer'). */
  answerAfterMs: number;
  /** Remote hang-up this long after answer; undefined = stay until hung up. */
  hangupAfterMs?: number;
}

export interface OutboundProfile {
  answerProbability: number;
  busyProbability: number;
  noAnswerProbability: number;
  invalidProbability: number;
  /** Share of answered calls picked up by an answering machine. */
  machineProbability: number;
  machineGreetingMs: number;
  ringMs: { min: number; max: number };
  /** How long an answering human or machine stays before hanging up; undefined = until hung up. */
  talkMs?: { min: number; max: number };
  seed?: number;
}

export const DefaultOutboundProfile: OutboundProfile = {
  answerProbability: 0.7,
  busyProbability: 0.1,
  noAnswerProbability: 0.15,
  invalidProbability: 0.05,
  machineProbability: 0.2,
  machineGreetingMs: 4000,
  ringMs: { min: 2000, max: 8000 },
};

export const DefaultAnswerAfterMs = 1000;
/** AST_SOFTHANGUP_EXPLICIT (1 << 5): the reason ast_softhangup() reports for an ARI hang-up. */
export const SoftHangupExplicit = 32;
export const DefaultAgentCount = 20;
export const DialStartDelayMs = 10;
export const RingStartDelayMs = 50;

export interface EmitScope {
  channels?: (SimChannel | undefined)[];
  bridge?: SimBridge;
  endpoint?: string;
  device?: string;
  apps?: string[];
}

/** The simulated Asterisk's state and the event fan-out every feature module uses. */
export class Core {
  readonly asteriskId = '02:42:ac:11:00:02';
  readonly startedAt: number;
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, SimPlayback>();
  readonly liveRecordings = new Map<string, SimRecording>();
  readonly stored = new Map<string, StoredRecording>();
  readonly apps = new Map<string, AppState>();
  readonly endpoints = new Map<string, EndpointConfig>();
  readonly deviceStates = new Map<string, string>();
  readonly mailboxes = new Map<string, { old_messages: number; new_messages: number }>();
  readonly globalVars = new Map<string, string>();
  outbound: OutboundProfile = { ...DefaultOutboundProfile };
  random: () => number = Math.random;
  defaultApp = 'tongdai';
  private seq = 0;
  private uidSeq = 0;
  eventCount = 0;

  constructor(
    readonly clock: Clock,
    readonly dataDir: string,
  ) {
    this.startedAt = clock.now();
    this.resetEndpoints();
  }

  resetEndpoints(): void {
    this.endpoints.clear();
    for (let i = 1; i <= DefaultAgentCount; i++) {
      this.endpoints.set(`PJSIP/agent${i}`, {
        technology: 'PJSIP',
        resource: `agent${i}`,
        behaviour: 'answer',
        answerAfterMs: DefaultAnswerAfterMs,
      });
    }
    this.endpoints.set('PJSIP/trunk', {
      technology: 'PJSIP',
      resource: 'trunk',
      behaviour: 'answer',
      answerAfterMs: 0,
    });
  }

  setOutboundProfile(p: Partial<OutboundProfile>): void {
    this.outbound = { ...this.outbound, ...p };
    this.random = p.seed !== undefined ? seededRandom(p.seed) : this.random;
  }

  // ---- ids -------------------------------------------------------------------------------
  newUniqueId(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.uidSeq++}`;
  }
  nextSeqHex(): string {
    return (++this.seq).toString(16).padStart(8, '0');
  }

  // ---- timers: every timer belongs to an owner set so hang-up and reset cancel them ----------
  after(owner: Set<TimerHandle> | undefined, ms: number, fn: () => void): TimerHandle {
    const h = this.clock.setTimeout(() => {
      owner?.delete(h);
      fn();
    }, ms);
    owner?.add(h);
    return h;
  }

  // ---- apps ----------------------------------------------------------------------------
  app(name: string): AppState {
    let a = this.apps.get(name);
    if (!a) {
      a = {
        name,
        subscribeAll: false,
        channels: new Set(),
        interest: new Map(),
        bridges: new Map(),
        endpoints: new Set(),
        devices: new Set(),
      };
      this.apps.set(name, a);
    }
    return a;
  }
  isActive(name: string): boolean {
    return this.apps.get(name)?.sink !== undefined;
  }
  attach(name: string, sink: EventSink, subscribeAll: boolean): void {
    const a = this.app(name);
    if (a.sink && a.sink !== sink) {
      this.sendTo(a, 'ApplicationReplaced', {});
    }
    a.sink = sink;
    a.subscribeAll = subscribeAll;
  }
  detach(name: string, sink: EventSink): void {
    const a = this.apps.get(name);
    if (a && a.sink === sink) {
      a.sink = undefined;
      a.subscribeAll = false;
    }
  }
  /** stasis_app_subscribe_channel(): the app keeps the channel's events until it is destroyed. */
  subscribeChannel(app: string, channelId: string): void {
    this.interest(this.app(app), channelId, 1);
  }
  /** app_unsubscribe_channel_id(): drops one subscription (a channel in Stasis keeps Stasis()'s). */
  unsubscribeChannel(app: string, channelId: string): void {
    this.interest(this.app(app), channelId, -1);
  }
  private interest(a: AppState, channelId: string, delta: number): void {
    const n = (a.interest.get(channelId) ?? 0) + delta;
    if (n > 0) {
      a.interest.set(channelId, n);
      a.channels.add(channelId);
    } else {
      a.interest.delete(channelId);
      a.channels.delete(channelId);
    }
  }
  subscribeBridge(app: string, bridgeId: string, delta: number): void {
    const a = this.app(app);
    const n = (a.bridges.get(bridgeId) ?? 0) + delta;
    if (n > 0) a.bridges.set(bridgeId, n);
    else a.bridges.delete(bridgeId);
  }

  // ---- events --------------------------------------------------------------------------
  /** Sends one event to every app subscribed to anything in scope. The body is serialized once. */
  emit(type: string, fields: Record<string, unknown>, scope: EmitScope): void {
    let body: string | undefined;
    for (const a of this.apps.values()) {
      if (!a.sink || !this.wants(a, scope)) continue;
      if ((a.eventsAllowed || a.eventsDisallowed) && !eventAllowed(a, type)) continue;
      body ??= this.serialize(type, fields);
      this.eventCount++;
      a.sink.send(`${body}"asterisk_id":"${this.asteriskId}","application":${JSON.stringify(a.name)}}`);
    }
  }
  private sendTo(a: AppState, type: string, fields: Record<string, unknown>): void {
    a.sink?.send(
      `${this.serialize(type, fields)}"asterisk_id":"${this.asteriskId}","application":${JSON.stringify(a.name)}}`,
    );
  }
  private serialize(type: string, fields: Record<string, unknown>): string {
    const inner = JSON.stringify(fields);
    const head = `{"type":${JSON.stringify(type)},"timestamp":"${astTime(this.clock.now())}",`;
    return inner === '{}' ? head : `${head}${inner.slice(1, -1)},`;
  }
  private wants(a: AppState, s: EmitScope): boolean {
    if (a.subscribeAll) return true;
    if (s.apps?.includes(a.name)) return true;
    if (s.channels) {
      for (const c of s.channels) {
        if (!c) continue;
        if (a.channels.has(c.id)) return true;
        if (c.endpoint && (a.endpoints.has(c.endpoint) || a.endpoints.has(c.endpoint.split('/')[0]!)))
          return true;
      }
    }
    if (s.bridge && a.bridges.has(s.bridge.id)) return true;
    if (s.endpoint && (a.endpoints.has(s.endpoint) || a.endpoints.has(s.endpoint.split('/')[0]!)))
      return true;
    if (s.device && a.devices.has(s.device)) return true;
    return false;
  }

  // ---- channels ------------------------------------------------------------------------
  newChannel(init: {
    id?: string;
    name: string;
    state: SimChannel['state'];
    caller?: { name: string; number: string };
    connected?: { name: string; number: string };
    dialplan?: SimChannel['dialplan'];
    language?: string;
    endpoint?: string;
    kind: SimChannel['kind'];
  }): SimChannel {
    const id = init.id ?? this.newUniqueId();
    const c: SimChannel = {
      id,
      name: init.name,
      state: init.state,
      protocolId: init.kind === 'snoop' || init.kind === 'local' ? '' : `${id.replace('.', '')}@simulator`,
      caller: init.caller ?? { name: '', number: '' },
      connected: init.connected ?? { name: '', number: '' },
      accountcode: '',
      dialplan: init.dialplan ?? { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      created: this.clock.now(),
      language: init.language ?? 'en',
      vars: new Map(),
      timers: new Set(),
      playbackQueue: [],
      recordings: new Set(),
      snoops: new Set(),
      hangupRequested: false,
      destroyed: false,
      held: false,
      moh: false,
      kind: init.kind,
      ...(init.endpoint ? { endpoint: init.endpoint } : {}),
    };
    this.channels.set(id, c);
    this.indexChannel(c, true);
    // Nobody is subscribed to a channel that was just allocated: only subscribeAll apps hear of it.
    this.emit('ChannelCreated', { channel: channelJson(c) }, {});
    if (init.endpoint) this.updateEndpointDevice(init.endpoint);
    return c;
  }

  getChannel(id: string): SimChannel {
    const c = this.channels.get(id);
    if (!c) throw ariError(404, 'Channel not found');
    return c;
  }
  /** find_control(): 404 when gone, 409 when not in Stasis. */
  control(id: string): SimChannel {
    const c = this.getChannel(id);
    if (!c.stasisApp) throw ariError(409, 'Channel not in Stasis application');
    return c;
  }

  setState(c: SimChannel, state: SimChannel['state']): void {
    if (c.state === state || c.destroyed) return;
    if (c.state === 'Ringing') this.countRinging(c, -1);
    if (state === 'Ringing') this.countRinging(c, 1);
    c.state = state;
    this.emit('ChannelStateChange', { channel: channelJson(c) }, { channels: [c] });
    if (c.endpoint) this.updateEndpointDevice(c.endpoint);
  }

  setVar(c: SimChannel, name: string, value: string, report = true): void {
    c.vars.set(name, value);
    if (report)
      this.emit('ChannelVarset', { variable: name, value, channel: channelJson(c) }, { channels: [c] });
  }

  /** Runs Stasis(app,args): false when the app has no WebSocket (STASISSTATUS=FAILED). */
  enterStasis(
    c: SimChannel,
    app: string,
    args: string[],
    opts: { replace?: SimChannel; viaPbx?: boolean } = {},
  ): boolean {
    if (!this.isActive(app) || c.destroyed) return false;
    c.stasisApp = app;
    // pbx_exec() saves appl/data and puts them back when Stasis() returns. Snoop channels call
    // stasis_app_exec() directly and a moved channel stays in the same Stasis() call: no change.
    if (opts.viaPbx !== false) {
      c.savedApp = { app_name: c.dialplan.app_name, app_data: c.dialplan.app_data };
      c.dialplan = { ...c.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
      // app_stasis.c clears STASISSTATUS first: only apps already subscribed to the channel (an
      // originated or created one, subscribeAll) hear it, just before StasisStart.
      this.setVar(c, 'STASISSTATUS', '');
    }
    // stasis_app_exec(): app_subscribe_channel() before StasisStart.
    this.interest(this.app(app), c.id, 1);
    const fields: Record<string, unknown> = { args, channel: channelJson(c) };
    if (opts.replace) fields.replace_channel = channelJson(opts.replace);
    this.emit('StasisStart', fields, { channels: [c], apps: [app] });
    return true;
  }

  /**
   * The end of stasis_app_exec(): StasisEnd, app_unsubscribe_channel() (the subscription Stasis()
   * took), then pbx_exec() restoring the application the channel ran before Stasis (e.g.
   * "AppDial2" on an originated one). A channel the app subscribed to otherwise (originate/create
   * with app=, applications/{app}/subscription) keeps reporting; a dialplan caller's StasisEnd is
   * the last event its app gets.
   */
  leaveStasis(c: SimChannel, moving = false): void {
    const app = c.stasisApp;
    if (!app) return;
    this.emit('StasisEnd', { channel: channelJson(c) }, { channels: [c], apps: [app] });
    c.stasisApp = undefined;
    this.interest(this.app(app), c.id, -1);
    if (moving) return;
    // Stasis() returns: STASISSTATUS=SUCCESS (still showing Stasis), heard by apps that remain
    // subscribed (originated/created channels), then pbx_exec() restores the application.
    if (c.savedApp) this.setVar(c, 'STASISSTATUS', 'SUCCESS');
    if (c.savedApp) c.dialplan = { ...c.dialplan, ...c.savedApp };
    c.savedApp = undefined;
  }

  /** Hooks the feature modules register so hang-up can stop their work in Asterisk's order. */
  onHangup: ((c: SimChannel) => void)[] = [];
  /** DTMF listeners (recordings with terminateOn). */
  onDtmf: ((c: SimChannel, digit: string) => void)[] = [];
  /** Channels made by POST /channels/create, waiting for POST /channels/{id}/dial. */
  readonly pendingDials = new Map<string, unknown>();

  /**
   * Hangs a channel up. Asterisk's order: ChannelHangupRequest, (playbacks/recordings finish,
   * ChannelLeftBridge), StasisEnd, ChannelDestroyed last.
   */
  hangup(
    c: SimChannel,
    cause: number,
    opts: { request: boolean; soft?: boolean; techCause?: number } = { request: true },
  ): void {
    if (c.hangupRequested || c.destroyed) return;
    c.hangupRequested = true;
    for (const t of c.timers) t.cancel();
    c.timers.clear();
    if (opts.request) {
      // ast_softhangup() publishes its AST_SOFTHANGUP_* reason flag as "cause" (EXPLICIT = 32 for
      // ARI's DELETE); the Q.850 cause only shows in ChannelDestroyed. A far-end hang-up
      // (ast_queue_hangup_with_cause) carries the real cause and no "soft".
      const f: Record<string, unknown> = { cause: opts.soft ? SoftHangupExplicit : cause };
      if (opts.techCause) f.tech_cause = opts.techCause;
      if (opts.soft) f.soft = true;
      f.channel = channelJson(c);
      this.emit('ChannelHangupRequest', f, { channels: [c] });
    }
    if (c.dialing) {
      // monitor_dial(): ast_read() of the hung-up callee fails, and the dial publishes the status
      // its hang-up cause maps to (no "caller": an originate dials without one).
      const { dialstring } = c.dialing;
      c.dialing = undefined;
      this.emit(
        'Dial',
        { peer: channelJson(c), dialstatus: dialStatusForCause(cause), forward: '', dialstring },
        { channels: [c] },
      );
    }
    for (const h of this.onHangup) h(c);
    this.leaveStasis(c);
    this.destroy(c, cause, opts.techCause);
  }

  private destroy(c: SimChannel, cause: number, techCause?: number): void {
    c.destroyed = true;
    this.emit(
      'ChannelDestroyed',
      {
        cause,
        cause_txt: causeText[cause] ?? 'Unknown',
        ...(techCause ? { tech_cause: techCause } : {}),
        channel: channelJson(c),
      },
      { channels: [c] },
    );
    this.channels.delete(c.id);
    this.indexChannel(c, false);
    if (c.state === 'Ringing') this.countRinging(c, -1);
    for (const a of this.apps.values()) {
      a.channels.delete(c.id);
      a.interest.delete(c.id);
    }
    if (c.endpoint) this.updateEndpointDevice(c.endpoint);
    for (const sid of c.snoops) {
      const s = this.channels.get(sid);
      if (s) this.hangup(s, 16, { request: true });
    }
  }

  // ---- endpoints and device states -----------------------------------------------------
  /** Channel ids per endpoint and ringing counts, so device state costs O(1) per change at scale. */
  private readonly endpointIndex = new Map<string, Set<string>>();
  private readonly ringingCount = new Map<string, number>();

  endpointChannels(key: string): string[] {
    return [...(this.endpointIndex.get(key) ?? [])];
  }
  private indexChannel(c: SimChannel, add: boolean): void {
    if (!c.endpoint) return;
    let set = this.endpointIndex.get(c.endpoint);
    if (!set) this.endpointIndex.set(c.endpoint, (set = new Set()));
    if (add) set.add(c.id);
    else set.delete(c.id);
  }
  private countRinging(c: SimChannel, delta: number): void {
    if (!c.endpoint) return;
    this.ringingCount.set(c.endpoint, (this.ringingCount.get(c.endpoint) ?? 0) + delta);
  }
  private updateEndpointDevice(key: string): void {
    const ep = this.endpoints.get(key);
    if (!ep) return;
    const busy = (this.endpointIndex.get(key)?.size ?? 0) > 0;
    const ringing = (this.ringingCount.get(key) ?? 0) > 0;
    const state =
      ep.behaviour === 'unavailable' ? 'UNAVAILABLE' : ringing ? 'RINGING' : busy ? 'INUSE' : 'NOT_INUSE';
    const prev = this.deviceStates.get(key) ?? 'NOT_INUSE';
    this.deviceStates.set(key, state);
    if (prev !== state)
      this.emit('DeviceStateChanged', { device_state: { name: key, state } }, { device: key });
  }
  deviceState(name: string): string {
    if (this.deviceStates.has(name)) return this.deviceStates.get(name)!;
    if (this.endpoints.has(name))
      return this.endpoints.get(name)!.behaviour === 'unavailable' ? 'UNAVAILABLE' : 'NOT_INUSE';
    return 'UNKNOWN';
  }

  /** Drops every call, bridge, playback and recording (control reset()). */
  clear(): void {
    for (const c of [...this.channels.values()]) {
      for (const t of c.timers) t.cancel();
    }
    this.channels.clear();
    this.bridges.clear();
    for (const p of this.playbacks.values()) p.timer?.cancel();
    this.playbacks.clear();
    for (const r of this.liveRecordings.values()) for (const t of r.timers) t.cancel();
    this.liveRecordings.clear();
    for (const a of this.apps.values()) {
      a.channels.clear();
      a.interest.clear();
      a.bridges.clear();
      a.endpoints.clear();
      a.devices.clear();
    }
    this.deviceStates.clear();
    this.endpointIndex.clear();
    this.ringingCount.clear();
    this.pendingDials.clear();
    this.resetEndpoints();
    this.outbound = { ...DefaultOutboundProfile };
    this.random = Math.random;
  }
}
