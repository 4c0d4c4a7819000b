import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { redactText } from '../log/index.js';
import type { RouteRegistry } from './registry.js';

export interface CheckResult {
  ok: boolean;
  detail?: string;
}

/** A dependency probe; the engine supplies ARI's, the helpers below cover Postgres and Redis. */
export type HealthCheck = () => Promise<CheckResult>;

/** A probe slower than this counts as down: a health endpoint must answer before the prober gives up. */
export const DefaultCheckTimeoutMs = 1000;

/** Runs a probe against a deadline; a throw or a timeout becomes `{ ok: false, detail }`. */
export async function runCheck(check: HealthCheck, timeoutMs = DefaultCheckTimeoutMs): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check(), deadline]);
  } catch (err) {
    // Driver errors can quote connection strings; the detail is served without auth.
    return { ok: false, detail: redactText(err instanceof Error ? err.message : String(err)) };
  } finally {
    clearTimeout(timer);
  }
}

/** Postgres answers `SELECT 1` through the pool. */
export function postgresCheck(knex: Knex, timeoutMs = DefaultCheckTimeoutMs): HealthCheck {
  return () =>
    runCheck(async () => {
      await knex.raw('SELECT 1');
      return { ok: true };
    }, timeoutMs);
}

/**
 * Redis answers PING. A client that is not `ready` is reported at once: ioredis would queue the
 * PING until it reconnects, and the probe would only learn that from the timeout.
 */
export function redisCheck(redis: Redis, timeoutMs = DefaultCheckTimeoutMs): HealthCheck {
  return () =>
    runCheck(async () => {
      if (redis.status !== 'ready') return { ok: false, detail: `connection ${redis.status}` };
      const reply = await redis.ping();
      return reply === 'PONG' ? { ok: true } : { ok: false, detail: `unexpected reply ${reply}` };
    }, timeoutMs);
}

const checkSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), checkSchema),
});

/** GET /health: 200 when every dependency answers, 503 `degraded` naming the ones that do not. */
export function registerHealth(
  registry: RouteRegistry,
  checks: Record<string, HealthCheck>,
  timeoutMs?: number,
) {
  registry.add({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Whether the engine and the services it needs (ARI, Redis, Postgres) are up',
    tags: ['operations'],
    access: 'public',
    response: healthSchema,
    alsoResponds: [{ status: 503, description: 'Degraded: at least one check failed' }],
    async handler({ setStatus }) {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((n) => runCheck(checks[n]!, timeoutMs)));
      const byName = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
      const ok = results.every((r) => r.ok);
      if (!ok) setStatus(503);
      return { status: ok ? ('ok' as const) : ('degraded' as const), checks: byName };
    },
  });
}
