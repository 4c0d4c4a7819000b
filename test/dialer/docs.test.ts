import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CampaignStore } from '../../src/dialer/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { addLeads, campaignInput, createList } from './harness.js';

const Doc = new URL('../../docs/dialer.md', import.meta.url);

function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('dialer: docs/dialer.md and the views it describes', function () {
  this.timeout(60_000);
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    const k = db.knex;
    const list = await createList(k, 'Khách hàng TP.HCM', 'VN');
    const leads = await addLeads(
      k,
      list,
      Array.from({ length: 6 }, (_, i) => ({
        phone: `+8490555000${i}`,
        time_zone: 'Asia/Ho_Chi_Minh',
        country: 'VN',
      })),
    );
    const c = await new CampaignStore(k).create(campaignInput(list, { jurisdiction: 'VN' }), 'docs');
    const now = Date.now();
    const base = {
      campaign_id: c.id,
      list_id: list,
      mode: 'progressive',
      purpose: 'customer_care',
      jurisdiction: 'VN',
      engine: 'engine-1',
      lead_time_zone: 'Asia/Ho_Chi_Minh',
      consent_required: false,
      caller_id: '+842838220000',
      active: false,
    };
    const decisions = JSON.stringify([
      { rule: 'calling_window', passed: true, reason: 'inside_window', source: 'campaign calling window' },
    ]);
    const rows = [
      { outcome: 'completed', amd_status: 'HUMAN', agent: 'agent1', connected: true, sale: true },
      { outcome: 'completed', amd_status: 'HUMAN', agent: 'agent2', connected: true, sale: false },
      { outcome: 'abandoned', amd_status: 'HUMAN', abandoned: true },
      { outcome: 'machine', amd_status: 'MACHINE' },
      { outcome: 'busy' },
    ].map((r, i) => {
      const at = new Date(now - (i + 1) * 3_600_000);
      const answered = r.amd_status ? new Date(at.getTime() + 8000) : null;
      return {
        ...base,
        id: randomUUID(),
        lead_id: leads[i],
        phone: `+8490555000${i}`,
        attempt_no: 1,
        decided_at: at,
        lead_local_time: new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
        window_allowed: true,
        window_reason: 'inside_window',
        dnc_allowed: true,
        rule_decisions: decisions,
        decision: 'dial',
        call_id: null,
        dialed_at: at,
        answered_at: answered,
        amd_status: r.amd_status ?? null,
        agent: r.agent ?? null,
        connected_at: r.connected ? new Date(at.getTime() + 9000) : null,
        ended_at: new Date(at.getTime() + 120_000),
        abandoned: r.abandoned ?? false,
        outcome: r.outcome,
        sale: r.sale ?? false,
        disposition: r.sale ? 'sale' : null,
      };
    });
    rows.push({
      ...rows[4]!,
      id: randomUUID(),
      lead_id: leads[5],
      phone: '+84905550005',
      decision: 'refused',
      window_allowed: false,
      window_reason: 'after_window',
      dialed_at: null as unknown as Date,
      outcome: 'refused',
      ...{ refused_by: 'calling_window' },
    } as (typeof rows)[number]);
    await k('call_attempts').insert(rows);
    await k('leads').whereIn('id', leads.slice(0, 5)).update({ attempts: 1, status: 'done' });
    await k('dialer_callbacks').insert({
      campaign_id: c.id,
      lead_id: leads[1],
      agent: 'agent2',
      due_at: new Date(now + 3_600_000),
      lead_local: '2026-11-24 10:00',
      time_zone: 'Asia/Ho_Chi_Minh',
    });
  });
  after(async () => db?.drop());

  it('every example query in docs/dialer.md runs and answers', async () => {
    const blocks = sqlBlocks(readFileSync(Doc, 'utf8'));
    expect(blocks.length).to.be.greaterThan(8);
    for (const sql of blocks) {
      const r = await db.knex.raw(sql.replace(/\?/g, '\\?')).catch((err: Error) => {
        throw new Error(`docs/dialer.md query failed: ${err.message}\n${sql}`);
      });
      expect(r.rows.length, sql).to.be.greaterThan(0);
    }
  });

  it('the views count what the rows say', async () => {
    const [ab] = await db.knex('campaign_abandon_rate');
    expect(ab).to.include({ live_answers: '3', abandoned: '1', over_limit: true });
    const [s] = await db.knex('campaign_summary');
    expect(s).to.include({ dials: '5', refusals: '1', contacts: '2', sales: '1' });
    const [p] = await db.knex('campaign_list_penetration');
    expect(p).to.include({ leads: '6', dialed: '5', reached: '2' });
    const outside = await db
      .knex('call_attempts')
      .where({ decision: 'dial', window_allowed: false })
      .count({ n: '*' });
    expect(outside[0]!.n).to.equal('0');
  });

  it('every dialer table, view and column carries a comment', async () => {
    const { rows } = await db.knex.raw(`
      SELECT c.relname, a.attname
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE c.relname IN ('campaigns', 'call_attempts', 'dialer_callbacks', 'brand_caller_ids')
         AND col_description(c.oid, a.attnum) IS NULL
         AND a.attname NOT IN ('id', 'created_at', 'updated_at', 'done_at', 'note', 'lead_id', 'created_by', 'name', 'number', 'active', 'carrier', 'state', 'agent', 'refused_by', 'disposition', 'caller_id', 'engine')`);
    expect(rows).to.deep.equal([]);
    const { rows: views } = await db.knex.raw(`
      SELECT c.relname FROM pg_class c
       WHERE c.relname IN ('campaign_abandon_rate', 'campaign_daily_stats', 'campaign_summary',
                           'lead_attempt_counts', 'campaign_list_penetration')
         AND obj_description(c.oid, 'pg_class') IS NOT NULL`);
    expect(views).to.have.length(5);
  });
});
