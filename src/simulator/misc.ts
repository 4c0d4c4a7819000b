import { hostname, arch, release, type } from 'node:os';
import { astTime } from './clock.js';
import type { AppState, Core } from './core.js';
import { ariError } from './errors.js';
import { bridgeJson, channelJson } from './model.js';
import type { HandlerTable } from './rest-types.js';
import { noContent, ok } from './rest-types.js';
import { sounds } from './sounds.js';

export const AsteriskVersion = '22.10.1';

function appJson(core: Core, a: AppState): Record<string, unknown> {
  return {
    name: a.name,
    channel_ids: [...a.channels],
    bridge_ids: [...a.bridges.keys()],
    endpoint_ids: [...a.endpoints],
    device_names: [...a.devices],
    events_allowed: a.eventsAllowed ?? [],
    events_disallowed: a.eventsDisallowed ?? [],
  };
}

const DeviceStates = [
  'NOT_INUSE',
  'INUSE',
  'BUSY',
  'INVALID',
  'UNAVAILABLE',
  'RINGING',
  'RINGINUSE',
  'ONHOLD',
];

const modules = [
  ['res_ari.so', 'Asterisk RESTful Interface', 'core'],
  ['res_stasis.so', 'Stasis application support', 'core'],
  ['res_stasis_playback.so', 'Stasis application playback support', 'core'],
  ['res_stasis_recording.so', 'Stasis application recording support', 'core'],
  ['res_stasis_snoop.so', 'Stasis application snoop support', 'extended'],
  ['res_stasis_answer.so', 'Stasis application answer support', 'core'],
  ['chan_pjsip.so', 'PJSIP Channel Driver', 'core'],
  ['app_amd.so', 'Answering Machine Detection Application', 'extended'],
];

export function miscHandlers(core: Core): HandlerTable {
  const endpointJson = (key: string) => {
    const e = core.endpoints.get(key)!;
    return {
      technology: e.technology,
      resource: e.resource,
      state: e.behaviour === 'unavailable' ? 'offline' : 'online',
      channel_ids: core.endpointChannels(key),
    };
  };
  const application = (name: string): AppState => {
    const a = core.apps.get(name);
    if (!a) throw ariError(404, 'Application not found');
    return a;
  };
  const parseSources = (src: unknown, appName: string, add: boolean): AppState => {
    const list = (src ?? []) as string[];
    if (!list.length) throw ariError(400, 'Missing parameter eventSource');
    const a = application(appName);
    const parsed = list.map((s) => {
      const i = s.indexOf(':');
      const scheme = i < 0 ? '' : s.slice(0, i);
      const id = s.slice(i + 1);
      if (!['channel', 'bridge', 'endpoint', 'deviceState'].includes(scheme))
        throw ariError(400, 'Invalid event source URI scheme');
      const exists = add
        ? scheme === 'channel'
          ? core.channels.has(id)
          : scheme === 'bridge'
            ? core.bridges.has(id)
            : scheme === 'endpoint'
              ? core.endpoints.has(id) || [...core.endpoints.values()].some((e) => e.technology === id)
              : true
        : scheme === 'channel'
          ? a.channels.has(id)
          : scheme === 'bridge'
            ? a.bridges.has(id)
            : scheme === 'endpoint'
              ? a.endpoints.has(id)
              : a.devices.has(id);
      if (!exists)
        throw ariError(422, add ? 'Event source does not exist' : 'Event source was not subscribed to');
      return { scheme, id };
    });
    for (const { scheme, id } of parsed) {
      if (scheme === 'channel') {
        if (add) core.subscribeChannel(a.name, id);
        else core.unsubscribeChannel(a.name, id);
      } else if (scheme === 'bridge') core.subscribeBridge(a.name, id, add ? 1 : -(a.bridges.get(id) ?? 0));
      else if (scheme === 'endpoint') {
        if (add) a.endpoints.add(id);
        else a.endpoints.delete(id);
      } else if (add) a.devices.add(id);
      else a.devices.delete(id);
    }
    return a;
  };
  const loaded = new Set(modules.map(([n]) => n!));
  const logChannels = new Map([['console', 'notice,warning,error']]);
  const info = () => ({
    build: {
      os: type(),
      kernel: release(),
      options: 'BUILD_NATIVE, OPTIONAL_API',
      machine: arch(),
      date: '2026-01-01 00:00:00 UTC',
      user: 'tongdai',
    },
    system: { version: AsteriskVersion, entity_id: core.asteriskId },
    config: { name: hostname(), default_language: 'en', setid: { user: 'asterisk', group: 'asterisk' } },
    status: { startup_time: astTime(core.startedAt), last_reload_time: astTime(core.startedAt) },
  });
  const soundJson = (s: typeof sounds extends Map<string, infer V> ? V : never) => ({
    id: s.id,
    text: s.text,
    formats: s.languages.map((language) => ({ language, format: 'gsm' })),
  });
  return {
    'asterisk.getInfo': (a) => {
      // Sections named case-insensitively; unknown names are only logged by Asterisk.
      const all = info() as Record<string, unknown>;
      const only = ((a.only ?? []) as string[]).map((k) => k.toLowerCase());
      return ok(
        only.length ? Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k))) : all,
      );
    },
    'asterisk.ping': () =>
      ok({ asterisk_id: core.asteriskId, ping: 'pong', timestamp: astTime(core.clock.now()) }),
    'asterisk.listModules': () =>
      ok(
        modules
          .filter(([n]) => loaded.has(n!))
          .map(([name, description, support_level]) => ({
            name,
            description,
            use_count: 0,
            status: 'Running',
            support_level,
          })),
      ),
    'asterisk.getModule': (a) => {
      const m = modules.find(([n]) => n === a.moduleName);
      if (!m || !loaded.has(m[0]!)) throw ariError(404, 'Module could not be found in running modules');
      return ok({ name: m[0], description: m[1], use_count: 0, status: 'Running', support_level: m[2] });
    },
    // resource_asterisk.c: load/unload/reload answer with ast_module_check()'s view of the module.
    'asterisk.loadModule': (a) => {
      const name = a.moduleName as string;
      if (loaded.has(name)) throw ariError(409, 'Module is already loaded');
      if (!modules.some(([n]) => n === name)) throw ariError(409, 'Module load declined');
      loaded.add(name);
      return noContent();
    },
    'asterisk.unloadModule': (a) => {
      if (!loaded.delete(a.moduleName as string)) throw ariError(404, 'Module not found in running modules');
      return noContent();
    },
    'asterisk.reloadModule': (a) => {
      if (!loaded.has(a.moduleName as string)) throw ariError(404, 'Module not found in running modules');
      return noContent();
    },
    'asterisk.listLogChannels': () =>
      ok(
        [...logChannels].map(([channel, configuration]) => ({
          channel,
          type: channel === 'console' ? 'Console' : 'File',
          status: 'Enabled',
          configuration,
        })),
      ),
    'asterisk.addLog': (a) => {
      const name = a.logChannelName as string;
      if (!a.configuration) throw ariError(400, 'Configuration levels are required');
      if (logChannels.has(name)) throw ariError(409, 'Log channel already exists');
      logChannels.set(name, String(a.configuration));
      return noContent();
    },
    'asterisk.deleteLog': (a) => {
      if (!logChannels.delete(a.logChannelName as string)) throw ariError(404, 'Log channel does not exist');
      return noContent();
    },
    'asterisk.rotateLog': (a) => {
      if (!logChannels.has(a.logChannelName as string)) throw ariError(404, 'Log channel does not exist');
      return noContent();
    },
    'asterisk.getGlobalVar': (a) => {
      if (!a.variable) throw ariError(400, 'Variable name is required');
      return ok({ value: core.globalVars.get(a.variable as string) ?? '' });
    },
    'asterisk.setGlobalVar': (a) => {
      if (!a.variable) throw ariError(400, 'Variable name is required');
      core.globalVars.set(a.variable as string, (a.value as string | undefined) ?? '');
      return noContent();
    },
    'endpoints.list': () => ok([...core.endpoints.keys()].map(endpointJson)),
    'endpoints.listByTech': (a) => {
      const tech = String(a.tech).toLowerCase();
      const keys = [...core.endpoints.entries()]
        .filter(([, e]) => e.technology.toLowerCase() === tech)
        .map(([k]) => k);
      if (!keys.length) throw ariError(404, 'No Endpoints found - invalid tech ' + String(a.tech));
      return ok(keys.map(endpointJson));
    },
    'endpoints.get': (a) => {
      const key = `${String(a.tech)}/${String(a.resource)}`;
      if (!core.endpoints.has(key)) throw ariError(404, 'Endpoint not found');
      return ok(endpointJson(key));
    },
    // send_message(): only an empty "to" is refused; a failed ast_msg_send() still ends in 202.
    'endpoints.sendMessage': (a) => {
      if (!a.to) throw ariError(400, 'To must be specified');
      return { status: 202 };
    },
    'endpoints.sendMessageToEndpoint': (a) => {
      if (!core.endpoints.has(`${String(a.tech)}/${String(a.resource)}`))
        throw ariError(404, 'Endpoint not found');
      return { status: 202 };
    },
    'deviceStates.list': () =>
      ok(
        [...core.deviceStates.keys()]
          .filter((n) => n.startsWith('Stasis:'))
          .map((name) => ({ name, state: core.deviceState(name) })),
      ),
    'deviceStates.get': (a) => ok({ name: a.deviceName, state: core.deviceState(a.deviceName as string) }),
    'deviceStates.update': (a) => {
      const name = a.deviceName as string;
      if (!name.toLowerCase().startsWith('stasis:')) throw ariError(409, 'Uncontrolled device specified');
      if (name.length === 7) throw ariError(404, 'Device name is missing');
      const state = String(a.deviceState ?? '').toUpperCase();
      if (!DeviceStates.includes(state)) throw ariError(500, 'Unknown device');
      // ast_devstate_changed() publishes every update, changed or not.
      core.deviceStates.set(name, state);
      core.emit('DeviceStateChanged', { device_state: { name, state } }, { device: name });
      return noContent();
    },
    // stasis_app_device_state_delete(): a device never set is "Unknown device" (500); deleting
    // announces UNKNOWN.
    'deviceStates.delete': (a) => {
      const name = a.deviceName as string;
      if (!name.toLowerCase().startsWith('stasis:')) throw ariError(409, 'Uncontrolled device specified');
      if (name.length === 7) throw ariError(404, 'Device name is missing');
      if (!core.deviceStates.delete(name)) throw ariError(500, 'Unknown device');
      core.emit('DeviceStateChanged', { device_state: { name, state: 'UNKNOWN' } }, { device: name });
      return noContent();
    },
    'mailboxes.list': () => ok([...core.mailboxes.entries()].map(([name, m]) => ({ name, ...m }))),
    'mailboxes.get': (a) => {
      const m = core.mailboxes.get(a.mailboxName as string);
      // resource_mailboxes.c's wording, typo included.
      if (!m) throw ariError(404, 'Mailbox is does not exist');
      return ok({ name: a.mailboxName, ...m });
    },
    'mailboxes.update': (a) => {
      core.mailboxes.set(a.mailboxName as string, {
        old_messages: Number(a.oldMessages ?? 0),
        new_messages: Number(a.newMessages ?? 0),
      });
      return noContent();
    },
    'mailboxes.delete': (a) => {
      if (!core.mailboxes.delete(a.mailboxName as string)) throw ariError(404, 'Mailbox does not exist');
      return noContent();
    },
    'sounds.list': (a) =>
      ok(
        [...sounds.values()]
          .filter((s) => !a.lang || s.languages.includes(a.lang as string))
          .filter(() => !a.format || a.format === 'gsm')
          .map(soundJson),
      ),
    'sounds.get': (a) => {
      const s = sounds.get(a.soundId as string);
      if (!s) throw ariError(404, 'Sound not found');
      return ok(soundJson(s));
    },
    'applications.list': () => ok([...core.apps.values()].filter((a) => a.sink).map((a) => appJson(core, a))),
    'applications.get': (a) => ok(appJson(core, application(a.applicationName as string))),
    'applications.subscribe': (a) =>
      ok(appJson(core, parseSources(a.eventSource, a.applicationName as string, true))),
    'applications.unsubscribe': (a) =>
      ok(appJson(core, parseSources(a.eventSource, a.applicationName as string, false))),
    // app_event_filter_set(): the body is {"allowed": [{"type": ...}], "disallowed": [...]}; an empty
    // object or no body clears both lists, a list whose entries lack "type" is refused.
    'applications.filter': (a) => {
      const app = application(a.applicationName as string);
      const filter = a.filter as Record<string, unknown> | undefined;
      for (const kind of ['allowed', 'disallowed'] as const) {
        let list: unknown = filter;
        if (filter && typeof filter === 'object' && !Array.isArray(filter)) {
          if (!Object.keys(filter).length) list = undefined;
          else if (!(kind in filter)) continue;
          else list = filter[kind];
        }
        if (list !== undefined && list !== null) {
          if (
            !Array.isArray(list) ||
            list.some(
              (f) =>
                !f || typeof (f as { type?: unknown }).type !== 'string' || !(f as { type: string }).type,
            )
          )
            throw ariError(400, 'Invalid format definition');
        }
        const value = (list ?? undefined) as { type: string }[] | undefined;
        if (kind === 'allowed') app.eventsAllowed = value;
        else app.eventsDisallowed = value;
      }
      return ok(appJson(core, app));
    },
    // ast_ari_events_user_event() and stasis_app_user_event(): each source's snapshot is attached.
    'events.userEvent': (a) => {
      if (!a.application) throw ariError(400, 'Missing parameter application');
      const app = core.apps.get(a.application as string);
      if (!app?.sink) throw ariError(404, 'Application not found');
      const fields: Record<string, unknown> = { eventname: a.eventName ?? '' };
      for (const s of (a.source ?? []) as string[]) {
        const [scheme, id = ''] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
        if (scheme === 'channel') {
          const c = core.channels.get(id);
          if (!c) throw ariError(422, 'Event source was not found');
          fields.channel = channelJson(c);
        } else if (scheme === 'bridge') {
          const b = core.bridges.get(id);
          if (!b) throw ariError(422, 'Event source was not found');
          fields.bridge = bridgeJson(b);
        } else if (scheme === 'endpoint') {
          if (!core.endpoints.has(id)) throw ariError(422, 'Event source was not found');
          fields.endpoint = endpointJson(id);
        } else throw ariError(400, 'Invalid event source URI scheme');
      }
      fields.userevent = (a.variables ?? {}) as Record<string, unknown>;
      core.emit('ChannelUserevent', fields, { apps: [app.name] });
      return noContent();
    },
  };
}
