import knexFactory from 'knex';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../log/index.js';

export type { Knex } from 'knex';

/** Connections per process; the engine's queries are short, so a small pool serves many calls. */
export const DefaultPoolMax = 10;
/** A request waiting longer than this for a pooled connection fails instead of queueing forever. */
export const DefaultAcquireTimeoutMs = 5000;

export interface KnexOptions {
  poolMax?: number;
  acquireTimeoutMs?: number;
  /** Where knex's own warnings go; without it knex writes to the console, outside our JSON logs. */
  logger?: Logger;
}

/** A knex instance on Postgres for DATABASE_URL. The caller owns it and calls `destroy()` on shutdown. */
export function createKnex(databaseUrl: string, options: KnexOptions = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: databaseUrl,
    // min 0: an idle worker holds no connections, and a Postgres restart leaves no dead ones behind.
    pool: { min: 0, max: options.poolMax ?? DefaultPoolMax },
    acquireConnectionTimeout: options.acquireTimeoutMs ?? DefaultAcquireTimeoutMs,
    ...(options.logger ? { log: knexLog(options.logger) } : {}),
  });
}

function knexLog(logger: Logger): Knex.Logger {
  const text = (m: unknown) =>
    m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m);
  return {
    warn: (m) => logger.warn(`knex: ${text(m)}`),
    error: (m) => logger.error(`knex: ${text(m)}`),
    deprecate: (method, alternative) => logger.warn(`knex: ${method} is deprecated, use ${alternative}`),
    debug: (m) => logger.debug(`knex: ${text(m)}`),
  };
}

/** The database name in a postgres:// URL, and the same URL pointed at the `postgres` maintenance db. */
export function splitDatabaseUrl(databaseUrl: string): { database: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database (expected postgres://host/dbname)');
  url.pathname = '/postgres';
  return { database, maintenanceUrl: url.toString() };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withMaintenance<T>(databaseUrl: string, fn: (client: pg.Client, db: string) => Promise<T>) {
  const { database, maintenanceUrl } = splitDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    return await fn(client, database);
  } finally {
    await client.end();
  }
}

// Postgres error codes for a database that another process created between our check and CREATE.
const DuplicateDatabase = new Set(['42P04', '23505']);

/**
 * Creates the database named in the URL when it does not exist (a fresh site runs `npm run migrate`
 * with no manual `createdb`). Returns true when it was created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  return withMaintenance(databaseUrl, async (client, database) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return true;
    } catch (err) {
      if (DuplicateDatabase.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  });
}

/** Drops the database in the URL, closing other sessions on it first (tests and teardown only). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withMaintenance(databaseUrl, async (client, database) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  });
}
