import { expect } from 'chai';
import type { Knex } from 'knex';
import pg from 'pg';
import { RecordWriter } from '../../src/records/index.js';
import { generateRecords } from '../../src/records/generate.js';
import { rawReport } from '../../src/reports/index.js';
import { registerReportRoutes } from '../../src/reports/routes.js';
import { type ApiHarness, startApi } from './harness.js';

describe('api: GET /reports/calls', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  const holder: { knex?: Knex } = {};
  // The route is registered before the harness's database exists; it reads it per request.
  const lazyDb = new Proxy({} as Knex, {
    get: (_t, p) => (holder.knex as unknown as Record<PropertyKey, unknown>)[p],
  });

  before(async () => {
    h = await startApi({ routes: [registerReportRoutes(lazyDb)] });
    holder.knex = h.db.knex;
    const pool = new pg.Pool({ connectionString: h.db.url, max: 2 });
    const records = generateRecords(3000, {
      from: new Date('2026-09-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
      seed: 7,
    });
    const result = await new RecordWriter(pool, {}).store(
      records.map((payload) => ({ payload, jobId: 'test' })),
    );
    void result;
    await pool.end();
  });
  after(async () => h.close());

  it('returns the daily report as JSON, identical to the same query over raw rows', async () => {
    const res = await h.request('/reports/calls?from=2026-09-01&to=2026-11-01&groupBy=day', {
      key: h.keys.analyst,
    });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { rows: Array<Record<string, unknown>> };
    const raw = await rawReport(h.db.knex, { from: '2026-09-01', to: '2026-11-01', groupBy: 'day' });
    expect(body.rows).to.have.length(61);
    expect(body.rows).to.deep.equal(JSON.parse(JSON.stringify(raw)));
    expect(body.rows.reduce((n, r) => n + Number(r.offered), 0)).to.equal(3000);
  });

  it('monthly by queue, as CSV through Accept or format=csv', async () => {
    const a = await h.request('/reports/calls?from=2026-09-01&to=2026-11-01&groupBy=month&by=queue', {
      key: h.keys.supervisor,
      headers: { Accept: 'text/csv' },
    });
    expect(a.status).to.equal(200);
    expect(a.headers.get('content-type')).to.match(/^text\/csv/);
    const text = await a.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).to.equal(
      'period,value,offered,answered,abandoned,avgWaitSeconds,p90WaitSeconds,avgTalkSeconds',
    );
    const b = await h.request(
      '/reports/calls?from=2026-09-01&to=2026-11-01&groupBy=month&by=queue&format=csv',
      { key: h.keys.admin },
    );
    expect(await b.text()).to.equal(text);
    const offered = lines.slice(1).reduce((n, l) => n + Number(l.split(',')[2]), 0);
    expect(offered).to.equal(3000);
  });

  it('refuses bad ranges with 400 and field paths, and agents with 403', async () => {
    for (const q of [
      'from=2026-11-01&to=2026-09-01',
      'from=yesterday&to=2026-09-01',
      'from=2026-09-01',
      'from=2000-01-01&to=2026-01-01',
      'from=2026-09-01&to=2026-10-01&groupBy=week',
    ]) {
      const res = await h.request(`/reports/calls?${q}`, { key: h.keys.analyst });
      expect(res.status, q).to.equal(400);
      const body = (await res.json()) as { error: { code: string; issues: Array<{ path: string }> } };
      expect(body.error.code).to.equal('VALIDATION_FAILED');
      expect(body.error.issues[0]!.path).to.match(/^query\./);
    }
    const forbidden = await h.request('/reports/calls?from=2026-09-01&to=2026-10-01', { key: h.keys.agent });
    expect(forbidden.status).to.equal(403);
  });

  it('is described in /openapi.json', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).to.have.property('/reports/calls');
  });
});
