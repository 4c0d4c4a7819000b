import { expect } from 'chai';
import pg from 'pg';
import type { CallRecordInput } from '../../src/cdr/record.js';
import { generateRecords } from '../../src/records/generate.js';
import {
  RecordsUnavailableError,
  RecordWriter,
  backfillRollups,
  maintainPartitions,
} from '../../src/records/index.js';
import { dailyReport, rawReport } from '../../src/reports/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const From = new Date('2026-08-01T00:00:00Z');
const To = new Date('2026-11-01T00:00:00Z');
const Now = () => new Date('2026-11-23T12:00:00Z');

async function count(db: TestDatabase, table: string): Promise<number> {
  const r = await db.knex.raw(`SELECT count(*)::integer AS n FROM ${table}`);
  return r.rows[0].n;
}

async function rollupDigest(db: TestDatabase): Promise<string> {
  const r = await db.knex.raw(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS h FROM (
    SELECT grain, dimension, period_start, dimension_value, offered, answered, abandoned,
           wait_seconds_sum, talk_seconds_sum, wait_histogram FROM call_rollups) t`);
  return r.rows[0].h;
}

describe('records: batch writer', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let writer: RecordWriter;
  const records = generateRecords(600, { from: From, to: To, seed: 7 });
  const items = (rs: unknown[]) => rs.map((payload) => ({ payload, jobId: 'job-1' }));

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    writer = new RecordWriter(pool, { now: Now });
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('writes each call once with its timeline, creating the months it needs', async () => {
    const r = await writer.store(items(records));
    expect(r).to.deep.equal({ inserted: 600, duplicates: 0, events: 600 * 8, deadLetters: 0 });
    expect(await count(db, 'calls')).to.equal(600);
    expect(await count(db, 'call_events')).to.equal(4800);
    const parts = await db.knex.raw(
      `SELECT count(*)::integer AS n FROM pg_tables WHERE tablename ~ '^calls_y2026m(08|09|10)$'`,
    );
    expect(parts.rows[0].n).to.equal(3);
    const timeline = await db.knex.raw(`SELECT seq FROM call_events WHERE call_id = ? ORDER BY seq`, [
      records[0]!.callId,
    ]);
    expect(timeline.rows.map((x: { seq: number }) => x.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a re-delivered batch adds no row and changes no rollup', async () => {
    const before = await rollupDigest(db);
    const r = await writer.store(items([...records.slice(0, 300), ...records.slice(0, 300)]));
    expect(r).to.deep.equal({ inserted: 0, duplicates: 300, events: 0, deadLetters: 0 });
    expect(await count(db, 'calls')).to.equal(600);
    expect(await count(db, 'call_events')).to.equal(4800);
    expect(await rollupDigest(db)).to.equal(before);
  });

  it('stores every field under its column', async () => {
    const rec = records[1]!;
    const r = await db.knex.raw(`SELECT * FROM calls WHERE call_id = ?`, [rec.callId]);
    const row = r.rows[0];
    expect(row.direction).to.equal(rec.direction);
    expect(row.started_at.toISOString()).to.equal(rec.startedAt);
    expect(Number(row.wait_seconds)).to.equal(rec.waitSeconds);
    expect(row.recording_ids).to.deep.equal(rec.recordingIds);
    expect(row.queue).to.equal(rec.queue);
    expect(row.hangup_by).to.equal(rec.hangupBy);
  });

  it('sends invalid, out-of-window and refused records to dead letters without holding back the rest', async () => {
    const fresh = generateRecords(50, { from: From, to: To, seed: 99 });
    const bad = fresh.slice(0, 5).map((r) => ({ ...r })) as Array<Record<string, unknown>>;
    bad[0]!.direction = 'sideways';
    delete bad[1]!.callId;
    bad[2]!.hangupCauseText = 'cause with a NUL \u0000 byte'; // valid JSON, refused by Postgres text
    bad[3]!.startedAt = '2031-01-01T00:00:00Z';
    bad[4]!.events = [{ ...(fresh[4]!.events[0] as object), digit: 'x' }, { seq: 1 }];
    const input: unknown[] = [...bad, ...fresh.slice(5), 'not a record at all'];
    const r = await writer.store(items(input));
    expect(r.inserted).to.equal(45);
    expect(r.deadLetters).to.equal(6);
    const letters = await db.knex.raw(
      `SELECT error_code, reason, call_id, job_id, payload FROM call_record_dead_letters ORDER BY id`,
    );
    const byCode = (code: string) =>
      letters.rows.filter((l: { error_code: string }) => l.error_code === code);
    expect(byCode('invalid_record')).to.have.length(4);
    expect(byCode('outside_window')[0].reason).to.match(/in the future/);
    const refused = byCode('write_rejected');
    expect(refused).to.have.length(1);
    expect(refused[0].call_id).to.equal(fresh[2]!.callId);
    expect(refused[0].reason).to.match(/SQLSTATE 22021/);
    expect(refused[0].job_id).to.equal('job-1');
    expect(letters.rows.some((l: { reason: string }) => /direction/.test(l.reason))).to.equal(true);
    // Re-delivery stores each dead letter once.
    await writer.store(items(input));
    expect(await count(db, 'call_record_dead_letters')).to.equal(6);
  });

  it('rollups give the same report as the raw rows, and a backfill rebuilds them exactly', async () => {
    for (const q of [
      { from: '2026-08-01', to: '2026-11-01', groupBy: 'day' as const },
      { from: '2026-08-10', to: '2026-10-20', groupBy: 'month' as const, by: 'queue' as const },
      { from: '2026-01-01', to: '2027-01-01', groupBy: 'year' as const, by: 'direction' as const },
      { from: '2026-09-01', to: '2026-10-01', groupBy: 'day' as const, by: 'did' as const },
      { from: '2026-08-01', to: '2026-11-01', groupBy: 'month' as const, by: 'campaign' as const },
    ]) {
      const fast = await dailyReport(db.knex, q);
      expect(fast.length, JSON.stringify(q)).to.be.greaterThan(0);
      expect(fast, JSON.stringify(q)).to.deep.equal(await rawReport(db.knex, q));
    }
    const before = await rollupDigest(db);
    await db.knex.raw('TRUNCATE call_rollups');
    const r = await backfillRollups(db.knex, { from: From, to: To });
    expect(r.calls).to.equal(645);
    expect(await rollupDigest(db)).to.equal(before);
  });

  it('throws RecordsUnavailableError (and dead-letters nothing) when Postgres cannot be reached', async () => {
    const down = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/nowhere', max: 1 });
    down.on('error', () => undefined);
    try {
      const w = new RecordWriter(down, { now: Now });
      let error: unknown;
      await w.store(items(generateRecords(3, { from: From, to: To, seed: 3 }))).catch((e) => (error = e));
      expect(error).to.be.instanceOf(RecordsUnavailableError);
    } finally {
      await down.end();
    }
  });

  it('keeps partitions ahead and drops those past retention', async () => {
    const now = new Date('2026-11-23T00:00:00Z');
    const r = await maintainPartitions(pool, { now, retentionMonths: 2, monthsAhead: 2 });
    expect(r.dropped).to.deep.equal(['call_events_y2026m08', 'calls_y2026m08']);
    const names = await db.knex.raw(
      `SELECT tablename FROM pg_tables WHERE tablename ~ '^calls_y' ORDER BY 1`,
    );
    expect(names.rows.map((x: { tablename: string }) => x.tablename)).to.deep.equal([
      'calls_y2026m09',
      'calls_y2026m10',
      'calls_y2026m11',
      'calls_y2026m12',
      'calls_y2027m01',
    ]);
    const old: CallRecordInput = generateRecords(1, {
      from: new Date('2026-08-02'),
      to: new Date('2026-08-03'),
    })[0]!;
    const w = new RecordWriter(pool, { now: () => now, retentionMonths: 2 });
    const stored = await w.store(items([old]));
    expect(stored.deadLetters).to.equal(1);
    const letter = await db.knex.raw(`SELECT reason FROM call_record_dead_letters WHERE call_id = ?`, [
      old.callId,
    ]);
    expect(letter.rows[0].reason).to.match(/before the retention window/);
  });
});
