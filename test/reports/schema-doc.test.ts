import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import pg from 'pg';
import { generateRecords } from '../../src/records/generate.js';
import { RecordWriter } from '../../src/records/index.js';
import { dailyReport, rawReport } from '../../src/reports/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const Doc = new URL('../../docs/schema.md', import.meta.url);

function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('reports: docs/schema.md and the views it describes', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const now = Date.now();
    const records = [
      ...generateRecords(400, {
        from: new Date(now - 2 * 86_400_000),
        to: new Date(now - 60_000),
        seed: 4,
        eventsPerCall: 12,
      }),
      ...generateRecords(800, {
        from: new Date(now - 400 * 86_400_000),
        to: new Date(now - 60_000),
        seed: 5,
      }),
    ];
    // A conversation with two legs, for the conversation example.
    const [first, second] = records as [(typeof records)[0], (typeof records)[0]];
    second.conversationId = first.conversationId;
    second.parentCallId = first.callId;
    const bad = { ...records[2]!, disposition: 'lost' };
    await new RecordWriter(pool).store([...records, bad].map((payload) => ({ payload })));
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('every example query in docs/schema.md runs', async () => {
    const blocks = sqlBlocks(readFileSync(Doc, 'utf8'));
    expect(blocks.length).to.be.greaterThan(10);
    let withRows = 0;
    for (const sql of blocks) {
      const r = await db.knex.raw(sql).catch((err: Error) => {
        throw new Error(`docs/schema.md query failed: ${err.message}\n${sql}`);
      });
      if (r.rows.length) withRows++;
    }
    expect(withRows).to.equal(blocks.length);
  });

  it("the documented raw query returns exactly call_stats_daily's queue rows", async () => {
    const raw = sqlBlocks(readFileSync(Doc, 'utf8')).find((s) => s.includes('percentile_disc'))!;
    const viaRaw = (await db.knex.raw(raw)).rows;
    const viaView = (
      await db.knex.raw(`
        SELECT day, dimension_value AS queue, offered, answered, abandoned, avg_wait_seconds, p90_wait_seconds,
               avg_talk_seconds
          FROM call_stats_daily
         WHERE dimension = 'queue'
           AND day >= (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '30 days')::date
         ORDER BY 1, 2 NULLS FIRST`)
    ).rows;
    expect(viaRaw.length).to.be.greaterThan(10);
    const norm = (rows: Array<Record<string, unknown>>) =>
      rows.map((r) => ({
        ...r,
        day: (r.day as Date).toISOString(),
        offered: Number(r.offered),
        answered: Number(r.answered),
        abandoned: Number(r.abandoned),
        p90_wait_seconds: Number(r.p90_wait_seconds),
      }));
    expect(norm(viaView)).to.deep.equal(norm(viaRaw));
  });

  it('dailyReport equals rawReport for every grain and dimension over a year', async () => {
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    for (const groupBy of ['day', 'month', 'year'] as const) {
      for (const by of [undefined, 'queue', 'campaign', 'did', 'direction'] as const) {
        const q = { from, to, groupBy, by };
        expect(await dailyReport(db.knex, q), JSON.stringify(q)).to.deep.equal(await rawReport(db.knex, q));
      }
    }
  });

  it('every records table, column and view carries a comment', async () => {
    const r = await db.knex.raw(`
      SELECT c.relname, a.attname, obj_description(c.oid, 'pg_class') AS table_comment,
             col_description(c.oid, a.attnum) AS column_comment
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE c.relname IN ('calls', 'call_events', 'call_record_dead_letters', 'call_rollups',
                           'call_stats_daily', 'call_stats_monthly', 'call_stats_yearly')`);
    expect(new Set(r.rows.map((x: { relname: string }) => x.relname)).size).to.equal(7);
    for (const row of r.rows) {
      expect(row.table_comment ?? '', row.relname).to.match(/\w/);
      expect(row.column_comment ?? '', `${row.relname}.${row.attname}`).to.match(/\w/);
    }
  });

  it('rejects a report range that is not whole UTC days or runs backwards', async () => {
    let error: unknown;
    await dailyReport(db.knex, { from: '2026-02-01', to: '2026-01-01' }).catch((e) => (error = e));
    expect(String(error)).to.match(/from must be before to/);
    error = undefined;
    await dailyReport(db.knex, { from: new Date('2026-01-01T10:00:00Z'), to: '2026-02-01' }).catch(
      (e) => (error = e),
    );
    expect(String(error)).to.match(/whole UTC day/);
  });
});
