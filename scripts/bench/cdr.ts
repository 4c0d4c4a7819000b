/**
 * npm run bench:cdr [-- --calls 100000 --events 8 --job-size 100]
 *
 * Side by side, in one run, on a fresh database of its own (dropped at the end):
 *   copyCeilingRowsPerSec  one raw COPY stream of the generated rows straight into calls and call_events
 *   workerRowsPerSec       the records consumer draining a backlog of the same records from BullMQ
 *                          (validation, COPY to staging, idempotent merge, rollups, acks)
 *   endToEndCallsPerSec    producer and consumer running together: first hand-off to last commit
 * Rows are calls plus call_events rows. The last line is JSON.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RecordsQueueName, callRecordSchema, type RecordsJob } from '../../src/cdr/record.js';
import { loadConfigOrExit } from '../../src/config/index.js';
import { createKnex, dropDatabase, ensureDatabase, migrateLatest } from '../../src/db/index.js';
import winston from 'winston';
import { createLogger, silentLogger } from '../../src/log/index.js';
import { CallColumns, EventColumns, callLine, copyIn, eventLine } from '../../src/records/copy.js';
import { generateRecords } from '../../src/records/generate.js';
import { assertNoEviction, createPartitions, startRecordsConsumer } from '../../src/records/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '100000' },
    events: { type: 'string', default: '8' },
    'job-size': { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const eventsPerCall = Number(values.events);
const jobSize = Number(values['job-size']);
const config = loadConfigOrExit();
const log = (m: string) => process.stderr.write(`[bench:cdr] ${m}\n`);
const StallMs = 60_000;
// Worker warnings (retries, dead letters) on stderr, so stdout ends with the JSON line.
const logger = createLogger({
  level: 'warn',
  service: 'bench-cdr',
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
});

const url = new URL(config.DATABASE_URL);
url.pathname = `/tongdai_bench_cdr_${randomBytes(4).toString('hex')}`;
const dbUrl = url.toString();
const prefix = `tongdai_bench_${randomBytes(4).toString('hex')}`;
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
await assertNoEviction(redis);
await ensureDatabase(dbUrl);
const knex = createKnex(dbUrl, { poolMax: 2, logger: silentLogger() });
const pool = new pg.Pool({ connectionString: dbUrl, max: 6 });

// Connections handed to BullMQ stay open after its close(); kept here to end them.
const connections: Redis[] = [];
function connection(): Redis {
  const c = redis.duplicate({ maxRetriesPerRequest: null });
  connections.push(c);
  return c;
}

async function deletePrefix(): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
    string[]
  >) {
    if (keys.length) await redis.unlink(...keys);
  }
}

async function rowCount(): Promise<number> {
  const r = await pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM calls) + (SELECT count(*) FROM call_events))::integer AS n`,
  );
  return r.rows[0]!.n;
}

async function reset(): Promise<void> {
  await pool.query('TRUNCATE calls, call_events, call_rollups, call_record_dead_letters');
  await pool.query('VACUUM ANALYZE');
}

/** Waits for n calls; a minute without progress is a failure worth explaining, not a hang. */
async function waitForCalls(n: number, queue?: Queue): Promise<void> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const r = await pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM calls');
    const have = r.rows[0]!.n;
    if (have >= n) return;
    if (have !== last) [last, since] = [have, Date.now()];
    if (Date.now() - since > StallMs) {
      const counts = queue ? JSON.stringify(await queue.getJobCounts()) : '';
      throw new Error(`no progress for ${StallMs / 1000} s at ${have}/${n} calls; jobs ${counts}`);
    }
    await new Promise((res) => setTimeout(res, 25));
  }
}

try {
  await migrateLatest(knex);
  const now = Date.now();
  const from = new Date(now - 3 * 86_400_000);
  const to = new Date(now - 3_600_000);
  log(`generating ${calls} calls × ${eventsPerCall} events`);
  const records = generateRecords(calls, { from, to, eventsPerCall, seed: 42 });
  const rows = calls * (1 + eventsPerCall);
  await createPartitions(pool, from.toISOString().slice(0, 10), to.toISOString().slice(0, 10));

  // 1. The ceiling: raw COPY of the same rows into the same partitioned tables (one stream).
  const parsed = records.map((r) => callRecordSchema.parse(r));
  // In slices: a million calls' events as one string would pass V8's longest string.
  const CopySlice = 50_000;
  const callTexts: string[] = [];
  const eventTexts: string[] = [];
  for (let i = 0; i < parsed.length; i += CopySlice) {
    const part = parsed.slice(i, i + CopySlice);
    callTexts.push(part.map(callLine).join('\n') + '\n');
    eventTexts.push(part.map((r) => r.events.map((e) => eventLine(r, e)).join('\n')).join('\n') + '\n');
  }
  const client = await pool.connect();
  let t0 = process.hrtime.bigint();
  for (const text of callTexts) await copyIn(client, `calls (${CallColumns.join(', ')})`, text);
  for (const text of eventTexts) await copyIn(client, `call_events (${EventColumns.join(', ')})`, text);
  const copySec = Number(process.hrtime.bigint() - t0) / 1e9;
  client.release();
  const copyCeilingRowsPerSec = Math.round(rows / copySec);
  log(`raw COPY: ${rows} rows in ${copySec.toFixed(2)} s = ${copyCeilingRowsPerSec} rows/s`);
  await reset();

  // 2. The worker draining a backlog.
  const queue = new Queue<RecordsJob>(RecordsQueueName, { connection: connection(), prefix });
  const jobs = [];
  for (let i = 0; i < records.length; i += jobSize) {
    jobs.push({
      name: 'records',
      data: { records: records.slice(i, i + jobSize) },
      opts: { removeOnComplete: true },
    });
  }
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
  log(`backlog of ${calls} calls in ${jobs.length} jobs queued`);
  const consumerOptions = {
    prefix,
    pool,
    logger,
    batchMax: config.RECORDS_BATCH_MAX,
    batchWaitMs: config.RECORDS_BATCH_WAIT_MS,
    writers: config.RECORDS_WRITERS,
    jobsInFlight: config.RECORDS_JOBS_IN_FLIGHT,
  };
  t0 = process.hrtime.bigint();
  let consumer = startRecordsConsumer({ ...consumerOptions, connection: connection() });
  await waitForCalls(calls, queue);
  const drainSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const stored = await rowCount();
  const workerRowsPerSec = Math.round(stored / drainSec);
  log(`worker: ${stored} rows (${calls} calls) in ${drainSec.toFixed(2)} s = ${workerRowsPerSec} rows/s`);
  await consumer.close();
  await reset();

  // 3. End to end: hand-off and consumption at the same time.
  consumer = startRecordsConsumer({ ...consumerOptions, connection: connection() });
  t0 = process.hrtime.bigint();
  for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));
  await waitForCalls(calls, queue);
  const e2eSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const endToEndCallsPerSec = Math.round(calls / e2eSec);
  const complete = (await rowCount()) === rows;
  log(`end to end: ${calls} calls in ${e2eSec.toFixed(2)} s = ${endToEndCallsPerSec} calls/s`);
  await consumer.close();
  await queue.close();

  const result = {
    calls,
    eventsPerCall,
    rows,
    copyCeilingRowsPerSec,
    workerRowsPerSec,
    workerShareOfCopy: Number((workerRowsPerSec / copyCeilingRowsPerSec).toFixed(3)),
    backlogDrainSeconds: Number(drainSec.toFixed(2)),
    projected1MCallBacklogSeconds: Math.round((drainSec / calls) * 1_000_000),
    endToEndCallsPerSec,
    allRowsStored: complete,
  };
  console.log(JSON.stringify(result));
} finally {
  await deletePrefix().catch(() => undefined);
  for (const c of connections) c.disconnect();
  redis.disconnect();
  await pool.end();
  await knex.destroy();
  if (!values.keep) await dropDatabase(dbUrl);
}
