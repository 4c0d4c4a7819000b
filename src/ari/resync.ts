import type { AriBridge, AriChannel } from './model.js';

export type OrphanPolicy = 'hangup' | 'adopt';

export interface ResyncInput {
  app: string;
  policy: OrphanPolicy;
  /** Channel ids of calls the engine is running. */
  calls: Iterable<string>;
  /** Channel ids of originates and snoops still waiting for their StasisStart. */
  expected: Iterable<string>;
  /** Bridge ids the engine created and believes alive. */
  bridges: Iterable<string>;
  /** What Asterisk has now. */
  liveChannels: AriChannel[];
  liveBridges: AriBridge[];
}

export interface ResyncPlan {
  /** Calls whose channel is gone: they ended while events were not flowing. */
  endCalls: string[];
  /** Originates/snoops whose channel is gone: they failed unseen. */
  failExpected: string[];
  /** Originates/snoops already in our app: their StasisStart was lost in the outage. */
  startExpected: AriChannel[];
  /** Channels in our app that the engine does not know (arrived or orphaned during the outage). */
  hangup: string[];
  adopt: AriChannel[];
  /** Our bridges Asterisk no longer has. */
  forgetBridges: string[];
  /** Bridges our app created that nobody here owns and that hold none of the channels we keep. */
  destroyBridges: string[];
}

/** True when the channel is executing Stasis for this app (its dialplan CEP says so). */
export function inOurApp(channel: AriChannel, app: string): boolean {
  const { app_name, app_data } = channel.dialplan ?? ({} as AriChannel['dialplan']);
  if (app_name !== 'Stasis' || typeof app_data !== 'string') return false;
  return app_data.split(',')[0] === app;
}

/**
 * Asterisk names every ARI bridge's creator "Stasis", whatever the app, so our bridges carry the app in
 * their name ("<app>/<purpose>") to be recognisable after a restart of the engine.
 */
export function bridgeName(app: string, purpose = 'call'): string {
  return `${app}/${purpose}`;
}
export function isOurBridgeName(name: string | undefined, app: string): boolean {
  return typeof name === 'string' && name.startsWith(`${app}/`);
}

/**
 * The re-sync rule after a reconnect, as a pure function: Asterisk's lists are the truth.
 * - a call or expected channel Asterisk no longer has → ended / failed (we missed its end);
 * - an expected channel already executing Stasis for our app → started (we missed its StasisStart);
 * - a channel in our app we do not know → hung up (default), or adopted and run as a new inbound call
 *   (ARI_ORPHAN_POLICY=adopt), since no flow state for it survives;
 * - a bridge we own that is gone → forgotten; a bridge named for our app that nobody here owns and
 *   that holds no channel we keep → destroyed, so outages never leave bridges behind.
 */
export function planResync(input: ResyncInput): ResyncPlan {
  const live = new Map(input.liveChannels.map((c) => [c.id, c]));
  const known = new Set(input.calls);
  const expected = new Set(input.expected);
  const plan: ResyncPlan = {
    endCalls: [],
    failExpected: [],
    startExpected: [],
    hangup: [],
    adopt: [],
    forgetBridges: [],
    destroyBridges: [],
  };

  for (const id of known) if (!live.has(id)) plan.endCalls.push(id);
  for (const id of expected) if (!live.has(id)) plan.failExpected.push(id);

  const kept = new Set<string>();
  for (const channel of input.liveChannels) {
    if (known.has(channel.id) || expected.has(channel.id)) {
      kept.add(channel.id);
      if (expected.has(channel.id) && inOurApp(channel, input.app)) plan.startExpected.push(channel);
      continue;
    }
    if (!inOurApp(channel, input.app)) continue;
    if (input.policy === 'adopt') {
      plan.adopt.push(channel);
      kept.add(channel.id);
    } else {
      plan.hangup.push(channel.id);
    }
  }

  const liveBridges = new Map(input.liveBridges.map((b) => [b.id, b]));
  const ours = new Set(input.bridges);
  for (const id of ours) if (!liveBridges.has(id)) plan.forgetBridges.push(id);
  for (const bridge of input.liveBridges) {
    if (ours.has(bridge.id) || !isOurBridgeName(bridge.name, input.app)) continue;
    if (bridge.channels.some((id) => kept.has(id))) continue;
    plan.destroyBridges.push(bridge.id);
  }
  return plan;
}
