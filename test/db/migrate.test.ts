import { expect } from 'chai';
import {
  createKnex,
  dropDatabase,
  ensureDatabase,
  migrateDown,
  migrateLatest,
  migrationStatus,
} from '../../src/db/index.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/db.js';
import { runTs } from '../api/spawn.js';

async function databaseExists(db: TestDatabase, url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1);
  const r = await db.knex.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
  return r.rowCount === 1;
}

describe('db: databases and migrations', () => {
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db?.drop());

  it('ensureDatabase creates a missing database once and then leaves it alone', async () => {
    const url = testDatabaseUrl();
    try {
      expect(await ensureDatabase(url)).to.equal(true);
      expect(await ensureDatabase(url)).to.equal(false);
      expect(await databaseExists(db, url)).to.equal(true);
    } finally {
      await dropDatabase(url);
    }
    expect(await databaseExists(db, url)).to.equal(false);
  });

  it('api_keys has a comment on the table and on every column', async () => {
    const table = await db.knex.raw(`SELECT obj_description('api_keys'::regclass) AS c`);
    expect(table.rows[0].c).to.be.a('string').with.length.above(0);
    const cols = await db.knex.raw(`
      SELECT a.attname AS name, col_description(a.attrelid, a.attnum) AS comment
      FROM pg_attribute a WHERE a.attrelid = 'api_keys'::regclass AND a.attnum > 0 AND NOT a.attisdropped`);
    expect(cols.rows.length).to.be.greaterThan(5);
    for (const col of cols.rows) expect(col.comment, `comment on api_keys.${col.name}`).to.be.a('string');
  });

  it('every timestamp in the schema carries a time zone, except documented lead-local wall clocks', async () => {
    // A lead-local wall clock ("09:30 where the lead lives") is deliberately zone-less: it sits beside
    // the lead's IANA zone and the absolute time, and says so in its column comment.
    const r = await db.knex.raw(`
      SELECT c.table_name, c.column_name,
             col_description(format('%I', c.table_name)::regclass, c.ordinal_position::int) AS comment
        FROM information_schema.columns c
       WHERE c.table_schema = 'public' AND c.data_type = 'timestamp without time zone'
         AND c.table_name NOT LIKE 'knex_%'`);
    const undocumented = r.rows.filter(
      (row: { column_name: string; comment: string | null }) =>
        !/lead_local/.test(row.column_name) || !/lead-local wall clock/i.test(row.comment ?? ''),
    );
    expect(undocumented).to.deep.equal([]);
  });

  it('rejects a role outside admin, supervisor, agent, analyst', async () => {
    const row = { name: 'x', role: 'root', key_prefix: '0123456789ab', key_hash: 'a'.repeat(64) };
    let error: unknown;
    await db
      .knex('api_keys')
      .insert(row)
      .catch((e) => (error = e));
    expect((error as { code?: string }).code).to.equal('23514'); // check_violation
  });

  it('rolls back and re-applies cleanly', async () => {
    const url = testDatabaseUrl();
    await ensureDatabase(url);
    const knex = createKnex(url);
    try {
      const up = await migrateLatest(knex);
      expect(up.applied).to.include('20261123000100_api_keys');
      const down = await migrateDown(knex, { all: true });
      expect(down.rolledBack).to.include('20261123000100_api_keys');
      expect(await knex.schema.hasTable('api_keys')).to.equal(false);
      expect((await migrationStatus(knex)).pending).to.include('20261123000100_api_keys');
      await migrateLatest(knex);
      expect((await migrationStatus(knex)).pending).to.deep.equal([]);
    } finally {
      await knex.destroy();
      await dropDatabase(url);
    }
  });

  it('npm run migrate creates the database, applies, reports status and rolls back', async () => {
    const url = testDatabaseUrl();
    const env = { DATABASE_URL: url };
    try {
      const up = await runTs('scripts/migrate.ts', [], env);
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stdout)
        .to.match(/created database/)
        .and.match(/applied 20261123000100_api_keys/);
      const again = await runTs('scripts/migrate.ts', [], env);
      expect(again.stdout).to.match(/already up to date/);
      const status = await runTs('scripts/migrate.ts', ['status'], env);
      expect(status.stdout).to.match(/applied\s+20261123000100_api_keys/);
      const down = await runTs('scripts/migrate.ts', ['down'], env);
      expect(down.code, down.stderr).to.equal(0);
      expect(down.stdout).to.match(/rolled back 20261123000100_api_keys/);
    } finally {
      await dropDatabase(url);
    }
  });

  it('npm run migrate refuses an unknown command with usage and exit 2', async () => {
    const r = await runTs('scripts/migrate.ts', ['sideways'], { DATABASE_URL: testDatabaseUrl() });
    expect(r.code).to.equal(2);
    expect(r.stderr)
      .to.match(/unknown command "sideways"/)
      .and.match(/usage:/);
  });
});
