import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createList, recordOptOut, runImport } from '../../src/leads/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const Doc = new URL('../../docs/leads.md', import.meta.url);

function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('leads: docs/leads.md and the tables it describes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;

  before(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'tongdai-docs-'));
    const file = path.join(dir, 'leads.csv');
    await writeFile(
      file,
      [
        'phone,first_name,consent_source,consent_at,consent_scope',
        '0912345678,An,web form,2026-10-01 09:30,advertising',
        '0987654321,Bình,call recording 77,2026-10-02 10:00,all',
        '+61 412 345 678,Olivia,,,',
        '+98 912 345 6789,Reza,,,',
        'n/a,Nobody,,,',
      ].join('\n'),
    );
    const list = await createList(db.knex, { name: 'Hà Nội November', default_country: 'VN' });
    const [imp] = (await db
      .knex('lead_imports')
      .insert({ kind: 'leads', list_id: list.id, path: file, options: { default_country: 'VN' } })
      .returning('id')) as Array<{ id: string }>;
    await runImport(db.knex, imp!.id);
    await recordOptOut(db.knex, '+84987654321', { method: 'keypress' });
    const [national] = (await db
      .knex('dnc_lists')
      .insert({
        name: 'VN register',
        kind: 'national',
        jurisdiction: 'VN',
        snapshot_date: new Date().toISOString().slice(0, 10),
        status: 'ready',
        entries: 1,
        imported_at: new Date(),
      })
      .returning('id')) as Array<{ id: string }>;
    await db.knex('dnc_numbers').insert({ list_id: national!.id, phone: '+84912345678', source: 'import' });
  });
  after(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('every example query in docs/leads.md runs and answers rows', async () => {
    const blocks = sqlBlocks(readFileSync(Doc, 'utf8'));
    expect(blocks.length).to.be.at.least(10);
    for (const sql of blocks) {
      const r = await db.knex.raw(sql).catch((err: Error) => {
        throw new Error(`docs/leads.md query failed: ${err.message}\n${sql}`);
      });
      expect(r.rows.length, sql).to.be.greaterThan(0);
    }
  });

  it('comments every column of its tables', async () => {
    const { rows } = await db.knex.raw(`
      SELECT c.table_name, c.column_name
        FROM information_schema.columns c
       WHERE c.table_schema = 'public'
         AND c.table_name IN ('lead_lists', 'leads', 'lead_consents', 'dnc_lists', 'dnc_numbers', 'lead_imports')
         AND col_description((quote_ident(c.table_name))::regclass, c.ordinal_position) IS NULL
         AND c.column_name NOT IN ('id', 'created_at', 'updated_at', 'list_id')`);
    expect(rows).to.deep.equal([]);
  });
});
