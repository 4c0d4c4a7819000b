/**
 * npm run bench:reports [-- --calls 10000000 --months 12 --keep]
 *
 * Loads generated calls spread over the last `months` months into a fresh database with COPY (as
 * rows loaded outside the worker would be), rebuilds the rollups with the backfill, then times
 *   dailyReportMs       the last 30 days, one row per day (dailyReport over the rollups)
 *   monthlyByQueueMs    the last 12 whole months by queue
 * (median of 5 warm runs each) and checks both against the same query over the raw rows
 * (rawMatches). The database is dropped at the end unless --keep. The last line is JSON.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { CallRecord } from '../../src/cdr/record.js';
import { loadConfigOrExit } from '../../src/config/index.js';
import { createKnex, dropDatabase, ensureDatabase, migrateLatest } from '../../src/db/index.js';
import { silentLogger } from '../../src/log/index.js';
import { CallColumns, callLine, copyIn } from '../../src/records/copy.js';
import { generateRecords } from '../../src/records/generate.js';
import { addMonths, backfillRollups, createPartitions, monthOf } from '../../src/records/index.js';
import { dailyReport, rawReport, type ReportQuery } from '../../src/reports/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000000' },
    months: { type: 'string', default: '12' },
    keep: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const months = Number(values.months);
const config = loadConfigOrExit();
const log = (m: string) => process.stderr.write(`[bench:reports] ${m}\n`);
const Chunk = 100_000;

const url = new URL(config.DATABASE_URL);
url.pathname = `/tongdai_bench_reports_${randomBytes(4).toString('hex')}`;
const dbUrl = url.toString();
await ensureDatabase(dbUrl);
const knex = createKnex(dbUrl, { poolMax: 2, logger: silentLogger() });
const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, result };
}

async function median(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn(); // warm the cache and the plan
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn)).ms);
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(runs / 2)]!.toFixed(1));
}

try {
  await migrateLatest(knex);
  const now = new Date();
  const from = addMonths(now, -months);
  const to = new Date(now.getTime() - 60_000);
  await createPartitions(pool, monthOf(from), monthOf(to));

  const load = await timed(async () => {
    const chunks = Math.ceil(calls / Chunk);
    const span = to.getTime() - from.getTime();
    const client = await pool.connect();
    // Generate the next chunk while Postgres copies the previous one: two cores, two workers.
    let copying: Promise<number> = Promise.resolve(0);
    try {
      for (let k = 0; k < chunks; k++) {
        const n = Math.min(Chunk, calls - k * Chunk);
        const part = {
          from: new Date(from.getTime() + (span * k) / chunks),
          to: new Date(from.getTime() + (span * (k + 1)) / chunks),
          eventsPerCall: 0,
          seed: 9,
        };
        const text = generateRecords(n, part, k * Chunk)
          .map((r) => callLine(r as unknown as CallRecord))
          .join('\n');
        await copying;
        copying = copyIn(client, `calls (${CallColumns.join(', ')})`, text + '\n');
        if (k % 10 === 9) log(`loaded ${(k + 1) * Chunk} calls`);
      }
      await copying;
    } finally {
      client.release();
    }
  });
  log(`COPY of ${calls} calls: ${(load.ms / 1000).toFixed(1)} s`);
  await pool.query('VACUUM ANALYZE calls');

  const backfill = await timed(() => backfillRollups(knex, { from, to }));
  log(`backfill of the rollups: ${(backfill.ms / 1000).toFixed(1)} s (${backfill.result.calls} calls)`);
  await pool.query('VACUUM ANALYZE call_rollups');

  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const daily: ReportQuery = {
    from: day(new Date(today.getTime() - 30 * 86_400_000)),
    to: day(today),
    groupBy: 'day',
  };
  const byQueue: ReportQuery = {
    from: monthOf(addMonths(now, -12)),
    to: monthOf(now),
    groupBy: 'month',
    by: 'queue',
  };

  const dailyReportMs = await median(() => dailyReport(knex, daily));
  const monthlyByQueueMs = await median(() => dailyReport(knex, byQueue));
  const rawDaily = await timed(() => rawReport(knex, daily));
  const rawByQueue = await timed(() => rawReport(knex, byQueue));
  const fastDaily = await dailyReport(knex, daily);
  const fastByQueue = await dailyReport(knex, byQueue);
  const rawMatches =
    JSON.stringify(fastDaily) === JSON.stringify(rawDaily.result) &&
    JSON.stringify(fastByQueue) === JSON.stringify(rawByQueue.result);
  log(`daily report ${dailyReportMs} ms (raw ${rawDaily.ms.toFixed(0)} ms, ${fastDaily.length} rows)`);
  log(
    `12 months by queue ${monthlyByQueueMs} ms (raw ${rawByQueue.ms.toFixed(0)} ms, ${fastByQueue.length} rows)`,
  );

  console.log(
    JSON.stringify({
      calls,
      months,
      loadSeconds: Number((load.ms / 1000).toFixed(1)),
      backfillSeconds: Number((backfill.ms / 1000).toFixed(1)),
      dailyReportMs,
      monthlyByQueueMs,
      rawDailyReportMs: Math.round(rawDaily.ms),
      rawMonthlyByQueueMs: Math.round(rawByQueue.ms),
      dailyRows: fastDaily.length,
      monthlyByQueueRows: fastByQueue.length,
      rawMatches,
    }),
  );
} finally {
  await pool.end();
  await knex.destroy();
  if (!values.keep) await dropDatabase(dbUrl);
}
