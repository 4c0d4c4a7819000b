import type { Core } from './core.js';
import { ariError } from './errors.js';
import type { Media } from './media.js';
import type { SimBridge, SimChannel } from './model.js';
import { bridgeJson, channelJson } from './model.js';
import type { Args, HandlerTable, Reply } from './rest-types.js';
import { noContent, ok } from './rest-types.js';

/**
 * stasis_app_bridge_create(): "mixing" and "holding" give the bridge its capabilities, "video_sfu"
 * forces a multimix (mixing) bridge, "video_single" picks the video mode, anything else is ignored.
 * No capability, or holding with mixing, fails.
 */
function parseBridgeType(
  type: string | undefined,
): { type: 'mixing' | 'holding'; videoMode: string } | undefined {
  let mixing = false;
  let holding = false;
  let videoMode = 'talker';
  for (const t of (type || 'mixing').split(',').map((x) => x.trim())) {
    if (t === 'mixing') mixing = true;
    else if (t === 'holding') holding = true;
    else if (t === 'video_sfu') videoMode = 'sfu';
    else if (t === 'video_single') videoMode = 'single';
  }
  if (videoMode === 'sfu') {
    mixing = true;
    holding = false;
  }
  if ((!mixing && !holding) || (mixing && holding)) return undefined;
  return { type: holding ? 'holding' : 'mixing', videoMode };
}

export class Bridges {
  constructor(
    private readonly core: Core,
    private readonly media: Media,
  ) {
    core.onHangup.push((c) => {
      if (c.bridgeId) {
        const b = core.bridges.get(c.bridgeId);
        if (b) this.leave(b, c);
      }
    });
  }

  private readonly bridgeVars = new WeakMap<SimBridge, Map<string, string>>();
  private vars(b: SimBridge): Map<string, string> {
    let m = this.bridgeVars.get(b);
    if (!m) this.bridgeVars.set(b, (m = new Map()));
    return m;
  }

  private technology(b: SimBridge): string {
    if (b.type === 'holding') return 'holding_bridge';
    // video_sfu bridges are multimix only (not smart), so softmix from the start.
    if (b.videoMode === 'sfu') return 'softmix';
    return b.channels.length > 2 ? 'softmix' : 'simple_bridge';
  }

  create(a: Args, id?: string): Reply {
    const bridgeId = id ?? (a.bridgeId as string | undefined);
    if (bridgeId && this.core.bridges.has(bridgeId))
      throw ariError(409, `Bridge with id '${bridgeId}' already exists`);
    const kind = parseBridgeType(a.type as string | undefined);
    if (!kind) {
      throw ariError(
        500,
        id
          ? 'Unable to create bridge'
          : `Unable to create bridge. Possible duplicate bridge id '${bridgeId ?? '(null)'}'`,
      );
    }
    const b: SimBridge = {
      id: bridgeId || crypto.randomUUID(),
      name: (a.name as string | undefined) ?? '',
      type: kind.type,
      technology: '',
      creator: 'Stasis',
      channels: [],
      created: this.core.clock.now(),
      // bridge_stasis_new(): every Stasis bridge, holding ones too, starts in talker video mode.
      videoMode: kind.videoMode,
      moh: false,
      playbackQueue: [],
      recordings: new Set(),
    };
    b.technology = this.technology(b);
    this.core.bridges.set(b.id, b);
    this.core.emit('BridgeCreated', { bridge: bridgeJson(b) }, { bridge: b });
    return ok(bridgeJson(b));
  }

  get(id: string): SimBridge {
    const b = this.core.bridges.get(id);
    if (!b) throw ariError(404, 'Bridge not found');
    return b;
  }

  enter(b: SimBridge, c: SimChannel): void {
    if (c.bridgeId === b.id) return;
    if (c.bridgeId) {
      const old = this.core.bridges.get(c.bridgeId);
      if (old) this.leave(old, c);
    }
    b.channels.push(c.id);
    c.bridgeId = b.id;
    if (c.stasisApp) this.core.subscribeBridge(c.stasisApp, b.id, 1);
    this.core.emit(
      'ChannelEnteredBridge',
      { bridge: bridgeJson(b), channel: channelJson(c) },
      { bridge: b, channels: [c] },
    );
    // A smart bridge changes technology (simple_bridge <-> softmix) only after the join is
    // reported: the third channel still enters a "simple_bridge".
    b.technology = this.technology(b);
  }

  leave(b: SimBridge, c: SimChannel): void {
    const i = b.channels.indexOf(c.id);
    if (i < 0) return;
    b.channels.splice(i, 1);
    c.bridgeId = undefined;
    this.core.emit(
      'ChannelLeftBridge',
      { bridge: bridgeJson(b), channel: channelJson(c) },
      { bridge: b, channels: [c] },
    );
    b.technology = this.technology(b);
    if (c.stasisApp) this.core.subscribeBridge(c.stasisApp, b.id, -1);
  }

  destroy(b: SimBridge): void {
    // ast_bridge_destroy() publishes BridgeDestroyed before the kicked channels' threads drop
    // their apps' bridge subscriptions: an app with a channel in the bridge still hears it.
    const subscribed = [...this.core.apps.values()].filter((a) => a.bridges.has(b.id)).map((a) => a.name);
    for (const id of [...b.channels]) {
      const c = this.core.channels.get(id);
      if (c) this.leave(b, c);
    }
    this.media.abortAll(b.playbackQueue);
    for (const name of [...b.recordings]) {
      const r = this.core.liveRecordings.get(name);
      if (r) this.media.stopRecording(r, 'done');
    }
    this.core.emit('BridgeDestroyed', { bridge: bridgeJson(b) }, { bridge: b, apps: subscribed });
    this.core.bridges.delete(b.id);
    for (const a of this.core.apps.values()) a.bridges.delete(b.id);
  }

  /** control_list_create(): unknown channel 400, channel outside Stasis 422. */
  private channelsFor(a: Args): SimChannel[] {
    const ids = (a.channel ?? []) as string[];
    if (!ids.length) throw ariError(400, 'Missing parameter channel');
    return ids.map((id) => {
      const c = this.core.channels.get(id);
      if (!c) throw ariError(400, 'Channel not found');
      if (!c.stasisApp) throw ariError(422, 'Channel not in Stasis application');
      return c;
    });
  }

  handlers(): HandlerTable {
    const core = this.core;
    return {
      'bridges.list': () => ok([...core.bridges.values()].map(bridgeJson)),
      'bridges.create': (a) => this.create(a),
      'bridges.createWithId': (a) => this.create(a, a.bridgeId as string),
      'bridges.get': (a) => ok(bridgeJson(this.get(a.bridgeId as string))),
      'bridges.destroy': (a) => (this.destroy(this.get(a.bridgeId as string)), noContent()),
      'bridges.addChannel': (a) => {
        const b = this.get(a.bridgeId as string);
        const chans = this.channelsFor(a);
        for (const c of chans) {
          if (c.recordings.size) throw ariError(409, `Channel ${c.id} currently recording`);
        }
        for (const c of chans) this.enter(b, c);
        return noContent();
      },
      'bridges.removeChannel': (a) => {
        const b = this.get(a.bridgeId as string);
        const chans = this.channelsFor(a);
        for (const c of chans) if (c.bridgeId !== b.id) throw ariError(422, 'Channel not in this bridge');
        for (const c of chans) this.leave(b, c);
        return noContent();
      },
      'bridges.getBridgeVar': (a) => {
        if (!a.variable) throw ariError(400, 'Variable name is required');
        const b = this.get(a.bridgeId as string);
        const v = this.vars(b).get(a.variable as string);
        if (v === undefined) throw ariError(404, 'Provided variable was not found');
        return ok({ value: v });
      },
      'bridges.setBridgeVar': (a) => {
        if (!a.variable) throw ariError(400, 'Variable name is required');
        const b = this.get(a.bridgeId as string);
        this.vars(b).set(a.variable as string, (a.value as string | undefined) ?? '');
        return noContent();
      },
      'bridges.getBridgeVars': (a) => {
        const b = this.get(a.bridgeId as string);
        const names = (a.variables ?? []) as string[];
        return ok({ variables: Object.fromEntries(names.map((n) => [n, this.vars(b).get(n) ?? ''])) });
      },
      'bridges.setBridgeVars': (a) => {
        const b = this.get(a.bridgeId as string);
        for (const [k, v] of Object.entries((a.variables ?? {}) as Record<string, unknown>))
          this.vars(b).set(k, String(v));
        return noContent();
      },
      'bridges.setVideoSource': (a) => {
        const b = this.get(a.bridgeId as string);
        const [c] = this.channelsFor({ channel: [a.channelId] });
        if (c!.bridgeId !== b.id) throw ariError(422, 'Channel not in this bridge');
        return noContent();
      },
      'bridges.clearVideoSource': (a) => (this.get(a.bridgeId as string), noContent()),
      'bridges.startMoh': (a) => ((this.get(a.bridgeId as string).moh = true), noContent()),
      'bridges.stopMoh': (a) => {
        const b = this.get(a.bridgeId as string);
        if (!b.moh) throw ariError(409, "Bridge isn't playing music");
        b.moh = false;
        return noContent();
      },
      'bridges.play': (a) => this.play(a),
      'bridges.playWithId': (a) => this.play(a),
      // ast_ari_bridges_record() has no negative-duration checks of its own: those reach
      // stasis_app_control_record() and come back as EINVAL, 500 "Error parsing request".
      'bridges.record': (a) => {
        const b = this.get(a.bridgeId as string);
        return this.media.record(`bridge:${b.id}`, a, b.recordings);
      },
    };
  }

  private play(a: Args): Reply {
    return this.media.playRequest(`bridge:${this.get(a.bridgeId as string).id}`, a);
  }
}
