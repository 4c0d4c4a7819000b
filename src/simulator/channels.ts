import type { Core, EndpointConfig } from './core.js';
import { DialStartDelayMs, RingStartDelayMs } from './core.js';
import { allocFailed, ariError } from './errors.js';
import type { SimChannel } from './model.js';
import { channelJson, hangupReasons } from './model.js';
import type { Args, HandlerTable, Reply } from './rest-types.js';
import { noContent, ok } from './rest-types.js';

export const AmdHumanMs = 1500;
export const AmdMachineMs = 2500;
export const DtmfGapMs = 250;
export const DtmfDurationMs = 100;
/** main/dial.c begin_dial_prerun(): what an ast_dial outgoing channel runs until it is answered. */
export const DialedDialplan = {
  context: 'default',
  exten: 's',
  priority: 1,
  app_name: 'AppDial2',
  app_data: '(Outgoing Line)',
};

type Outcome = 'answer' | 'busy' | 'noanswer' | 'invalid';

interface DialPlan {
  outcome: Outcome;
  ringMs: number;
  /** Remote hang-up after answer; undefined = stays. */
  talkMs?: number;
  machine?: boolean;
}

interface Target {
  name: string;
  dialstring: string;
  endpoint?: string;
  plan: DialPlan;
}

function pickRange(core: Core, r: { min: number; max: number }): number {
  return Math.round(r.min + (r.max - r.min) * core.random());
}

/** Resolves "PJSIP/agent1", "PJSIP/trunk/+8490...", "PJSIP/+8490...@trunk", "Local/x@ctx" to a dial plan. */
export function resolveTarget(core: Core, endpoint: string): Target {
  const slash = endpoint.indexOf('/');
  const tech = slash > 0 ? endpoint.slice(0, slash) : '';
  const rest = slash > 0 ? endpoint.slice(slash + 1) : '';
  if (!tech || !rest) throw ariError(400, 'Invalid endpoint specified');
  const hex = core.nextSeqHex();
  if (tech === 'PJSIP' && !rest.includes('/') && !rest.includes('@')) {
    const cfg: EndpointConfig | undefined = core.endpoints.get(`PJSIP/${rest}`);
    if (!cfg || cfg.behaviour === 'unavailable') throw allocFailed();
    const plan: DialPlan =
      cfg.behaviour === 'answer'
        ? {
            outcome: 'answer',
            ringMs: cfg.answerAfterMs,
            ...(cfg.hangupAfterMs !== undefined ? { talkMs: cfg.hangupAfterMs } : {}),
          }
        : cfg.behaviour === 'busy'
          ? { outcome: 'busy', ringMs: 0 }
          : { outcome: 'noanswer', ringMs: 0 };
    return { name: `PJSIP/${rest}-${hex}`, dialstring: rest, endpoint: `PJSIP/${rest}`, plan };
  }
  if (tech !== 'PJSIP' && tech !== 'Local') throw allocFailed();
  let trunk = 'trunk';
  if (tech === 'PJSIP') {
    if (rest.includes('/')) trunk = rest.slice(0, rest.indexOf('/'));
    else if (rest.includes('@')) trunk = rest.slice(rest.indexOf('@') + 1);
    if (!core.endpoints.has(`PJSIP/${trunk}`)) throw allocFailed();
  }
  const p = core.outbound;
  const weights: [Outcome, number][] = [
    ['invalid', p.invalidProbability],
    ['busy', p.busyProbability],
    ['noanswer', p.noAnswerProbability],
    ['answer', p.answerProbability],
  ];
  const total = weights.reduce((s, [, w]) => s + Math.max(0, w), 0) || 1;
  let r = core.random() * total;
  let outcome: Outcome = 'answer';
  for (const [o, w] of weights) {
    if (r < Math.max(0, w)) {
      outcome = o;
      break;
    }
    r -= Math.max(0, w);
  }
  const machine = outcome === 'answer' && core.random() < p.machineProbability;
  const talkMs = machine ? p.machineGreetingMs + 30000 : p.talkMs ? pickRange(core, p.talkMs) : undefined;
  const plan: DialPlan = {
    outcome,
    ringMs: pickRange(core, p.ringMs),
    machine,
    ...(talkMs !== undefined ? { talkMs } : {}),
  };
  const name = tech === 'Local' ? `Local/${rest}-${hex};1` : `PJSIP/${trunk}-${hex}`;
  return {
    name,
    dialstring: rest,
    endpoint: tech === 'PJSIP' ? `PJSIP/${trunk}` : undefined,
    plan,
  } as Target;
}

function parseCallerId(s: string | undefined): { name: string; number: string } {
  if (!s) return { name: '', number: '' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(s);
  if (m) return { name: m[1] ?? '', number: m[2] ?? '' };
  return /^[+\d*#]+$/.test(s.trim()) ? { name: '', number: s.trim() } : { name: s.trim(), number: '' };
}

/**
 * Rings a dialed channel through to its outcome.
 *
 * Originate (main/dial.c, ast_dial without a caller): Dial "" at start, then RINGING and ANSWER,
 * BUSY, CHANUNAVAIL, or a silent timeout (cause 19, handle_timeout_trip publishes nothing); a
 * hang-up while it rings publishes the status its cause maps to (NOANSWER for a normal clearing).
 *
 * `viaBridge` is POST /channels/{id}/dial of a created channel (control.c app_control_dial): only
 * its first Dial carries the dialstring; RINGING, ANSWER and BUSY come from bridge_handle_trip() in
 * the invisible dial bridge with an empty one, an unreachable number publishes no status, and the
 * timeout is an ast_softhangup(AST_SOFTHANGUP_EXPLICIT) that sets no hang-up cause (0).
 */
export function runDial(
  core: Core,
  c: SimChannel,
  t: Target,
  timeoutS: number,
  onAnswer: () => void,
  opts: { viaBridge?: boolean } = {},
): void {
  const viaBridge = opts.viaBridge === true;
  const dial = (status: string): void =>
    core.emit(
      'Dial',
      {
        peer: channelJson(c),
        // dial_to_json(): "forward" is always there, empty unless the call was forwarded.
        dialstatus: status,
        forward: '',
        dialstring: status && viaBridge ? '' : t.dialstring,
      },
      { channels: [c] },
    );
  const timeoutMs = timeoutS === -1 ? -1 : (timeoutS > 0 ? timeoutS : 30) * 1000;
  core.after(c.timers, DialStartDelayMs, () => {
    dial('');
    if (!viaBridge) c.dialing = { dialstring: t.dialstring };
    const { outcome, ringMs } = t.plan;
    if (outcome === 'busy' || outcome === 'invalid') {
      core.after(c.timers, RingStartDelayMs, () => {
        c.dialing = undefined;
        if (outcome === 'busy') dial('BUSY');
        else if (!viaBridge) dial('CHANUNAVAIL');
        // chan_pjsip reports the final SIP response of an off-nominal end as tech_cause.
        core.hangup(c, outcome === 'busy' ? 17 : 1, {
          request: true,
          techCause: outcome === 'busy' ? 486 : 404,
        });
      });
      return;
    }
    core.after(c.timers, RingStartDelayMs, () => {
      core.setState(c, 'Ringing');
      dial('RINGING');
      const answerAt = Math.max(0, ringMs - RingStartDelayMs);
      if (outcome === 'answer' && (timeoutMs === -1 || ringMs < timeoutMs)) {
        core.after(c.timers, answerAt, () => {
          c.dialing = undefined;
          core.setState(c, 'Up');
          dial('ANSWER');
          onAnswer();
          if (t.plan.talkMs !== undefined)
            core.after(c.timers, t.plan.talkMs, () => core.hangup(c, 16, { request: true }));
        });
      } else if (timeoutMs !== -1) {
        core.after(c.timers, Math.max(0, timeoutMs - DialStartDelayMs - RingStartDelayMs), () => {
          c.dialing = undefined;
          if (viaBridge) core.hangup(c, 0, { request: true, soft: true });
          else core.hangup(c, 19, { request: false });
        });
      }
    });
  });
}

function setAmdVars(core: Core, c: SimChannel, t: Target, report: boolean): [string, string] {
  const status = t.plan.machine ? 'MACHINE' : 'HUMAN';
  const cause = t.plan.machine ? `LONGGREETING-${core.outbound.machineGreetingMs}-1500` : 'HUMAN-300-1200';
  core.setVar(c, 'AMDSTATUS', status, report);
  core.setVar(c, 'AMDCAUSE', cause, report);
  return [status, cause];
}

function checkVariables(a: Args): void {
  const vars = a.variables as Record<string, unknown> | undefined;
  if (vars && typeof vars === 'object' && Object.values(vars).some((v) => typeof v !== 'string'))
    throw ariError(400, "Only string values in the 'variables' object allowed");
}

export function originate(core: Core, a: Args, channelId?: string): Reply {
  checkVariables(a);
  const id = channelId ?? (a.channelId as string | undefined);
  if ((id && id.length > 127) || (a.otherChannelId && String(a.otherChannelId).length > 127))
    throw ariError(400, 'Uniqueid length exceeds maximum of 127');
  if (!a.endpoint) throw ariError(400, 'Endpoint must be specified');
  if (a.originator && a.formats) throw ariError(400, "Originator and formats can't both be specified");
  const endpoint = String(a.endpoint);
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) throw ariError(400, 'Invalid endpoint specified');
  const app = a.app as string | undefined;
  const exten = a.extension as string | undefined;
  if (!app && !exten) throw ariError(400, 'Application or extension must be specified');
  if (a.originator && !core.channels.has(a.originator as string))
    throw ariError(400, 'Provided originator channel was not found');
  const t = resolveTarget(core, endpoint);
  if (id && core.channels.has(id)) throw ariError(409, 'Channel with given unique ID already exists');
  const cid = parseCallerId(a.callerId as string | undefined);
  const c = core.newChannel({
    ...(id ? { id } : {}),
    name: t.name,
    state: 'Down',
    caller: cid,
    connected: { ...cid },
    dialplan: { ...DialedDialplan },
    endpoint: t.endpoint,
    kind: 'outbound',
  } as Parameters<Core['newChannel']>[0]);
  const vars = (a.variables ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(vars)) applyVar(core, c, k, String(v), false);
  if (app) core.subscribeChannel(app, c.id);
  const snapshot = channelJson(c);
  const appArgs = a.appArgs ? String(a.appArgs).split(',') : [];
  runDial(core, c, t, Number(a.timeout ?? 30), () => {
    if (app) {
      if (t.endpoint && !core.endpoints.has(t.endpoint)) setAmdVars(core, c, t, false);
      else if (t.plan.machine !== undefined) setAmdVars(core, c, t, false);
      if (!core.enterStasis(c, app, appArgs)) core.hangup(c, 16, { request: true });
      return;
    }
    const context = (a.context as string | undefined) || 'default';
    c.dialplan = { context, exten: exten!, priority: Number(a.priority) || 1, app_name: '', app_data: '' };
    if (context === 'tongdai-outbound' && exten === 'amd') {
      c.dialplan = { ...c.dialplan, priority: 2, app_name: 'AMD', app_data: '' };
      core.after(c.timers, t.plan.machine ? AmdMachineMs : AmdHumanMs, () => {
        const [status, cause] = setAmdVars(core, c, t, true);
        c.dialplan = { ...c.dialplan, priority: 6 };
        if (!core.enterStasis(c, core.defaultApp, ['outbound', status, cause]))
          core.hangup(c, 16, { request: true });
      });
    }
  });
  return ok(snapshot);
}

/** Applies a channel variable, including the dialplan functions engines commonly set. */
function applyVar(core: Core, c: SimChannel, name: string, value: string, report: boolean): void {
  if (name === 'CHANNEL(language)') c.language = value;
  else if (name === 'CALLERID(name)') c.caller = { ...c.caller, name: value };
  else if (name === 'CALLERID(num)' || name === 'CALLERID(number)') c.caller = { ...c.caller, number: value };
  else if (name === 'CONNECTEDLINE(name)') c.connected = { ...c.connected, name: value };
  else if (name === 'CONNECTEDLINE(num)') c.connected = { ...c.connected, number: value };
  else {
    core.setVar(c, name, value, report);
    return;
  }
  if (name.startsWith('CALLERID') && report) {
    core.emit(
      'ChannelCallerId',
      {
        caller_presentation: 0,
        caller_presentation_txt: 'Presentation Allowed, Not Screened',
        channel: channelJson(c),
      },
      { channels: [c] },
    );
  }
}

function readVar(c: SimChannel, name: string): string | undefined {
  switch (name) {
    case 'CHANNEL(language)':
      return c.language;
    case 'CHANNEL(name)':
      return c.name;
    case 'CHANNEL(state)':
      return c.state;
    case 'CALLERID(name)':
      return c.caller.name;
    case 'CALLERID(num)':
    case 'CALLERID(number)':
      return c.caller.number;
    case 'CONNECTEDLINE(name)':
      return c.connected.name;
    case 'CONNECTEDLINE(num)':
      return c.connected.number;
    case 'UNIQUEID':
      return c.id;
    default:
      return c.vars.get(name);
  }
}

/** Presses DTMF digits on a channel as if the far end had keyed them. */
export function pressDigits(core: Core, c: SimChannel, digits: string, durationMs = DtmfDurationMs): void {
  [...digits].forEach((digit, i) => {
    const fire = (): void => {
      if (c.destroyed) return;
      core.emit(
        'ChannelDtmfReceived',
        { digit, duration_ms: durationMs, channel: channelJson(c) },
        { channels: [c] },
      );
      for (const h of core.onDtmf) h(c, digit);
    };
    if (i === 0) fire();
    else core.after(c.timers, i * DtmfGapMs, fire);
  });
}

function snoop(core: Core, a: Args): Reply {
  const dir = (v: unknown, what: string): string => {
    const s = (v as string | undefined) ?? 'none';
    if (!['none', 'both', 'out', 'in'].includes(s))
      throw ariError(400, `Invalid direction specified for ${what}`);
    return s;
  };
  const spy = dir(a.spy, 'spy');
  const whisper = dir(a.whisper, 'whisper');
  if (spy === 'none' && whisper === 'none')
    throw ariError(400, 'Direction must be specified for at least spy or whisper');
  if (!a.app) throw ariError(400, 'Application name is required');
  const target = core.channels.get(a.channelId as string);
  if (!target) throw ariError(404, 'Provided channel was not found');
  const id = a.snoopId as string | undefined;
  if (id && core.channels.has(id)) throw ariError(500, 'Snoop channel could not be created');
  const s = core.newChannel({
    ...(id ? { id } : {}),
    name: `Snoop/${target.id}-${core.nextSeqHex()}`,
    state: 'Up',
    kind: 'snoop',
    language: target.language,
  });
  s.snoopOf = target.id;
  target.snoops.add(s.id);
  s.vars.set('SNOOP_SPY', spy);
  s.vars.set('SNOOP_WHISPER', whisper);
  const snapshot = channelJson(s);
  const args = a.appArgs ? String(a.appArgs).split(',') : [];
  core.after(s.timers, 0, () => {
    if (!core.enterStasis(s, a.app as string, args, { viaPbx: false })) core.hangup(s, 16, { request: true });
  });
  return ok(snapshot);
}

export function channelHandlers(core: Core): HandlerTable {
  const dirCheck = (d: unknown): void => {
    if (!d) throw ariError(400, 'Direction is required');
    if (!['in', 'out', 'both'].includes(d as string)) throw ariError(400, 'Invalid direction specified');
  };
  /** find_control() plus channel_state_invalid(): outbound channels not yet answered get 412. */
  const valid = (id: string): SimChannel => {
    const c = core.control(id);
    if (c.state === 'Down' || c.state === 'Rsrved' || c.state === 'Ringing')
      throw ariError(412, 'Channel in invalid state');
    return c;
  };
  return {
    'channels.list': () => ok([...core.channels.values()].map((c) => channelJson(c))),
    'channels.get': (a) => ok(channelJson(core.getChannel(a.channelId as string))),
    'channels.originate': (a) => originate(core, a),
    'channels.originateWithId': (a) => originate(core, a, a.channelId as string),
    'channels.create': (a) => {
      checkVariables(a);
      if (a.originator && a.formats) throw ariError(400, "Originator and formats can't both be specified");
      if (!a.endpoint) throw ariError(400, 'Endpoint must be specified');
      const endpoint = String(a.endpoint);
      const slash = endpoint.indexOf('/');
      if (slash <= 0 || slash === endpoint.length - 1) throw ariError(400, 'Invalid endpoint specified');
      const id = a.channelId as string | undefined;
      const t = resolveTarget(core, endpoint);
      if (id && core.channels.has(id)) throw ariError(409, 'Channel with given unique ID already exists');
      const c = core.newChannel({
        ...(id ? { id } : {}),
        name: t.name,
        state: 'Down',
        endpoint: t.endpoint,
        kind: 'outbound',
      } as Parameters<Core['newChannel']>[0]);
      for (const [k, v] of Object.entries((a.variables ?? {}) as Record<string, unknown>))
        applyVar(core, c, k, String(v), false);
      if (a.app) core.subscribeChannel(a.app as string, c.id);
      core.pendingDials.set(c.id, t);
      const snapshot = channelJson(c);
      // Asterisk runs Stasis(app,appArgs) on the new channel at once, from its own thread.
      core.after(c.timers, 0, () => {
        if (!core.enterStasis(c, a.app as string, a.appArgs ? String(a.appArgs).split(',') : []))
          core.hangup(c, 16, { request: false });
      });
      return ok(snapshot);
    },
    'channels.dial': (a) => {
      const c = core.control(a.channelId as string);
      if (c.state !== 'Down' && c.state !== 'Rsrved')
        throw ariError(409, "Channel is not in the 'Down' state");
      const t = core.pendingDials.get(c.id) as Target | undefined;
      if (!t) throw ariError(409, 'Dialing a channel not created by ARI');
      core.pendingDials.delete(c.id);
      const caller = a.caller ? core.channels.get(a.caller as string) : undefined;
      if (caller) {
        c.connected = { ...caller.caller };
        c.language = caller.language;
        // ast_channel_inherit_variables(): "__X" travels on as "__X", "_X" arrives as "X".
        for (const [k, v] of caller.vars) {
          if (k.startsWith('__')) c.vars.set(k, v);
          else if (k.startsWith('_')) c.vars.set(k.slice(1), v);
        }
      }
      // app_control_dial(): ast_call() plus ast_channel_publish_dial(NULL, ...): no "caller" in the
      // Dial events, and no timeout unless one is given (0 rings until answered or hung up).
      const timeout = Number(a.timeout ?? 0);
      runDial(core, c, t, timeout > 0 ? timeout : -1, () => undefined, { viaBridge: true });
      return noContent();
    },
    'channels.hangup': (a) => {
      const c = core.getChannel(a.channelId as string);
      let cause = 16;
      if (a.reason && a.reason_code)
        throw ariError(400, "The reason and reason_code can't both be specified");
      if (a.reason_code) {
        const m = /^\s*([+-]?\d+)/.exec(String(a.reason_code));
        if (!m) throw ariError(400, 'Invalid reason for hangup reason code provided');
        cause = Number(m[1]);
      } else if (a.reason) {
        const mapped = hangupReasons[a.reason as string];
        if (mapped === undefined) throw ariError(400, 'Invalid reason for hangup reason provided');
        cause = mapped;
      }
      core.hangup(c, cause, { request: true, soft: true });
      return noContent();
    },
    'channels.continueInDialplan': (a) => {
      const c = valid(a.channelId as string);
      const context = (a.context as string) || c.dialplan.context;
      const exten = (a.extension as string) || (a.context ? 's' : c.dialplan.exten);
      const priority = Number(a.priority) || (a.context || a.extension ? 1 : c.dialplan.priority + 1);
      core.leaveStasis(c);
      c.dialplan = { ...c.dialplan, context, exten, priority };
      core.after(c.timers, 100, () => core.hangup(c, 16, { request: true }));
      return noContent();
    },
    'channels.move': (a) => {
      const c = core.control(a.channelId as string);
      const from = c.stasisApp!;
      const to = a.app as string;
      if (!core.isActive(to)) {
        core.emit(
          'ApplicationMoveFailed',
          { destination: to, args: [], channel: channelJson(c) },
          { apps: [from] },
        );
        return noContent();
      }
      core.leaveStasis(c, true);
      core.enterStasis(c, to, a.appArgs ? String(a.appArgs).split(',') : [], { viaPbx: false });
      return noContent();
    },
    'channels.redirect': (a) => {
      const c = valid(a.channelId as string);
      if (!a.endpoint) throw ariError(400, "Required parameter 'endpoint' not provided.");
      const ep = String(a.endpoint);
      const slash = ep.indexOf('/');
      if (slash <= 0) throw ariError(422, `Endpoint parameter '${ep}' does not contain tech/resource`);
      if (slash === ep.length - 1) throw ariError(422, `No resource provided in endpoint parameter '${ep}'`);
      const tech = ep.slice(0, slash);
      const type = c.name.split('/')[0]!;
      if (tech.toLowerCase() !== type.toLowerCase())
        throw ariError(422, `Endpoint technology '${tech}' does not match channel technology '${type}'`);
      core.after(c.timers, 50, () => core.hangup(c, 16, { request: true }));
      return noContent();
    },
    'channels.answer': (a) => {
      const c = valid(a.channelId as string);
      core.setState(c, 'Up');
      return noContent();
    },
    'channels.ring': (a) => (valid(a.channelId as string), noContent()),
    'channels.ringStop': (a) => (valid(a.channelId as string), noContent()),
    'channels.progress': (a) => (valid(a.channelId as string), noContent()),
    'channels.sendDTMF': (a) => {
      valid(a.channelId as string);
      if (!a.dtmf) throw ariError(400, 'DTMF is required');
      return noContent();
    },
    'channels.mute': (a) => (valid(a.channelId as string), dirCheck(a.direction), noContent()),
    'channels.unmute': (a) => (valid(a.channelId as string), dirCheck(a.direction), noContent()),
    'channels.hold': (a) => {
      const c = valid(a.channelId as string);
      c.held = true;
      core.emit('ChannelHold', { channel: channelJson(c) }, { channels: [c] });
      return noContent();
    },
    'channels.unhold': (a) => {
      const c = valid(a.channelId as string);
      c.held = false;
      core.emit('ChannelUnhold', { channel: channelJson(c) }, { channels: [c] });
      return noContent();
    },
    'channels.startMoh': (a) => ((valid(a.channelId as string).moh = true), noContent()),
    'channels.stopMoh': (a) => ((valid(a.channelId as string).moh = false), noContent()),
    'channels.startSilence': (a) => (valid(a.channelId as string), noContent()),
    'channels.stopSilence': (a) => (valid(a.channelId as string), noContent()),
    'channels.getChannelVar': (a) => {
      if (!a.variable) throw ariError(400, 'Variable name is required');
      const c = core.channels.get(a.channelId as string);
      if (!c) throw ariError(404, 'Provided channel was not found');
      const name = a.variable as string;
      const v = readVar(c, name);
      // A name ending in ')' goes through ast_func_read2(): an unknown function is a 500.
      if (v === undefined && name.endsWith(')')) throw ariError(500, 'Unable to read provided function');
      if (v === undefined) throw ariError(404, 'Provided variable was not found');
      return ok({ value: v });
    },
    'channels.setChannelVar': (a) => {
      if (!a.variable) throw ariError(400, 'Variable name is required');
      const c = core.control(a.channelId as string);
      // report_events: from now on the variable rides along in the snapshot's "channelvars".
      if (a.report_events) (c.reportedVars ??= new Set()).add(a.variable as string);
      applyVar(core, c, a.variable as string, (a.value as string | undefined) ?? '', true);
      return noContent();
    },
    'channels.getChannelVars': (a) => {
      const names = (a.variables ?? []) as string[];
      if (!names.length) throw ariError(400, 'Variable name is required');
      const c = core.channels.get(a.channelId as string);
      if (!c) throw ariError(404, 'Provided channel was not found');
      return ok({ variables: Object.fromEntries(names.map((n) => [n, readVar(c, n) ?? ''])) });
    },
    'channels.setChannelVars': (a) => {
      const vars = a.variables as Record<string, unknown> | undefined;
      if (!vars || typeof vars !== 'object') throw ariError(400, 'Missing variables parameter.');
      const c = core.control(a.channelId as string);
      for (const [k, v] of Object.entries(vars)) applyVar(core, c, k, String(v), true);
      return noContent();
    },
    'channels.snoopChannel': (a) => snoop(core, a),
    'channels.snoopChannelWithId': (a) => snoop(core, a),
    'channels.rtpstatistics': (a) => {
      const c = core.channels.get(a.channelId as string);
      if (!c) throw ariError(404, 'Channel not found');
      if (c.kind === 'snoop' || c.kind === 'local') throw ariError(403, 'Unsupported channel type');
      // ast_rtp_instance_get_stats_all_json(): every statistic of an RTP instance, 20 ms packets.
      const packets = Math.max(0, Math.round((core.clock.now() - c.created) / 20));
      const jitter = { max: 0.002, min: 0, normdev: 0.0005, stdev: 0.0004 };
      return ok({
        txcount: packets,
        rxcount: packets,
        txjitter: 0.000125,
        rxjitter: 0.000125,
        remote_maxjitter: jitter.max,
        remote_minjitter: jitter.min,
        remote_normdevjitter: jitter.normdev,
        remote_stdevjitter: jitter.stdev,
        local_maxjitter: jitter.max,
        local_minjitter: jitter.min,
        local_normdevjitter: jitter.normdev,
        local_stdevjitter: jitter.stdev,
        txploss: 0,
        rxploss: 0,
        remote_maxrxploss: 0,
        remote_minrxploss: 0,
        remote_normdevrxploss: 0,
        remote_stdevrxploss: 0,
        local_maxrxploss: 0,
        local_minrxploss: 0,
        local_normdevrxploss: 0,
        local_stdevrxploss: 0,
        rtt: 0.01,
        maxrtt: 0.012,
        minrtt: 0.008,
        normdevrtt: 0.001,
        stdevrtt: 0.001,
        local_ssrc: 1,
        remote_ssrc: 2,
        txoctetcount: packets * 160,
        rxoctetcount: packets * 160,
        channel_uniqueid: c.id,
      });
    },
    'channels.externalMedia': (a) => externalMedia(core, a),
    'channels.transfer_progress': (a) => (core.control(a.channelId as string), noContent()),
  };
}

/**
 * ast_ari_channels_external_media(): checks in Asterisk's order, then an originate of
 * UnicastRTP/<host>/c(<format>) (or AudioSocket) that answers at once and enters Stasis(app,data).
 */
function externalMedia(core: Core, a: Args): Reply {
  checkVariables(a);
  if (!a.app) throw ariError(400, 'app cannot be empty');
  const encapsulation = String(a.encapsulation || 'rtp').toLowerCase();
  const transport = String(a.transport || 'udp').toLowerCase();
  const host = a.external_host as string | undefined;
  if (transport !== 'websocket') {
    if (!host) throw ariError(400, 'external_host cannot be empty');
    if (!/^(\[[^\]]+\]|[^:]+):\d+$/.test(host)) throw ariError(400, 'external_host must be <host>:<port>');
  }
  if (!a.format) throw ariError(400, 'format cannot be empty');
  const rtp = encapsulation === 'rtp' && transport === 'udp';
  const audiosocket = encapsulation === 'audiosocket' && transport === 'tcp';
  if (!rtp && !audiosocket) throw ariError(501, 'The encapsulation and/or transport is not supported');
  if (audiosocket && !a.data) throw ariError(400, 'data can not be empty');
  const id = a.channelId as string | undefined;
  if (id && id.length > 127) throw ariError(400, 'Uniqueid length exceeds maximum of 127');
  if (id && core.channels.has(id)) throw ariError(409, 'Channel with given unique ID already exists');
  const tech = rtp ? 'UnicastRTP' : 'AudioSocket';
  const dialstring = rtp ? `${host}/c(${String(a.format)})` : `${host}/${String(a.data)}`;
  const c = core.newChannel({
    ...(id ? { id } : {}),
    name: `${tech}/${host}-0x${core.nextSeqHex()}`,
    state: 'Down',
    dialplan: { ...DialedDialplan },
    kind: 'local',
  });
  for (const [k, v] of Object.entries((a.variables ?? {}) as Record<string, unknown>))
    applyVar(core, c, k, String(v), false);
  if (rtp) {
    c.vars.set('UNICASTRTP_LOCAL_ADDRESS', '127.0.0.1');
    c.vars.set(
      'UNICASTRTP_LOCAL_PORT',
      String(10000 + (Number.parseInt(c.id.split('.')[1] ?? '0', 10) % 10000)),
    );
  }
  const app = a.app as string;
  core.subscribeChannel(app, c.id);
  const snapshot = channelJson(c, true);
  const dial = (status: string): void =>
    core.emit(
      'Dial',
      { peer: channelJson(c), dialstatus: status, forward: '', dialstring },
      { channels: [c] },
    );
  core.after(c.timers, DialStartDelayMs, () => {
    dial('');
    core.setState(c, 'Up');
    dial('ANSWER');
    const args = a.data ? String(a.data).split(',') : [];
    if (!core.enterStasis(c, app, args)) core.hangup(c, 16, { request: true });
  });
  return ok(snapshot);
}

export interface PlaceCallOptions {
  from: string;
  to: string;
  app?: string;
  args?: string[];
  language?: string;
  callerName?: string;
  channelId?: string;
  /** Times are ms after StasisStart. */
  script?: ({ atMs: number; dtmf: string } | { atMs: number; hangup: true })[];
  /** Caller hangs up this long after StasisStart; omitted = stays until hung up. */
  hangupAfterMs?: number;
}

/** A caller dialing a DID: the dialplan hands the call to Stasis(app,inbound,DID). */
export function placeCall(core: Core, o: PlaceCallOptions): { channelId: string; accepted: boolean } {
  if (o.channelId && core.channels.has(o.channelId))
    throw ariError(409, 'Channel with given unique ID already exists');
  const c = core.newChannel({
    ...(o.channelId ? { id: o.channelId } : {}),
    name: `PJSIP/trunk-${core.nextSeqHex()}`,
    state: 'Ring',
    caller: { name: o.callerName ?? '', number: o.from },
    connected: { name: '', number: '' },
    // dialplan/extensions.conf: from-trunk does Goto(tongdai-inbound,${EXTEN},1), whose priority 1
    // is Stasis(tongdai,inbound,${EXTEN}).
    dialplan: { context: 'tongdai-inbound', exten: o.to || 's', priority: 1, app_name: '', app_data: '' },
    language: o.language ?? 'en',
    endpoint: 'PJSIP/trunk',
    kind: 'inbound',
  });
  c.vars.set('TONGDAI_DID', o.to);
  const app = o.app ?? core.defaultApp;
  const accepted = core.enterStasis(c, app, o.args ?? ['inbound', o.to]);
  if (!accepted) {
    // STASISSTATUS=FAILED: the dialplan's fallback plays a prompt and hangs up; no app sees it.
    core.hangup(c, 16, { request: true });
    return { channelId: c.id, accepted };
  }
  for (const step of o.script ?? []) {
    core.after(c.timers, step.atMs, () => {
      if ('dtmf' in step) pressDigits(core, c, step.dtmf);
      else core.hangup(c, 16, { request: true });
    });
  }
  if (o.hangupAfterMs !== undefined)
    core.after(c.timers, o.hangupAfterMs, () => core.hangup(c, 16, { request: true }));
  return { channelId: c.id, accepted };
}
