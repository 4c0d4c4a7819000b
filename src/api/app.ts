import http from 'node:http';
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { ApiKeyStore } from '../auth/store.js';
import { registerAuthRoutes } from '../auth/routes.js';
import { keyAuthenticator } from './auth.js';
import { registerHealth, type HealthCheck } from './health.js';
import { errorHandler, httpHistogram, notFound, requestLogger } from './middleware.js';
import { buildOpenApi } from './openapi.js';
import { RouteRegistry } from './registry.js';

/** JSON bodies above this are refused with 413: the API takes commands, not bulk uploads. */
export const DefaultJsonBodyLimit = '256kb';
export const ApiVersion = '0.1.0';

/** Lets a feature (queues, campaigns, ...) add its routes at start-up, declared the same way. */
export type RouteModule = (registry: RouteRegistry) => void;

export interface ApiDeps {
  config: Config;
  logger: Logger;
  metrics: EngineMetrics;
  db: Knex;
  /** Named probes for /health; the engine supplies `ari` and wires postgresCheck/redisCheck. */
  health: { checks: Record<string, HealthCheck>; timeoutMs?: number };
  routes?: RouteModule[];
}

export interface Api {
  app: Express;
  registry: RouteRegistry;
}

/** The HTTP API, built only from what it is given; the caller decides where it listens. */
export function createApi(deps: ApiDeps): Api {
  const { config, logger, metrics, db } = deps;
  const store = new ApiKeyStore(db);
  const registry = new RouteRegistry(keyAuthenticator(store), logger);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogger(logger, httpHistogram(metrics.registry)));
  app.use(express.json({ limit: DefaultJsonBodyLimit }));

  registerHealth(registry, deps.health.checks, deps.health.timeoutMs);
  if (config.METRICS_ENABLED) {
    registry.add({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics of this process',
      tags: ['operations'],
      access: 'public',
      produces: metrics.registry.contentType,
      handler: () => metrics.registry.metrics(),
    });
  }
  registry.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document: the OpenAPI 3.1 description of every route',
    tags: ['operations'],
    access: 'public',
    response: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }),
    handler: () => buildOpenApi(registry.routes, { title: 'Tongdai API', version: ApiVersion }),
  });
  registerAuthRoutes(registry, store);
  for (const module of deps.routes ?? []) module(registry);

  app.use(registry.router);
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, registry };
}

/** The express app alone, for callers that do not add routes later. */
export function createApp(deps: ApiDeps): Express {
  return createApi(deps).app;
}

/** Listens on HTTP_HOST:HTTP_PORT (port 0 picks a free one); resolves once bound. */
export function listen(app: Express, host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
