import { AriError, ariError } from './errors.js';
import type { Args, HandlerTable, Reply } from './rest-types.js';
import { operations } from './spec/swagger.js';
import type { OperationDef, ParamDef } from './spec/types.js';
import { uriDecodeLegacy } from './uri.js';

/**
 * Handlers that check their own parameters in Asterisk's order with Asterisk's texts. The others
 * get a generic "Missing required parameter" (Asterisk itself never checks required parameters).
 */
const selfValidating = new Set([
  'channels.originate',
  'channels.originateWithId',
  'channels.create',
  'channels.redirect',
  'channels.snoopChannel',
  'channels.snoopChannelWithId',
  'channels.getChannelVar',
  'channels.setChannelVar',
  'channels.getChannelVars',
  'channels.setChannelVars',
  'channels.sendDTMF',
  'channels.hangup',
  'channels.mute',
  'channels.unmute',
  'channels.record',
  'channels.play',
  'channels.playWithId',
  'channels.externalMedia',
  'bridges.record',
  'bridges.play',
  'bridges.playWithId',
  'bridges.addChannel',
  'bridges.removeChannel',
  'bridges.getBridgeVar',
  'bridges.setBridgeVar',
  'bridges.createWithId',
  'bridges.create',
  'asterisk.getGlobalVar',
  'asterisk.addLog',
  'endpoints.sendMessage',
  'asterisk.setGlobalVar',
  'applications.subscribe',
  'applications.unsubscribe',
  'deviceStates.update',
  'recordings.copyStored',
  'playbacks.control',
  'mailboxes.update',
  'events.userEvent',
]);

/** ast_true(): the strings Asterisk reads as a true boolean parameter. */
const truthy = new Set(['yes', 'true', 'y', 't', '1', 'on']);

/** enum ast_http_method order; the Allow header lists methods with a handler in this order. */
const HttpMethods = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE'] as const;

/** One path segment of Asterisk's stasis_rest_handlers tree. */
interface Node {
  children: Map<string, Node>;
  wildcard?: { name: string; node: Node };
  ops: Map<string, OperationDef>;
  websocket: boolean;
}

const newNode = (): Node => ({ children: new Map(), ops: new Map(), websocket: false });

/**
 * The ARI route table, built from the same declarations the api-docs are generated from and walked
 * like ast_ari_invoke(): per path segment an explicit match wins over a {wildcard}; a known path with
 * no handler for the method is 405 "Invalid method" with an Allow header.
 */
export class Router {
  private readonly root = newNode();

  constructor(private readonly handlers: HandlerTable) {
    for (const op of operations) {
      let node = this.root;
      for (const part of op.path.split('/').filter(Boolean)) {
        const m = /^\{(\w+)\}$/.exec(part);
        if (m) {
          node.wildcard ??= { name: m[1]!, node: newNode() };
          node = node.wildcard.node;
        } else {
          let next = node.children.get(part);
          if (!next) node.children.set(part, (next = newNode()));
          node = next;
        }
      }
      if (op.upgrade) node.websocket = true;
      else node.ops.set(op.httpMethod, op);
    }
  }

  private allow(node: Node): Record<string, string> {
    return { Allow: ['OPTIONS', ...HttpMethods.filter((m) => node.ops.has(m))].join(',') };
  }

  /**
   * path is relative to /ari ("/channels/x"); params are the request's parameters in Asterisk's order
   * (form fields, then the query string); body is the parsed JSON request body, if any.
   */
  dispatch(method: string, path: string, params: [string, string][], body: unknown): Reply {
    let node = this.root;
    const pathArgs: Record<string, string> = {};
    // strsep() walk: the first empty segment ends the path ("/ari/channels//x" is /channels).
    for (const raw of path.split('/').slice(1)) {
      if (!raw) break;
      const seg = uriDecodeLegacy(raw);
      const explicit = node.children.get(seg);
      if (explicit) node = explicit;
      else if (node.wildcard) {
        pathArgs[node.wildcard.name] = seg;
        node = node.wildcard.node;
      } else throw ariError(404, 'Resource not found');
    }
    if (method === 'OPTIONS') return { status: 204, headers: this.allow(node) };
    if (node.websocket && method === 'GET') {
      // res_http_websocket: a plain GET on a WebSocket URI.
      return {
        status: 426,
        raw: Buffer.from(''),
        contentType: 'text/html',
      };
    }
    const op = node.ops.get(method);
    if (!op) throw new AriError(405, { message: 'Invalid method' }, this.allow(node));
    const key = `${op.resource}.${op.nickname}`;
    const handler = this.handlers[key];
    const args = parseArgs(op, pathArgs, params, body, !selfValidating.has(key));
    if (!handler) throw ariError(501, 'Not implemented');
    return handler(args);
  }
}

/** atoi()/atol()/atof(): leading number or 0, never an error. */
function convert(p: ParamDef, v: string): unknown {
  switch (p.dataType) {
    case 'int':
    case 'long': {
      const n = Number.parseInt(v.trimStart(), 10);
      return Number.isNaN(n) ? 0 : n;
    }
    case 'double': {
      const n = Number.parseFloat(v);
      return Number.isNaN(n) ? 0 : n;
    }
    case 'boolean':
      return truthy.has(v.trim().toLowerCase());
    default:
      return v;
  }
}

/** The json_convert of the generated parse_body(): a JSON field of the wrong type reads as 0/false/NULL. */
function convertJson(p: ParamDef, v: unknown): unknown {
  switch (p.dataType) {
    case 'int':
    case 'long':
    case 'double':
      return typeof v === 'number' ? (p.dataType === 'double' ? v : Math.trunc(v)) : 0;
    case 'boolean':
      return v === true;
    default:
      return typeof v === 'string' ? v : undefined;
  }
}

/**
 * The generated parameter parsing of Asterisk's res_ari_*.c: every query parameter is read in order and
 * the last occurrence wins (an allowMultiple value is split on ','); fields of a JSON body override
 * them; nothing is validated (an int "abc" is 0, an unknown enum value reaches the handler).
 */
export function parseArgs(
  op: OperationDef,
  pathArgs: Record<string, string>,
  params: [string, string][],
  body: unknown,
  requireParams: boolean,
): Args {
  const args: Args = {};
  const bodyObj =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  for (const p of op.parameters) {
    let v: unknown;
    if (p.paramType === 'path') v = pathArgs[p.name];
    else if (p.paramType === 'body') {
      // Asterisk hands the whole JSON body to the handler, which reads "variables"/"fields" out of it.
      v = bodyObj ? (bodyObj[p.name] ?? (p.dataType === 'object' ? bodyObj : undefined)) : undefined;
    } else if (p.paramType === 'query') {
      let last: string | undefined;
      for (const [k, val] of params) if (k === p.name) last = val;
      if (last !== undefined)
        v = p.allowMultiple
          ? (last === '' ? [''] : last.split(',')).map((x) => convert(p, x))
          : convert(p, last);
      if (bodyObj && bodyObj[p.name] !== undefined && bodyObj[p.name] !== null) {
        const f = bodyObj[p.name];
        const fromBody = p.allowMultiple
          ? (Array.isArray(f) ? f : [f]).map((x) => convertJson(p, x))
          : convertJson(p, f);
        if (fromBody !== undefined) v = fromBody;
      }
    }
    // Swagger defaults are documentation only: the generated code zero-fills its args struct.
    if (v === undefined || v === null) {
      if (requireParams && p.required) throw ariError(400, `Missing required parameter ${p.name}`);
      continue;
    }
    args[p.name] = v;
  }
  return args;
}

export { AriError };
