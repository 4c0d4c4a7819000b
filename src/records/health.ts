import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { runCheck, type HealthCheck } from '../api/health.js';

/**
 * The worker's small HTTP side: GET /health (200 ok, or 503 degraded naming the failing checks) and
 * GET /metrics. No express: two routes do not need a framework in the worker.
 */
export function startHealthServer(options: {
  host: string;
  port: number;
  checks: Record<string, HealthCheck>;
  registry?: Registry;
}): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/health') {
        const names = Object.keys(options.checks);
        const results = await Promise.all(names.map((n) => runCheck(options.checks[n]!)));
        const ok = results.every((r) => r.ok);
        const body = {
          status: ok ? 'ok' : 'degraded',
          checks: Object.fromEntries(names.map((n, i) => [n, results[i]])),
        };
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else if (req.method === 'GET' && path === '/metrics' && options.registry) {
        res
          .writeHead(200, { 'content-type': options.registry.contentType })
          .end(await options.registry.metrics());
      } else {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'not found' }));
      }
    })().catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
