import { AriError, ariError } from './errors.js';
import type { Args, HandlerTable, Reply } from './rest-types.js';
import { operations } from './spec/swagger.js';
import type { OperationDef, ParamDef } from './spec/types.js';

interface Route {
  op: OperationDef;
  regex: RegExp;
  names: string[];
  literals: number;
}

/** Handlers that validate their own parameters in Asterisk's order with Asterisk's texts. */
const selfValidating = new Set([
  'channels.originate',
  'channels.originateWithId',
  'channels.snoopChannel',
  'channels.snoopChannelWithId',
  'channels.getChannelVar',
  'channels.setChannelVar',
  'channels.getChannelVars',
  'channels.setChannelVars',
  'channels.hangup',
  'channels.mute',
  'channels.unmute',
  'channels.record',
  'channels.play',
  'channels.playWithId',
  'bridges.record',
  'bridges.play',
  'bridges.playWithId',
  'bridges.addChannel',
  'bridges.removeChannel',
  'asterisk.getGlobalVar',
  'asterisk.setGlobalVar',
  'applications.subscribe',
  'applications.unsubscribe',
  'deviceStates.update',
  'channels.externalMedia',
  'recordings.copyStored',
  'playbacks.control',
  'bridges.createWithId',
  'bridges.create',
]);

const truthy = new Set(['yes', 'true', 'y', 't', '1', 'on']);

/** The ARI route table, built from the same declarations the api-docs are generated from. */
export class Router {
  private readonly routes: Route[];

  constructor(private readonly handlers: HandlerTable) {
    this.routes = operations
      .filter((op) => !op.upgrade)
      .map((op) => {
        const names: string[] = [];
        const parts = op.path.split('/').filter(Boolean);
        const src = parts
          .map((p) => {
            const m = /^\{(\w+)\}$/.exec(p);
            if (m) {
              names.push(m[1]!);
              return '/([^/]+)';
            }
            return '/' + p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('');
        return { op, regex: new RegExp(`^${src}$`), names, literals: parts.length - names.length };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** path is relative to /ari. Returns undefined when no route has that path (404). */
  dispatch(method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.op.httpMethod !== method) continue;
      const pathArgs: Record<string, string> = {};
      r.names.forEach((n, i) => (pathArgs[n] = decodeURIComponent(m[i + 1]!)));
      const key = `${r.op.resource}.${r.op.nickname}`;
      const handler = this.handlers[key];
      const args = parseArgs(r.op, pathArgs, query, body, !selfValidating.has(key));
      if (!handler) throw ariError(501, 'Not implemented');
      return handler(args);
    }
    if (pathMatched) throw ariError(405, 'Invalid method');
    throw ariError(404, 'Resource not found');
  }
}

function convert(p: ParamDef, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  switch (p.dataType) {
    case 'int':
    case 'long':
    case 'double': {
      const n = p.dataType === 'double' ? Number.parseFloat(v) : Number.parseInt(v, 10);
      return Number.isNaN(n) ? 0 : n;
    }
    case 'boolean':
      return truthy.has(v.toLowerCase());
    default:
      return v;
  }
}

export function parseArgs(
  op: OperationDef,
  pathArgs: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
  validate: boolean,
): Args {
  const args: Args = {};
  const bodyObj =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  for (const p of op.parameters) {
    let v: unknown;
    if (p.paramType === 'path') v = pathArgs[p.name];
    else if (p.paramType === 'body') {
      // Asterisk reads "variables"/"fields" out of the JSON body object.
      v = bodyObj ? (bodyObj[p.name] ?? (p.dataType === 'object' ? bodyObj : undefined)) : undefined;
    } else if (p.paramType === 'query') {
      if (p.allowMultiple) {
        const all = query.getAll(p.name).flatMap((s) => s.split(','));
        const fromBody = bodyObj?.[p.name];
        v = all.length
          ? all
          : Array.isArray(fromBody)
            ? fromBody.map(String)
            : typeof fromBody === 'string'
              ? fromBody.split(',')
              : undefined;
      } else {
        v = query.get(p.name) ?? (bodyObj && p.name in bodyObj ? bodyObj[p.name] : undefined);
        if (v !== undefined && v !== null && typeof v !== 'string' && p.dataType === 'string') v = String(v);
      }
    }
    if (v === undefined || v === null) {
      if (p.defaultValue !== undefined) args[p.name] = p.defaultValue;
      else if (validate && p.required) throw ariError(400, `Missing required parameter ${p.name}`);
      continue;
    }
    v = Array.isArray(v) ? v.map((x) => convert(p, x)) : convert(p, v);
    if (validate && p.allowableValues) {
      const vals = Array.isArray(v) ? v : [v];
      const av = p.allowableValues;
      for (const x of vals) {
        if (av.valueType === 'LIST' && !av.values.includes(String(x))) {
          throw ariError(400, `Invalid value for ${p.name}: ${String(x)}`);
        }
        if (av.valueType === 'RANGE' && av.min !== undefined && Number(x) < av.min) {
          throw ariError(400, `${p.name} cannot be less than ${av.min}`);
        }
      }
    }
    args[p.name] = v;
  }
  return args;
}

export { AriError };
