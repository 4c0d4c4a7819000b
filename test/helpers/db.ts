import { randomBytes } from 'node:crypto';
import { createKnex, dropDatabase, ensureDatabase, migrateLatest, type Knex } from '../../src/db/index.js';

/** Server the integration tests use; override with TEST_DATABASE_URL (any database on that server). */
const ServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** postgres:// URL of this test's own database. */
  url: string;
  knex: Knex;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh URL naming a database no other test uses (not created). */
export function testDatabaseUrl(): string {
  const url = new URL(ServerUrl);
  url.pathname = `/tongdai_test_${randomBytes(6).toString('hex')}`;
  return url.toString();
}

/** Creates a database of its own for one test file, migrated to the latest schema. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  const knex = createKnex(url, { poolMax: 4 });
  try {
    if (options.migrate ?? true) await migrateLatest(knex);
  } catch (err) {
    await knex.destroy();
    await dropDatabase(url);
    throw err;
  }
  return {
    url,
    knex,
    async drop() {
      await knex.destroy();
      await dropDatabase(url);
    },
  };
}
