import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core, EventSink } from './core.js';
import { AriError, ariError } from './errors.js';
import { AsteriskVersion } from './misc.js';
import type { Reply } from './rest-types.js';
import type { Router } from './router.js';
import { apiDeclaration, resourceListing } from './spec/swagger.js';
import { uriDecodeLegacy } from './uri.js';
import { handleRestFrame } from './ws-requests.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body?: unknown;
  at: number;
}

export interface InjectedResponse {
  method?: string;
  /** Matched against the path without query, both with and without the /ari prefix (RegExp or its source). */
  path: string | RegExp;
  status: number;
  body?: unknown;
  /** How many requests it answers; omitted = until cleared. */
  times?: number;
}

/** ast_http_error(): Asterisk's HTML error page, used outside ARI (unknown URLs, failed WebSocket upgrades). */
export function httpError(status: number, title: string, text: string): Reply {
  const html =
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n' +
    `<html><head>\r\n<title>${status} ${title}</title>\r\n</head><body>\r\n` +
    `<h1>${title}</h1>\r\n<p>${text}</p>\r\n<hr />\r\n</body></html>\r\n`;
  return { status, raw: Buffer.from(html), contentType: 'text/html' };
}

export type ControlRpc = (method: string, args: unknown[]) => Promise<unknown>;

export const MaxRecordedRequests = 20000;

/** HTTP + WebSocket front end: ARI under /ari, the control side under /_sim. */
export class SimServer {
  readonly http: HttpServer;
  private net?: NetServer;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly conns = new Set<Socket>();
  readonly recorded: RecordedRequest[] = [];
  readonly injected: InjectedResponse[] = [];
  latencyMs = 0;
  port = 0;
  private refuseTimer?: NodeJS.Timeout;

  constructor(
    private readonly core: Core,
    private readonly router: Router,
    private readonly user: string,
    private readonly password: string,
    private readonly host: string,
    private readonly rpc: ControlRpc,
  ) {
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  async listen(port: number): Promise<void> {
    this.net = createNetServer((s) => {
      this.conns.add(s);
      s.on('close', () => this.conns.delete(s));
      this.http.emit('connection', s);
    });
    await new Promise<void>((resolve, reject) => {
      this.net!.once('error', reject);
      this.net!.listen(port, this.host, () => resolve());
    });
    const addr = this.net.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
  }

  /** Stops accepting TCP connections (clients get ECONNREFUSED), then listens again on the same port. */
  async refuseConnections(ms: number): Promise<void> {
    if (this.refuseTimer) clearTimeout(this.refuseTimer);
    const old = this.net;
    this.net = undefined;
    // Stop listening at once; close()'s callback would wait for every open connection to end.
    old?.close();
    this.refuseTimer = setTimeout(() => {
      this.refuseTimer = undefined;
      void this.listen(this.port).catch(() => undefined);
    }, ms);
  }

  dropWebSockets(): number {
    const n = this.sockets.size;
    for (const ws of this.sockets) ws.terminate();
    return n;
  }

  /** Sends a raw text frame to every event socket (or to the sockets of one app). */
  broadcastRaw(text: string, app?: string): number {
    let n = 0;
    for (const ws of this.sockets) {
      const apps = (ws as WebSocket & { apps?: string[] }).apps ?? [];
      if (app && !apps.includes(app)) continue;
      if (ws.readyState === ws.OPEN) {
        ws.send(text);
        n++;
      }
    }
    return n;
  }

  socketApps(): string[][] {
    return [...this.sockets].map((ws) => (ws as WebSocket & { apps?: string[] }).apps ?? []);
  }

  async close(): Promise<void> {
    if (this.refuseTimer) clearTimeout(this.refuseTimer);
    for (const ws of this.sockets) ws.terminate();
    for (const s of this.conns) s.destroy();
    await new Promise<void>((r) => (this.net ? this.net.close(() => r()) : r()));
    this.wss.close();
  }

  /** authenticate_user(): HTTP Basic when the header is there, else ?api_key=user:pass (form fields count). */
  private authorized(req: IncomingMessage, params: [string, string][]): boolean {
    const h = req.headers.authorization;
    if (h?.startsWith('Basic ')) {
      return Buffer.from(h.slice(6), 'base64').toString('utf8') === `${this.user}:${this.password}`;
    }
    const key = params.find(([k]) => k.toLowerCase() === 'api_key')?.[1];
    return key !== undefined && key === `${this.user}:${this.password}`;
  }

  private send(res: ServerResponse, r: Reply): void {
    const headers: Record<string, string> = { Server: `Asterisk/${AsteriskVersion}`, ...(r.headers ?? {}) };
    if (r.raw) {
      res.writeHead(r.status, {
        ...headers,
        'Content-Type': r.contentType ?? 'application/octet-stream',
        'Content-Length': String(r.raw.length),
      });
      res.end(r.raw);
      return;
    }
    if (r.status === 204 || r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(r.body);
    res.writeHead(r.status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const text = await this.readBody(req);
      const isAri = url.pathname === '/ari' || url.pathname.startsWith('/ari/');
      if (!isAri && !url.pathname.startsWith('/_sim')) {
        this.send(res, httpError(404, 'Not Found', 'The requested URL was not found on this server.'));
        return;
      }
      // ast_ari_callback(): form fields, then a JSON body (only with Content-Type application/json);
      // a body that does not parse is a 400 before authentication is even looked at.
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const params: [string, string][] = [];
      let body: unknown;
      if (type === 'application/x-www-form-urlencoded' && text) {
        for (const pair of text.split('&')) {
          const i = pair.indexOf('=');
          params.push(
            i < 0
              ? [uriDecodeLegacy(pair), '']
              : [uriDecodeLegacy(pair.slice(0, i)), uriDecodeLegacy(pair.slice(i + 1))],
          );
        }
      } else if (type === 'application/json' && text) {
        try {
          body = JSON.parse(text);
        } catch {
          this.send(res, { status: 400, body: { message: 'Error parsing request body' } });
          return;
        }
      }
      for (const [k, v] of url.searchParams) params.push([k, v]);
      if (!this.authorized(req, params)) {
        this.send(res, {
          status: 401,
          body: { message: 'Authentication required' },
          headers: { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' },
        });
        return;
      }
      if (url.pathname.startsWith('/_sim')) {
        if (body === undefined && text.trim()) {
          try {
            body = JSON.parse(text);
          } catch {
            /* control calls without a JSON body take no arguments */
          }
        }
        await this.onControl(method, url, body, res);
        return;
      }
      const query: Record<string, string | string[]> = {};
      for (const k of new Set(url.searchParams.keys())) {
        if (k === 'api_key') continue;
        const all = url.searchParams.getAll(k);
        query[k] = all.length > 1 ? all : all[0]!;
      }
      this.recorded.push({
        method,
        path: url.pathname,
        query,
        ...(body !== undefined ? { body } : {}),
        at: this.core.clock.now(),
      });
      if (this.recorded.length > MaxRecordedRequests)
        this.recorded.splice(0, this.recorded.length - MaxRecordedRequests);
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const short = url.pathname.slice(4) || '/';
      const inj = this.injected.find((i) => {
        if (i.method && i.method.toUpperCase() !== method) return false;
        const re = new RegExp(i.path);
        return re.test(url.pathname) || re.test(short);
      });
      if (inj) {
        if (inj.times !== undefined && --inj.times <= 0) this.injected.splice(this.injected.indexOf(inj), 1);
        this.send(res, { status: inj.status, body: inj.body });
        return;
      }
      this.send(res, this.ari(method, url, params, body, req.headers.host));
    } catch (e) {
      if (e instanceof AriError) this.send(res, { status: e.status, body: e.body, headers: e.headers });
      else this.send(res, { status: 500, body: { message: e instanceof Error ? e.message : String(e) } });
    }
  }

  private ari(
    method: string,
    url: URL,
    params: [string, string][],
    body: unknown,
    host: string | undefined,
  ): Reply {
    // The part after "/ari/", as Asterisk's ast_ari_callback() sees it.
    const uri = url.pathname.slice(5);
    if (uri.endsWith('/')) {
      throw ariError(404, `ARI URLs do not end with a slash. Try /ari/${uri.slice(0, -1)}`);
    }
    if (uri.startsWith('api-docs/')) {
      if (method !== 'GET') throw ariError(405, 'Unsupported method');
      const docs = /^api-docs\/([A-Za-z]+)\.json$/.exec(uri);
      if (docs?.[1] === 'resources') return { status: 200, body: resourceListing(host) };
      const decl = docs ? apiDeclaration(docs[1]!, host) : undefined;
      if (!decl) throw ariError(404, 'Resource not found');
      return { status: 200, body: decl };
    }
    return this.router.dispatch(method, `/${uri}`, params, body);
  }

  private async onControl(method: string, url: URL, body: unknown, res: ServerResponse): Promise<void> {
    const m = /^\/_sim\/rpc\/(\w+)$/.exec(url.pathname);
    if (url.pathname === '/_sim/state' && method === 'GET') {
      this.send(res, { status: 200, body: await this.rpc('state', []) });
      return;
    }
    if (!m || method !== 'POST') {
      this.send(res, {
        status: 404,
        body: { message: 'Unknown control route; use POST /_sim/rpc/{method}' },
      });
      return;
    }
    const args = Array.isArray(body) ? body : body === undefined ? [] : [body];
    const result = await this.rpc(m[1]!, args);
    this.send(res, result === undefined ? { status: 204 } : { status: 200, body: result });
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const write = (status: number, reason: string, type: string, text: string, extra: string[]): void => {
      const head = [
        `HTTP/1.1 ${status} ${reason}`,
        `Server: Asterisk/${AsteriskVersion}`,
        ...extra,
        `Content-Type: ${type}`,
        `Content-Length: ${Buffer.byteLength(text)}`,
        'Connection: close',
      ];
      socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
    };
    const reject = (status: number, reason: string, message: string, extra: string[] = []): void =>
      write(status, reason, 'application/json', JSON.stringify({ message }), extra);
    // ari_websockets.c reports session errors with ast_http_error(): an HTML page.
    const rejectHtml = (status: number, reason: string, text: string): void =>
      write(status, reason, 'text/html', httpError(status, reason, text).raw!.toString(), []);
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found', 'Resource not found');
    if (!this.authorized(req, [...url.searchParams]))
      return reject(401, 'Unauthorized', 'Authentication required', [
        'WWW-Authenticate: Basic realm="Asterisk REST Interface"',
      ]);
    // websocket_attempted_cb(): the first "app" parameter, a comma-separated list; an empty name in
    // it fails the registration.
    const appParam = url.searchParams.get('app');
    if (!appParam) return rejectHtml(400, 'Bad Request', 'HTTP request is missing param: [app]');
    const apps = appParam.split(',').map((x) => x.trim());
    if (apps.some((x) => !x))
      return rejectHtml(500, 'Internal Server Error', 'Stasis app registration failed');
    const subscribeAll = ['yes', 'true', 'y', 't', '1', 'on'].includes(
      (url.searchParams.get('subscribeAll') ?? '').toLowerCase(),
    );
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      (ws as WebSocket & { apps?: string[] }).apps = apps;
      this.sockets.add(ws);
      const sink: EventSink = {
        send: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
      };
      for (const a of apps) this.core.attach(a, sink, subscribeAll);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
        sink.send(handleRestFrame(this.router, text, apps[0]!));
      });
      ws.on('close', () => {
        this.sockets.delete(ws);
        for (const a of apps) this.core.detach(a, sink);
      });
      ws.on('error', () => undefined);
    });
  }
}
