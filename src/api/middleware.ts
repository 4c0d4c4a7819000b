import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import type { Principal } from '../auth/roles.js';
import { ApiError, NotFoundError, fromBodyParserError } from './errors.js';

const RequestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
/** Polled every few seconds by probes and Prometheus: logged at debug so they do not drown real traffic. */
const QuietPaths = new Set(['/health', '/metrics']);

/** The HTTP latency histogram, shared when several apps are built on one registry (tests). */
export function httpHistogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const name = 'tongdai_http_request_seconds';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return new Histogram({
    name,
    help: 'HTTP API requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
}

/**
 * Gives each request an id (kept from X-Request-Id when sane) and a child logger, and logs one line
 * when it ends. Only the path is logged: query strings and headers can carry keys.
 */
export function requestLogger(
  logger: Logger,
  histogram: Histogram<'method' | 'route' | 'status'>,
): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && RequestIdPattern.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route: string = res.locals.route ?? 'unmatched';
      histogram.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const principal: Principal | undefined = res.locals.principal;
      const level = res.statusCode >= 500 ? 'warn' : QuietPaths.has(req.path) ? 'debug' : 'info';
      (res.locals.logger as Logger).log(level, 'http request', {
        method: req.method,
        path: req.path,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        ...(principal ? { keyPrefix: principal.keyPrefix, role: principal.role } : {}),
      });
    });
    next();
  };
}

export const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`no route ${req.method} ${req.path}`);
};

/** Maps any thrown error to the JSON envelope; unknown errors become INTERNAL with no internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const log: Logger = res.locals.logger ?? logger;
    const known = err instanceof ApiError ? err : fromBodyParserError(err);
    const requestId: string | undefined = res.locals.requestId;
    if (known) {
      if (known.status >= 500) log.warn('HTTP request failed', { code: known.code, cause: known.cause });
      res.status(known.status).json(known.toBody());
      return;
    }
    log.error('unhandled error in HTTP request', { method: req.method, path: req.path, error: err });
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error', request_id: requestId } });
  };
}
