import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import pg from 'pg';
import { PgFollowUps } from '../../src/followups/store.js';
import { PgFlowVersionStore } from '../../src/ivr/store.js';
import { generateRecords } from '../../src/records/generate.js';
import { RecordWriter } from '../../src/records/index.js';
import { PgVoicemailStore } from '../../src/voicemail/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const Doc = new URL('../../docs/schema.md', import.meta.url);
const inboundBlocks = (markdown: string) =>
  [...markdown.matchAll(/```sql inbound\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

/** docs/schema.md's inbound section: every example runs and returns rows on a database holding each kind of row. */
describe('ivr: docs/schema.md inbound section (customers, flows, node stats, voicemail, follow-ups, surveys)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const k = db.knex;
    const now = Date.now();
    const phone = '+84909999999';
    await k('customers').insert({ phone, name: 'Trần Thị B', vip: true, tags: ['gold'], language: 'vi' });

    // Two calls from the customer with IVR node visits in their timelines.
    const [a, b] = generateRecords(2, {
      from: new Date(now - 3_600_000),
      to: new Date(now - 60_000),
      seed: 7,
    });
    const nodes = [
      ['welcome', 'play', 'next'],
      ['language_menu', 'menu', '1'],
      ['purpose_menu', 'menu', '2'],
      ['survey', 'survey', 'next'],
    ];
    for (const [n, r] of [a!, b!].entries()) {
      r.fromNumber = phone;
      r.direction = 'inbound';
      r.events = nodes.map(([node, nodeType, branch], seq) => ({
        seq,
        at: new Date(Date.parse(r.startedAt) + seq * 1000).toISOString(),
        type: 'ivr_node',
        channelId: r.channelId,
        digit: null,
        media: null,
        bridgeId: null,
        cause: null,
        detail: {
          flow: 'main',
          version: 1,
          node,
          nodeType,
          branch: n === 1 && seq === 3 ? 'hangup' : branch,
          ms: 900,
        },
      }));
    }
    await new RecordWriter(pool).store([a!, b!].map((payload) => ({ payload })));

    await new PgFlowVersionStore(k).append({
      flowId: 'main',
      document: { id: 'main', start: 'x', nodes: { x: { type: 'hangup' } } },
      source: 'file',
      changedBy: 'file:flows/main.yaml',
      comment: null,
    });
    await k('callback_requests').insert({
      call_id: b!.callId,
      phone,
      did: '+842838220000',
      flow_id: 'service',
      node_id: 'callback',
      language: 'vi',
      purpose: 'complaint',
      priority: 70,
    });

    const voicemail = new PgVoicemailStore(k);
    await voicemail.putBox({
      boxId: 'support',
      name: 'Support team',
      language: 'vi',
      greeting: null,
      ownerType: 'queue',
      ownerId: 'support',
      maxMessageSeconds: 120,
    });
    const vm = await voicemail.save({
      boxId: 'support',
      callId: a!.callId,
      callerNumber: phone,
      recordingName: `voicemail/support/${a!.callId}`,
      durationSeconds: 12,
      language: 'vi',
    });
    await voicemail.markHeard(vm.id, 'agent-3');

    const followUps = new PgFollowUps(k);
    await followUps.open({ type: 'voicemail', callId: a!.callId, customerPhone: phone, sourceRef: vm.id });
    const cb = await followUps.open({ type: 'callback', callId: b!.callId, customerPhone: phone });
    const complaint = await followUps.open({ type: 'complaint', callId: b!.callId, customerPhone: phone });
    await k('follow_ups')
      .where({ id: cb.id })
      .update({ due_at: k.raw("now() - interval '30 minutes'") });
    await followUps.act(complaint.id, 'resolve', { actor: 'supervisor-1', note: 'refund issued' });

    let i = 0;
    for (const [call, queue, agent, answers] of [
      [a!.callId, 'support', 'agent-3', [5, 10, 1]],
      [b!.callId, 'sales', 'agent-1', [2]],
    ] as const)
      for (const [q, answer] of answers.entries())
        await k('survey_responses').insert({
          id: `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`,
          occurred_at: new Date(now - 30_000),
          call_id: call,
          conversation_id: call,
          survey_id: 'post_call',
          question_id: ['csat', 'nps', 'resolved'][q],
          question_type: ['csat', 'nps', 'yes_no'][q],
          question_index: q + 1,
          questions_total: 3,
          answer,
          language: 'vi',
          queue,
          agent,
        });
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('every inbound example query runs and returns rows', async () => {
    const blocks = inboundBlocks(readFileSync(Doc, 'utf8'));
    expect(blocks.length).to.be.at.least(10);
    for (const sql of blocks) {
      const r = await db.knex.raw(sql).catch((err: Error) => {
        throw new Error(`docs/schema.md query failed: ${err.message}\n${sql}`);
      });
      expect(r.rows.length, sql).to.be.greaterThan(0);
    }
  });

  it('the examples say what the data says: drop-off, overdue, CSAT/NPS, completion', async () => {
    const blocks = inboundBlocks(readFileSync(Doc, 'utf8'));
    const run = async (needle: string) =>
      (await db.knex.raw(blocks.find((b) => b.includes(needle))!)).rows as Array<Record<string, any>>;
    const stats = await run('ivr_node_stats_between');
    expect(stats.find((s) => s.node_id === 'survey')).to.deep.include({ entries: '2', hangups: '1' });
    expect(Number(stats.find((s) => s.node_id === 'survey')!.drop_off_pct)).to.equal(50);
    expect(await run('FROM overdue_follow_ups')).to.deep.equal([
      { type: 'callback', assignee: null, overdue: '1', worst_minutes: 30 },
    ]);
    const csat = await run('FROM survey_csat_daily');
    expect(csat.map((r) => [r.queue, Number(r.csat_pct)])).to.deep.equal([
      ['sales', 0],
      ['support', 100],
    ]);
    expect((await run('FROM survey_nps_daily')).map((r) => [r.agent, Number(r.nps)])).to.deep.equal([
      ['agent-3', 100],
    ]);
    const completion = await run('survey_completion GROUP BY 1');
    expect(
      completion.map((r) => [Number(r.surveyed_calls), Number(r.completed_pct), Number(r.resolved_pct)]),
    ).to.deep.equal([[2, 50, 100]]);
    const boxes = await run('FROM voicemail_boxes b');
    expect(boxes[0]).to.include({ box_id: 'support', messages: '1', unheard: '0' });
  });

  it('every inbound table, column and view carries a comment', async () => {
    const names = [
      'customers',
      'callback_requests',
      'ivr_flow_versions',
      'ivr_node_stats',
      'voicemail_boxes',
      'voicemails',
      'follow_up_slas',
      'follow_ups',
      'overdue_follow_ups',
      'survey_responses',
      'survey_csat_daily',
      'survey_nps_daily',
      'survey_completion',
    ];
    const r = await db.knex.raw(
      `SELECT c.relname, a.attname, obj_description(c.oid, 'pg_class') AS table_comment,
              col_description(c.oid, a.attnum) AS column_comment
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relname = ANY(?)`,
      [names],
    );
    expect(new Set(r.rows.map((x: { relname: string }) => x.relname)).size).to.equal(names.length);
    for (const row of r.rows) {
      expect(row.table_comment ?? '', row.relname).to.match(/\w/);
      expect(row.column_comment ?? '', `${row.relname}.${row.attname}`).to.match(/\w/);
    }
  });
});
