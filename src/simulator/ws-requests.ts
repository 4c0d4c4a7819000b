import { STATUS_CODES } from 'node:http';
import { AriError } from './errors.js';
import type { Router } from './router.js';
import { uriDecodeLegacy } from './uri.js';

const HttpMethods = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'];

interface RestRequest {
  transactionId: string;
  requestId: string;
  uri: string;
}

function formFields(text: string): [string, string][] {
  return text
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return i < 0
        ? [uriDecodeLegacy(pair), '']
        : [uriDecodeLegacy(pair.slice(0, i)), uriDecodeLegacy(pair.slice(i + 1))];
    });
}

/**
 * REST over the events WebSocket (res/ari/ari_websocket_requests.c): a text frame
 * {"type":"RESTRequest","request_id","transaction_id","method","uri","query_strings","content_type",
 * "message_body"} is routed like an HTTP request and answered with a "RESTResponse" event.
 */
export function handleRestFrame(router: Router, text: string, app: string): string {
  const reply = (req: RestRequest | undefined, status: number, reason: string, body?: unknown): string =>
    JSON.stringify({
      type: 'RESTResponse',
      transaction_id: req?.transactionId ?? '',
      request_id: req?.requestId ?? '',
      status_code: status,
      reason_phrase: reason,
      uri: req?.uri ?? '',
      ...(body !== undefined && body !== null
        ? { content_type: 'application/json', message_body: JSON.stringify(body) }
        : {}),
      application: app,
    });
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return reply(undefined, 400, 'Failed to parse request message JSON');
  }
  const str = (k: string): string | undefined =>
    typeof msg[k] === 'string' ? (msg[k] as string) : undefined;
  const rawUri = str('uri') ?? '';
  const q = rawUri.indexOf('?');
  const req: RestRequest = {
    transactionId: str('transaction_id') ?? '',
    requestId: str('request_id') ?? '',
    uri: q < 0 ? rawUri : rawUri.slice(0, q),
  };
  const bad = (message: string): string => reply(req, 400, 'Bad request', { message });
  if (!str('type')) return bad("No 'type' property.");
  if (str('type') !== 'RESTRequest') return bad('Unknown request type.');
  if (!rawUri) return bad("Empty or missing 'uri' property.");
  const params: [string, string][] = q < 0 ? [] : formFields(rawUri.slice(q + 1));
  const method = (str('method') ?? '').toUpperCase();
  if (!HttpMethods.includes(method)) return bad("Unknown or missing 'method' property.");
  const qs = msg.query_strings;
  if (qs !== undefined && qs !== null) {
    if (!Array.isArray(qs)) return bad("Unable to parse 'query_strings' array.");
    for (const nv of qs as { name?: unknown; value?: unknown }[]) {
      if (!nv || typeof nv.name !== 'string') return bad("Unable to parse 'query_strings' array.");
      params.push([nv.name, typeof nv.value === 'string' ? nv.value : '']);
    }
  }
  let body: unknown;
  const payload = str('message_body');
  if (payload) {
    const type = str('content_type');
    if (!type) return bad("No 'content_type' for 'message_body'.");
    if (type === 'application/x-www-form-urlencoded') params.push(...formFields(payload));
    else if (type === 'application/json') {
      try {
        body = JSON.parse(payload);
      } catch {
        return bad("Unable to parse 'message_body' as 'application/json'.");
      }
    } else return bad('Unknown content type.');
  }
  try {
    const r = router.dispatch(method, `/${req.uri}`, params, body);
    if (r.raw) return reply(req, 406, 'Not Acceptable.  Use HTTP GET');
    return reply(req, r.status, STATUS_CODES[r.status] ?? '', r.body);
  } catch (e) {
    if (e instanceof AriError) return reply(req, e.status, STATUS_CODES[e.status] ?? '', e.body);
    return reply(req, 500, 'Internal Server Error', { message: e instanceof Error ? e.message : String(e) });
  }
}
