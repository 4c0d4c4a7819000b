import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Queue } from 'bullmq';
import { silentLogger } from '../../src/log/index.js';
import {
  checkDnc,
  consentFor,
  createLeadImportQueue,
  createList,
  runImport,
  startDncImport,
  startLeadImport,
  startLeadImportWorker,
  type ImportProgress,
  type LeadImportJob,
  type LeadImportWorker,
} from '../../src/leads/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

describe('leads: CSV import job (Postgres + Redis)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let redis: TestRedis;
  let dir: string;
  let queue: Queue<LeadImportJob>;
  let worker: LeadImportWorker;
  const progress: Record<string, ImportProgress[]> = {};

  before(async () => {
    db = await createTestDatabase();
    redis = await createTestRedis();
    dir = await mkdtemp(path.join(tmpdir(), 'tongdai-import-'));
    const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
    queue = createLeadImportQueue(connection, redis.prefix);
    worker = startLeadImportWorker({ connection, prefix: redis.prefix, db: db.knex, logger: silentLogger() });
    worker.worker.on('progress', (job, p) => {
      (progress[job.id!] ??= []).push(p as unknown as ImportProgress);
    });
  });
  after(async () => {
    await worker?.close();
    await queue?.close();
    await redis?.cleanup();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function upload(content: string | Buffer): Promise<string> {
    const file = path.join(dir, `f${++n}.csv`);
    await writeFile(file, content);
    const [row] = (await db
      .knex('lead_uploads')
      .insert({ file_name: `f${n}.csv`, path: file, bytes: content.length, sha256: 'x' })
      .returning('id')) as Array<{ id: string }>;
    return row!.id;
  }

  async function settled(importId: string) {
    for (let i = 0; i < 600; i++) {
      const row = await db.knex('lead_imports').where({ id: importId }).first();
      if (row.status === 'done' || row.status === 'failed') {
        const job = await queue.getJob(importId);
        for (let k = 0; k < 100 && job && !(await job.isCompleted()) && !(await job.isFailed()); k++)
          await new Promise((r) => setTimeout(r, 50));
        return row;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`import ${importId} did not finish`);
  }

  const Sample = [
    'Số điện thoại,First Name,Last Name,City,time_zone,consent_source,consent_at,consent_scope',
    '0912 345 678,An,Nguyen,Hà Nội,,web form,2026-10-01 09:30,advertising', // 2
    '0912-345-678,,Nguyễn,"Hà Nội, VN",,,,', // 3: same number → merged
    '+98 912 345 6789,Reza,Ahmadi,Tehran,,,,', // 4
    '+1 (212) 555-0100,John,Smith,NYC,America/New_York,,,', // 5
    'call me,Bad,Row,,,,,', // 6: not a number
    '0912345679,X,"bad "quote,,,,,', // 7: bad quoting
    '0912345680,Y,Z,Huế,Mars/Olympus,,,', // 8: bad zone
    '0912345681,Multi,Line,"Đà Nẵng', // 9: embedded line break...
    'beach",,,,', // ...ends on line 10
    '0912345682,Short', // 11: too few fields
    '0912345683,Consent,NoSource,,,,01/10/2026,advertising', // 12: consent without source
    '0912345684,Minh,Tran,Sài Gòn,,call 6f1c,15/10/2026 14:00,customer_care', // 13
    ',,,,,,,', // 14: an empty spreadsheet row is a blank line
  ].join('\r\n');

  it('imports through the queue: maps columns, normalizes numbers, merges duplicates, reports bad rows with their line', async () => {
    const list = await createList(db.knex, { name: 'Hà Nội October', default_country: 'VN' });
    const uploadId = await upload(Sample);
    const imp = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId,
      options: { mapping: { City: 'custom.city' }, batch_rows: 3 } as never,
    });
    const done = await settled(imp.id);
    expect(done.status, done.error).to.equal('done');
    expect(done).to.deep.include({
      rows_read: '11',
      rows_imported: '5',
      rows_merged: '1',
      rows_rejected: '5',
    });

    const leads = await db.knex('leads').where({ list_id: list.id }).orderBy('phone');
    expect(
      leads.map((l) => [l.phone, l.country, l.time_zone, l.first_name, l.last_name, l.custom.city]),
    ).to.deep.equal([
      ['+12125550100', 'US', 'America/New_York', 'John', 'Smith', 'NYC'],
      ['+84912345678', 'VN', 'Asia/Ho_Chi_Minh', 'An', 'Nguyễn', 'Hà Nội, VN'],
      ['+84912345681', 'VN', 'Asia/Ho_Chi_Minh', 'Multi', 'Line', 'Đà Nẵng\r\nbeach'],
      ['+84912345684', 'VN', 'Asia/Ho_Chi_Minh', 'Minh', 'Tran', 'Sài Gòn'],
      ['+989123456789', 'IR', 'Asia/Tehran', 'Reza', 'Ahmadi', 'Tehran'],
    ]);
    expect(leads.every((l) => l.status === 'new' && l.attempts === 0)).to.equal(true);

    const errors = await db.knex('lead_import_errors').where({ import_id: imp.id }).orderBy('line');
    expect(errors.map((e) => [Number(e.line), e.reason])).to.deep.equal([
      [6, 'phone "call me": contains letters'],
      [7, 'line 7: text after a closing quote ("quote,,,,,")'],
      [
        8,
        'time_zone "Mars/Olympus" is not an IANA zone name (Asia/Ho_Chi_Minh, Asia/Tehran, America/Chicago...)',
      ],
      [11, '2 fields where the header has 8'],
      [12, 'consent_source is empty: say where the consent was given'],
    ]);
    expect(errors[3].raw).to.equal('0912345682,Short');

    // Consent columns: local time in the lead's zone (Vietnam is UTC+7).
    const an = leads[1]!;
    const c = await consentFor(db.knex, an.id, 'advertising', new Date('2026-11-01T00:00:00Z'));
    expect(c).to.deep.include({ granted: true, source: 'web form' });
    expect(c.recordedAt!.toISOString()).to.equal('2026-10-01T02:30:00.000Z');
    const minh = leads[3]!;
    expect(
      (await consentFor(db.knex, minh.id, 'advertising', new Date('2026-11-01T00:00:00Z'))).granted,
    ).to.equal(false);
    const care = await consentFor(db.knex, minh.id, 'customer_care', new Date('2026-11-01T00:00:00Z'));
    expect(care.recordedAt!.toISOString()).to.equal('2026-10-15T07:00:00.000Z');

    // Progress after every batch, rising to the final counts.
    const events = progress[imp.id]!;
    expect(events.length).to.be.greaterThan(3);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.rows_read).to.be.at.least(events[i - 1]!.rows_read);
    expect(events.at(-1)).to.deep.include({
      rows_read: 11,
      rows_imported: 5,
      rows_merged: 1,
      rows_rejected: 5,
      percent: 100,
    });

    const job = await queue.getJob(imp.id);
    expect(job!.returnvalue).to.deep.include({ status: 'done', rows_imported: 5, rows_rejected: 5 });
    expect(job!.returnvalue.errors[0]).to.deep.equal({
      line: 6,
      reason: 'phone "call me": contains letters',
    });

    const totals = await db.knex('lead_lists').where({ id: list.id }).first();
    expect(totals).to.deep.include({
      rows_read: '11',
      rows_imported: '5',
      rows_merged: '1',
      rows_rejected: '5',
    });

    // The same file again: every good row merges into its lead, nothing new.
    const again = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId,
      options: { mapping: { City: 'custom.city' } } as never,
    });
    const second = await settled(again.id);
    expect(second).to.deep.include({
      status: 'done',
      rows_imported: '0',
      rows_merged: '6',
      rows_rejected: '5',
    });
    expect(await db.knex('leads').where({ list_id: list.id }).count()).to.deep.equal([{ count: '5' }]);
    expect(await db.knex('lead_consents').count()).to.deep.equal([{ count: '2' }]);
  });

  it('resumes a crashed import after its last committed batch, adding nothing twice', async () => {
    const rows = ['phone,name'];
    for (let i = 0; i < 60; i++) rows.push(`09${String(10000000 + (i % 50)).padStart(8, '0')},lead ${i}`); // 10 repeats
    rows.push('not-a-number,x', '0912,short number');
    const list = await createList(db.knex, { name: 'crash', default_country: 'VN' });
    const uploadId = await upload(rows.join('\n') + '\n');
    const [row] = (await db
      .knex('lead_imports')
      .insert({
        kind: 'leads',
        list_id: list.id,
        upload_id: uploadId,
        path: path.join(dir, `f${n}.csv`),
        options: { default_country: 'VN', batch_rows: 7 },
      })
      .returning('id')) as Array<{ id: string }>;
    const id = row!.id;

    let batches = 0;
    const crash = new Error('worker killed');
    await runImport(db.knex, id, {
      onProgress: () => {
        if (++batches === 4) throw crash; // after the 4th batch committed
      },
    }).catch((e: unknown) => expect(e).to.equal(crash));
    const mid = await db.knex('lead_imports').where({ id }).first();
    expect(mid).to.deep.include({ status: 'running', rows_read: '28', committed_line: '29' });

    const result = await runImport(db.knex, id);
    expect(result).to.deep.include({ rows_read: 62, rows_imported: 50, rows_merged: 10, rows_rejected: 2 });
    expect(await db.knex('leads').where({ list_id: list.id }).count()).to.deep.equal([{ count: '50' }]);
    expect(await db.knex('lead_import_errors').where({ import_id: id }).count()).to.deep.equal([
      { count: '2' },
    ]);
    // A finished import run again changes nothing.
    const [twin] = (await db
      .knex('lead_imports')
      .insert({
        kind: 'leads',
        list_id: list.id,
        upload_id: uploadId,
        path: path.join(dir, `f${n}.csv`),
        options: { default_country: 'VN', batch_rows: 7 },
      })
      .returning('id')) as Array<{ id: string }>;
    // Two runners of one import at once (a worker that lost its lock is still going): one wins, the other stops.
    const both = await Promise.allSettled([runImport(db.knex, twin!.id), runImport(db.knex, twin!.id)]);
    expect(both.filter((r) => r.status === 'fulfilled')).to.have.length.at.least(1);
    for (const r of both)
      if (r.status === 'rejected') expect((r.reason as Error).name).to.equal('ImportTakenOverError');
    expect(await db.knex('lead_imports').where({ id: twin!.id }).first()).to.deep.include({
      status: 'done',
      rows_read: '62',
      rows_imported: '0',
      rows_merged: '60',
      rows_rejected: '2',
    });
    expect(await runImport(db.knex, id)).to.deep.include({ rows_imported: 50, rows_merged: 10 });
    const totals = await db.knex('lead_lists').where({ id: list.id }).first();
    expect(totals).to.deep.include({ rows_read: '124', rows_imported: '50' });
  });

  it('refuses a file without a phone column, or not in UTF-8, before importing anything; no retries', async () => {
    const list = await createList(db.knex, { name: 'refused', default_country: 'IR' });
    const noPhone = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId: await upload('name,city\nReza,Tehran\n'),
      options: {} as never,
    });
    const a = await settled(noPhone.id);
    expect(a.status).to.equal('failed');
    expect(a.error).to.match(/no column is the phone number: map one of "name", "city" to phone/);

    const badMapping = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId: await upload('mobile,name\n09123456789,Reza\n'),
      options: { mapping: { Mobile: 'phone' } } as never,
    });
    const b = await settled(badMapping.id);
    expect(b.error).to.match(/the file has no column "Mobile" \(its header: "mobile", "name"\)/);

    const latin = Buffer.concat([
      Buffer.from('phone,name\n09123456789,A\n09123456788,B\n09123456787,'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const encoding = await startLeadImport(db.knex, queue, {
      listId: list.id,
      uploadId: await upload(latin),
      options: {} as never,
    });
    const c = await settled(encoding.id);
    expect(c.status).to.equal('failed');
    expect(c.error).to.match(/not valid UTF-8 \(line 4\)/);

    expect(await db.knex('leads').where({ list_id: list.id }).count()).to.deep.equal([{ count: '0' }]);
    for (const id of [noPhone.id, badMapping.id, encoding.id]) {
      const job = await queue.getJob(id);
      expect(await job!.isFailed()).to.equal(true);
      expect(job!.attemptsMade).to.equal(1);
    }

    // The same Vietnamese file saved as windows-1258 imports when the encoding is given.
    const vn = Buffer.concat([
      Buffer.from('phone,name\n0912345678,Nguy'),
      Buffer.from([0xea, 0xde, 0x6e]),
      Buffer.from('\n'),
    ]);
    const list2 = await createList(db.knex, { name: 'cp1258', default_country: 'VN' });
    const ok = await startLeadImport(db.knex, queue, {
      listId: list2.id,
      uploadId: await upload(vn),
      options: { encoding: 'windows-1258' } as never,
    });
    expect((await settled(ok.id)).status).to.equal('done');
    const lead = await db.knex('leads').where({ list_id: list2.id }).first();
    expect(lead.custom.name.normalize('NFC')).to.equal('Nguyễn');
  });

  it('imports a national do-not-call snapshot; checks use it once ready and refuse when it grows stale', async () => {
    const file = ['0912000001', '+84 912 000 002', '0912000001', 'garbage', ''].join('\n');
    const today = new Date().toISOString().slice(0, 10);
    const imp = await startDncImport(db.knex, queue, {
      uploadId: await upload(file),
      target: { kind: 'national', jurisdiction: 'VN', snapshotDate: today, source: 'MIC register' },
      options: {},
    });
    const done = await settled(imp.id);
    expect(done).to.deep.include({
      status: 'done',
      rows_read: '4',
      rows_imported: '2',
      rows_merged: '1',
      rows_rejected: '1',
    });
    const list = await db.knex('dnc_lists').where({ id: imp.dnc_list_id }).first();
    expect(list).to.deep.include({ status: 'ready', entries: '2', jurisdiction: 'VN' });

    const at = new Date();
    expect(
      await checkDnc(db.knex, '+84912000002', { at, jurisdiction: 'VN', maxNationalAgeDays: 31 }),
    ).to.deep.include({ allowed: false, source: 'national:VN' });
    expect(
      await checkDnc(db.knex, '+84912000003', { at, jurisdiction: 'VN', maxNationalAgeDays: 31 }),
    ).to.deep.equal({ allowed: true });
    const later = new Date(at.getTime() + 40 * 86_400_000);
    const stale = await checkDnc(db.knex, '+84912000003', {
      at: later,
      jurisdiction: 'VN',
      maxNationalAgeDays: 31,
    });
    expect(stale.allowed).to.equal(false);
    expect(stale.reason).to.match(
      /national do-not-call list VN is stale: snapshot of .* is 40 days old \(limit 31\)/,
    );
  });
});
