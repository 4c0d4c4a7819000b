import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { silentLogger } from '../../src/log/index.js';
import {
  createLeadImportQueue,
  registerLeadRoutes,
  startLeadImportWorker,
  type LeadImportJob,
  type LeadImportWorker,
} from '../../src/leads/index.js';
import { startApi, type ApiHarness } from '../api/harness.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';

describe('leads: API (lists, uploads, imports, consents, do-not-call)', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let redis: TestRedis;
  let queue: Queue<LeadImportJob>;
  let worker: LeadImportWorker;
  let dir: string;
  const holder: { knex?: Knex } = {};
  // Routes are registered before the harness's database exists; they reach it per request.
  const lazyDb = new Proxy(function () {} as unknown as Knex, {
    apply: (_t, _this, args: unknown[]) => (holder.knex as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_t, p) => (holder.knex as unknown as Record<PropertyKey, unknown>)[p],
  });

  before(async () => {
    redis = await createTestRedis();
    dir = await mkdtemp(path.join(tmpdir(), 'tongdai-uploads-'));
    const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
    queue = createLeadImportQueue(connection, redis.prefix);
    h = await startApi({
      routes: [
        registerLeadRoutes({
          db: lazyDb,
          queue,
          uploadDir: dir,
          maxUploadBytes: 100_000,
          maxNationalAgeDays: 31,
        }),
      ],
    });
    holder.knex = h.db.knex;
    worker = startLeadImportWorker({
      connection,
      prefix: redis.prefix,
      db: h.db.knex,
      logger: silentLogger(),
    });
  });
  after(async () => {
    await worker?.close();
    await queue?.close();
    await h?.close();
    await redis?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const json = (body: unknown) => JSON.stringify(body);
  async function call(method: string, url: string, body?: unknown, key = h.keys.supervisor) {
    const res = await h.request(url, { method, key, ...(body === undefined ? {} : { body: json(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function uploadCsv(content: string | Buffer, name = 'leads.csv', type = 'text/csv') {
    const res = await h.request(`/api/v1/lead-uploads?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      key: h.keys.supervisor,
      headers: { 'content-type': type },
      body: content,
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  async function finished(importId: string) {
    for (let i = 0; i < 300; i++) {
      const r = await call('GET', `/api/v1/lead-imports/${importId}`);
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('import did not finish');
  }

  let listId: string;

  it('manages lists, by role', async () => {
    expect(
      (await call('POST', '/api/v1/lead-lists', { name: 'x', default_country: 'VN' }, h.keys.agent)).status,
    ).to.equal(403);
    const bad = await call('POST', '/api/v1/lead-lists', { name: 'x', default_country: 'Vietnam' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0].path).to.equal('body.default_country');
    const created = await call('POST', '/api/v1/lead-lists', {
      name: 'Sài Gòn November',
      default_country: 'vn',
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ name: 'Sài Gòn November', default_country: 'VN', leads: 0 });
    listId = created.body.id;
    const patched = await call('PATCH', `/api/v1/lead-lists/${listId}`, { description: 'telesales Q4' });
    expect(patched.body.description).to.equal('telesales Q4');
    expect((await call('GET', '/api/v1/lead-lists', undefined, h.keys.analyst)).body.items).to.have.length(1);
    expect((await call('GET', '/api/v1/lead-lists/00000000-0000-4000-8000-000000000000')).status).to.equal(
      404,
    );
  });

  it('uploads a CSV body, answering its header and a suggested mapping; refuses what is not CSV text', async () => {
    const up = await uploadCsv('\ufeffSố điện thoại,Tên,Ghi chú\r\n0912 345 678,An,"gọi sau 17h"\r\n');
    expect(up.status).to.equal(201);
    expect(up.body).to.deep.include({
      header: ['Số điện thoại', 'Tên', 'Ghi chú'],
      delimiter: ',',
      lines: 3,
    });
    expect(up.body.suggested_mapping).to.deep.equal({
      'Số điện thoại': 'phone',
      Tên: 'custom.Tên',
      'Ghi chú': 'custom.Ghi chú',
    });

    const multipart = await uploadCsv('--x\r\n', 'a.csv', 'multipart/form-data; boundary=x');
    expect(multipart.status).to.equal(415);
    expect(multipart.body.error.message).to.match(/Content-Type: text\/csv/);

    const latin1 = await uploadCsv(
      Buffer.concat([Buffer.from('phone,name\n0912345678,A\n0912345679,Jos'), Buffer.from([0xe9, 0x0a])]),
    );
    expect(latin1.status).to.equal(400);
    expect(latin1.body.error.issues[0]).to.deep.equal({
      path: 'body.line.3',
      message: latin1.body.error.issues[0].message,
    });
    expect(latin1.body.error.message).to.match(/not valid UTF-8 \(line 3\)/);

    const big = await uploadCsv('phone\n' + '0912345678\n'.repeat(10_000));
    expect(big.status).to.equal(413);
  });

  it('imports an upload as a job: status, progress, counts and the refused rows with their lines', async () => {
    const file = [
      'Mobile,First Name,Last Name,Tier',
      '0912 345 678,An,Nguyễn,gold',
      '0912345678,,,platinum', // merged into line 2's lead
      '0987 654 321,Bình,Trần,silver',
      '0912 34,Short,Number,x',
      '+98 912 345 6789,Reza,Ahmadi,gold',
    ].join('\n');
    const up = await uploadCsv(file);
    const wrong = await call('POST', `/api/v1/lead-lists/${listId}/imports`, {
      upload_id: up.body.id,
      mapping: { Phone: 'phone' },
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.issues.map((i: { path: string }) => i.path)).to.include('body.mapping.Phone');
    const badTarget = await call('POST', `/api/v1/lead-lists/${listId}/imports`, {
      upload_id: up.body.id,
      mapping: { Tier: 'salary' },
    });
    expect(badTarget.status).to.equal(400);

    const started = await call('POST', `/api/v1/lead-lists/${listId}/imports`, {
      upload_id: up.body.id,
      mapping: { Mobile: 'phone', Tier: 'custom.tier' },
    });
    expect(started.status).to.equal(202);
    expect(started.body).to.include({ kind: 'leads', list_id: listId });
    const done = await finished(started.body.id);
    expect(done).to.deep.include({
      status: 'done',
      rows_read: 5,
      rows_imported: 3,
      rows_merged: 1,
      rows_rejected: 1,
    });
    expect(done.job.state).to.equal('completed');
    expect(done.job.progress).to.deep.include({ rows_read: 5, percent: 100 });

    const errors = await call(
      'GET',
      `/api/v1/lead-imports/${started.body.id}/errors`,
      undefined,
      h.keys.analyst,
    );
    expect(errors.body.items).to.have.length(1);
    expect(errors.body.items[0]).to.deep.include({ line: 5, raw: '0912 34,Short,Number,x' });
    expect(errors.body.items[0].reason).to.match(/^phone "0912 34": not a Vietnamese number/);

    const page1 = await call('GET', `/api/v1/lead-lists/${listId}/leads?limit=2`);
    expect(page1.body.items.map((l: { phone: string }) => l.phone)).to.deep.equal([
      '+84912345678',
      '+84987654321',
    ]);
    expect(page1.body.items[0]).to.deep.include({
      first_name: 'An',
      last_name: 'Nguyễn',
      time_zone: 'Asia/Ho_Chi_Minh',
    });
    expect(page1.body.items[0].custom).to.deep.equal({ tier: 'platinum' });
    const page2 = await call(
      'GET',
      `/api/v1/lead-lists/${listId}/leads?limit=2&after=${encodeURIComponent(page1.body.next)}`,
    );
    expect(page2.body.items.map((l: { phone: string }) => l.phone)).to.deep.equal(['+989123456789']);
    expect((await call('GET', `/api/v1/lead-lists/${listId}`)).body).to.include({
      leads: 3,
      rows_read: 5,
      rows_rejected: 1,
    });
    expect((await call('DELETE', `/api/v1/lead-lists/${listId}`, undefined, h.keys.analyst)).status).to.equal(
      403,
    );
    const history = await call('GET', `/api/v1/lead-lists/${listId}/imports`, undefined, h.keys.analyst);
    expect(history.body.items.map((i: { id: string }) => i.id)).to.deep.equal([started.body.id]);
    expect((await call('DELETE', `/api/v1/lead-uploads/${up.body.id}`)).status).to.equal(204);
    expect((await call('DELETE', `/api/v1/lead-uploads/${up.body.id}`)).status).to.equal(404);
  });

  it('retries a failed import once its file is back, going on where it stopped', async () => {
    const content = 'phone,name\n0912000201,A\n0912000202,B\n';
    const up = await uploadCsv(content);
    const { path: file } = await h.db.knex('lead_uploads').where({ id: up.body.id }).first('path');
    await rm(file); // e.g. the worker does not see the upload folder
    const started = await call('POST', `/api/v1/lead-lists/${listId}/imports`, { upload_id: up.body.id });
    const failed = await finished(started.body.id);
    expect(failed.status).to.equal('failed');
    expect(failed.error).to.match(/the uploaded file is gone/);
    expect(
      (await call('POST', `/api/v1/lead-imports/${started.body.id}/retry`, undefined, h.keys.analyst)).status,
    ).to.equal(403);

    await writeFile(file, content);
    const retried = await call('POST', `/api/v1/lead-imports/${started.body.id}/retry`);
    expect(retried.status).to.equal(202);
    expect(await finished(started.body.id)).to.deep.include({ status: 'done', rows_imported: 2 });
    expect((await call('POST', `/api/v1/lead-imports/${started.body.id}/retry`)).status).to.equal(409);
  });

  it('adds one lead, merging a number already there', async () => {
    const bad = await call('POST', `/api/v1/lead-lists/${listId}/leads`, { phone: '12345' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0].path).to.equal('body.phone');
    const one = await call('POST', `/api/v1/lead-lists/${listId}/leads`, {
      phone: '0903 111 222',
      first_name: 'Châu',
    });
    expect(one.status).to.equal(201);
    expect(one.body).to.include({ phone: '+84903111222', time_zone: 'Asia/Ho_Chi_Minh', status: 'new' });
    const again = await call('POST', `/api/v1/lead-lists/${listId}/leads`, {
      phone: '+84903111222',
      last_name: 'Lê',
    });
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ id: one.body.id, first_name: 'Châu', last_name: 'Lê' });
  });

  it('records and revokes consent per lead', async () => {
    const lead = (await call('GET', `/api/v1/lead-lists/${listId}/leads?limit=1`)).body.items[0];
    const body = {
      scope: 'advertising',
      source: 'https://example.vn/form#42',
      recorded_at: '2026-10-01T02:30:00Z',
    };
    const future = await call('POST', `/api/v1/leads/${lead.id}/consents`, {
      ...body,
      recorded_at: '2099-01-01T00:00:00Z',
    });
    expect(future.status).to.equal(400);
    expect(
      (await call('POST', `/api/v1/leads/${lead.id}/consents`, { ...body, scope: 'spam' })).status,
    ).to.equal(400);
    const added = await call('POST', `/api/v1/leads/${lead.id}/consents`, body);
    expect(added.status).to.equal(201);
    expect(added.body).to.include({ lead_id: lead.id, scope: 'advertising', revoked_at: null });
    expect((await call('POST', `/api/v1/leads/${lead.id}/consents`, body)).status).to.equal(200);
    const revoked = await call(
      'POST',
      `/api/v1/lead-consents/${added.body.id}/revoke`,
      { reason: 'said no on the phone' },
      h.keys.agent,
    );
    expect(revoked.status).to.equal(200);
    expect(revoked.body.revoked_reason).to.equal('said no on the phone');
    const listed = await call('GET', `/api/v1/leads/${lead.id}/consents`);
    expect(listed.body.items).to.have.length(1);
  });

  it('keeps the internal do-not-call list and imports a national snapshot', async () => {
    const bad = await call('POST', '/api/v1/dnc/numbers', { phones: ['0912000111', 'nope'] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.issues[0].path).to.equal('body.phones.1');
    expect((await call('GET', '/api/v1/dnc/check?phone=0912000111')).body).to.deep.equal({
      phone: '+84912000111',
      allowed: true,
    });
    expect(
      (await call('POST', '/api/v1/dnc/numbers', { phones: ['0912000111'] }, h.keys.agent)).status,
    ).to.equal(403);

    const added = await call('POST', '/api/v1/dnc/numbers', {
      phones: ['0912000111', '+84 912 000 111', '0912000112'],
    });
    expect(added.body).to.include({ added: 2, already_listed: 0 });
    const check = await call('GET', '/api/v1/dnc/check?phone=0912000111', undefined, h.keys.agent);
    expect(check.body).to.deep.include({
      allowed: false,
      source: 'internal',
      reason: 'on the internal do-not-call list',
    });
    expect((await call('DELETE', '/api/v1/dnc/numbers/%2B84912000111')).status).to.equal(204);
    expect((await call('DELETE', '/api/v1/dnc/numbers/%2B84912000111')).status).to.equal(404);
    expect((await call('GET', '/api/v1/dnc/check?phone=0912000111')).body.allowed).to.equal(true);

    // A file of numbers into the internal list.
    const internal = await uploadCsv('phone\n0912 000 301\n+84912000302\nnot a number\n', 'optouts.csv');
    const into = await call('POST', '/api/v1/dnc/imports', {
      upload_id: internal.body.id,
      kind: 'internal',
      default_country: 'VN',
    });
    expect(into.status).to.equal(202);
    expect(await finished(into.body.id)).to.deep.include({
      status: 'done',
      rows_imported: 2,
      rows_rejected: 1,
    });
    expect((await call('GET', '/api/v1/dnc/check?phone=0912000302')).body.source).to.equal('internal');

    // A national register: required → refused until imported.
    const missing = await call(
      'GET',
      '/api/v1/dnc/check?phone=09123456789&default_country=IR&jurisdiction=IR',
    );
    expect(missing.body.reason).to.match(/no national do-not-call list for IR/);
    const up = await uploadCsv('09123456789\n09121111111\n', 'ir-register.csv');
    const noDate = await call('POST', '/api/v1/dnc/imports', {
      upload_id: up.body.id,
      kind: 'national',
      jurisdiction: 'IR',
    });
    expect(noDate.status).to.equal(400);
    expect(noDate.body.error.issues[0].path).to.equal('body.snapshot_date');
    const today = new Date().toISOString().slice(0, 10);
    const started = await call('POST', '/api/v1/dnc/imports', {
      upload_id: up.body.id,
      kind: 'national',
      jurisdiction: 'IR',
      snapshot_date: today,
    });
    expect(started.status).to.equal(202);
    expect((await finished(started.body.id)).rows_imported).to.equal(2);
    const listed = await call(
      'GET',
      '/api/v1/dnc/check?phone=09123456789&default_country=IR&jurisdiction=IR',
    );
    expect(listed.body).to.deep.include({ allowed: false, source: 'national:IR' });
    const lists = (await call('GET', '/api/v1/dnc/lists', undefined, h.keys.analyst)).body.items;
    expect(lists.find((l: { jurisdiction: string }) => l.jurisdiction === 'IR')).to.deep.include({
      kind: 'national',
      snapshot_date: today,
      entries: 2,
      status: 'ready',
      in_force: true,
    });
  });
});
