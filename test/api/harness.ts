import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { Writable } from 'node:stream';
import winston from 'winston';
import {
  createApi,
  listen,
  postgresCheck,
  redisCheck,
  type Api,
  type HealthCheck,
  type RouteModule,
} from '../../src/api/index.js';
import { ApiKeyStore } from '../../src/auth/store.js';
import type { Role } from '../../src/auth/roles.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log/index.js';
import { createMetrics, type EngineMetrics } from '../../src/metrics/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

/** A running API on its own database and Redis prefix, with every log line captured. */
export interface ApiHarness {
  baseUrl: string;
  api: Api;
  db: TestDatabase;
  redis: TestRedis;
  metrics: EngineMetrics;
  store: ApiKeyStore;
  logLines: string[];
  keys: Record<Role, string>;
  request(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  checks?: Record<string, HealthCheck>;
  routes?: RouteModule[];
  env?: Record<string, string>;
}

export async function startApi(options: HarnessOptions = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({
    level: 'debug',
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  const metrics = createMetrics();
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_PREFIX: redis.prefix,
    NODE_ENV: 'test',
    ...options.env,
  });
  const checks = options.checks ?? {
    ari: async () => ({ ok: true }),
    redis: redisCheck(redis.redis),
    postgres: postgresCheck(db.knex),
  };
  const api = createApi({ config, logger, metrics, db: db.knex, health: { checks }, routes: options.routes });
  const server: http.Server = await listen(api.app, '127.0.0.1', 0);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const store = new ApiKeyStore(db.knex);
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'supervisor', 'agent', 'analyst'] as const) {
    keys[role] = (await store.create({ name: `test-${role}`, role })).key;
  }

  return {
    baseUrl,
    api,
    db,
    redis,
    metrics,
    store,
    logLines,
    keys,
    request(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      if (typeof rest.body === 'string' && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      return fetch(baseUrl + path, { ...rest, headers });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await redis.cleanup();
      await db.drop();
    },
  };
}
