/**
 * npm run bench:leads [-- --rows 1000000 --keep]
 *
 * Writes a CSV of `rows` leads to a temp file (Vietnamese and Iranian numbers written the ways
 * people write them, quoted fields with commas and line breaks, consent columns, 2% repeated
 * numbers, 1% unusable rows), then imports it through the BullMQ job on a fresh database of its
 * own (dropped at the end, unless --keep). Prints rows/s and the peak RSS of this process, which
 * runs the import worker: a flat RSS over a file of any size shows the file is streamed.
 * The last line is JSON.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../../src/config/index.js';
import { createKnex, dropDatabase, ensureDatabase, migrateLatest } from '../../src/db/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  createLeadImportQueue,
  createList,
  startLeadImport,
  startLeadImportWorker,
  type ImportProgress,
} from '../../src/leads/index.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive whole number');
const config = loadConfigOrExit();
const log = (m: string) => process.stderr.write(`[bench:leads] ${m}\n`);
/** The bench fails if the import makes no progress for this long. */
const StallMs = 60_000;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const Names = [
  'Nguyễn Văn An',
  'Trần Thị Bình',
  'Lê Minh Châu',
  'Phạm Đức Dũng',
  'Rezā Ahmadi',
  'Maryam Karimi',
];
const Cities = ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Huế', 'Tehran', 'Isfahan'];

/** Row i of the generated file; expected counts follow from the same rule. */
function row(i: number): { line: string; kind: 'good' | 'dup' | 'bad' } {
  if (i % 100 === 99) return { line: `n/a,${Names[i % 6]},,,,,`, kind: 'bad' };
  const dup = i % 50 === 49; // repeats the number of row i-1
  const k = dup ? i - 1 : i;
  const formats = [
    () => `09${String(k).padStart(8, '0')}`,
    () =>
      `+84 9${String(k)
        .padStart(8, '0')
        .replace(/(\d{2})(\d{3})(\d{3})/, '$1 $2 $3')}`,
    () => `0098 912 ${String(k).padStart(7, '0')}`,
    () => `"(+98) 912-${String(k).padStart(7, '0')}"`,
  ];
  // The same lead keeps the same country; the format varies.
  const iranian = k % 5 === 0;
  const phone = iranian ? formats[2 + (i % 2)]!() : formats[i % 2]!();
  const name = Names[i % 6]!;
  const city = i % 7 === 0 ? `"${Cities[i % 6]}, ""center""\nfloor ${i % 9}"` : Cities[i % 6]!;
  const consent = i % 3 === 0 ? `web form,2026-10-0${1 + (i % 9)} 09:30,advertising` : ',,';
  return { line: `${phone},${name},${city},${i % 2 ? 'A' : 'B'},${consent}`, kind: dup ? 'dup' : 'good' };
}

const dir = await mkdtemp(path.join(tmpdir(), 'tongdai-bench-leads-'));
const file = path.join(dir, 'leads.csv');
const expected = { good: 0, dup: 0, bad: 0 };
{
  const out = createWriteStream(file);
  out.write('\ufeffSố điện thoại,Họ tên,Thành phố,segment,consent_source,consent_at,consent_scope\r\n');
  for (let i = 0; i < rows; i++) {
    const r = row(i);
    expected[r.kind]++;
    if (!out.write(`${r.line}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
const fileBytes = (await stat(file)).size;
const rssAfterGenerate = process.memoryUsage().rss;
log(`wrote ${rows} rows, ${(fileBytes / 1e6).toFixed(1)} MB`);

const url = new URL(config.DATABASE_URL);
url.pathname = `/tongdai_bench_leads_${randomBytes(4).toString('hex')}`;
const dbUrl = url.toString();
const prefix = `tongdai_bench_${randomBytes(4).toString('hex')}`;
await ensureDatabase(dbUrl);
const knex = createKnex(dbUrl, { poolMax: 4, logger: silentLogger() });
await migrateLatest(knex);
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const connection = () => redis.duplicate({ maxRetriesPerRequest: null });
const queue = createLeadImportQueue(connection(), prefix);
const worker = startLeadImportWorker({ connection: connection(), prefix, db: knex, logger: silentLogger() });

let result: Record<string, unknown> | undefined;
let failure: unknown;
try {
  const list = await createList(knex, { name: 'bench', default_country: 'VN' });
  const [upload] = (await knex('lead_uploads')
    .insert({ file_name: 'leads.csv', path: file, bytes: fileBytes, sha256: 'bench' })
    .returning('id')) as Array<{ id: string }>;

  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let last: ImportProgress | undefined;
  let lastChange = Date.now();
  worker.worker.on('progress', (_job, p) => {
    last = p as unknown as ImportProgress;
    lastChange = Date.now();
  });
  const imp = await startLeadImport(knex, queue, { listId: list.id, uploadId: upload!.id, options: {} });
  let status = 'queued';
  let nextLog = Date.now() + 5000;
  while (status !== 'done' && status !== 'failed') {
    await new Promise((r) => setTimeout(r, 200));
    const row = (await knex('lead_imports').where({ id: imp.id }).first('status', 'error')) as {
      status: string;
      error: string | null;
    };
    status = row.status;
    if (status === 'failed') throw new Error(`import failed: ${row.error}`);
    if (Date.now() - lastChange > StallMs) throw new Error(`no progress for ${StallMs / 1000} s`);
    if (Date.now() > nextLog && last) {
      log(
        `${last.rows_read} rows read (${last.percent}%), rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
      );
      nextLog = Date.now() + 5000;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const done = (await knex('lead_imports').where({ id: imp.id }).first()) as Record<string, string>;
  const count = async (table: string) =>
    Number(((await knex(table).count()) as Array<{ count: string }>)[0]!.count);
  const leadRows = await count('leads');
  const consents = await count('lead_consents');
  const counts = {
    read: Number(done.rows_read),
    imported: Number(done.rows_imported),
    merged: Number(done.rows_merged),
    rejected: Number(done.rows_rejected),
  };
  result = {
    rows,
    fileMb: Math.round(fileBytes / 1e5) / 10,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSec: Math.round(counts.read / seconds),
    peakRssMb: Math.round(peakRss / 1e6),
    rssBeforeImportMb: Math.round(rssAfterGenerate / 1e6),
    ...counts,
    leads: leadRows,
    consents,
    countsMatch:
      counts.read === rows &&
      counts.imported === expected.good &&
      counts.merged === expected.dup &&
      counts.rejected === expected.bad &&
      leadRows === expected.good,
  };
} catch (err) {
  failure = err;
} finally {
  clearInterval(sampler);
  await worker.close();
  await queue.close();
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
    string[]
  >) {
    if (keys.length) await redis.unlink(...keys);
  }
  redis.disconnect();
  await knex.destroy();
  if (!values.keep) {
    await dropDatabase(dbUrl);
    await rm(dir, { recursive: true, force: true });
  } else log(`kept ${dbUrl} and ${file}`);
}
if (failure) {
  log(`failed: ${(failure as Error).message}`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
