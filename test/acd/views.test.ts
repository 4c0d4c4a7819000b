import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import pg from 'pg';
import { agentEventKind, queueEventKind } from '../../src/acd/facts.js';
import type { AgentState } from '../../src/acd/model.js';
import { fact, factId, type Fact } from '../../src/facts/fact.js';
import { FactWriter } from '../../src/facts/writer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const Doc = new URL('../../docs/acd.md', import.meta.url);
const sqlBlocks = (markdown: string) =>
  [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

/** 2026-11-23 in Ho Chi Minh City (+07:00): `at('09:00:10')`. */
const at = (hms: string) => new Date(`2026-11-23T${hms}+07:00`);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function q(call: number, event: string, hms: string, data: Record<string, unknown> = {}): Fact {
  return fact(queueEventKind, factId('t', call, event, hms), at(hms), {
    queue: 'sales',
    call_id: uuid(call),
    event: event as never,
    agent: null,
    position: null,
    priority: 0,
    wait_seconds: null,
    talk_seconds: null,
    service_level_seconds: 20,
    short_abandon_seconds: 5,
    reason: null,
    engine: 'hcm-1',
    ...data,
  });
}

/** Lan's day as agent_events: each row closes the state before it. */
function lanDay(): Fact[] {
  const steps: Array<[string, AgentState, string | null, number | null]> = [
    ['08:55:00', 'available', null, null],
    ['09:00:08', 'ringing', null, 1],
    ['09:00:10', 'on_call', null, 1],
    ['09:03:10', 'wrap_up', null, 1],
    ['09:03:40', 'available', null, 1], // the row closing wrap-up names the call it wrapped up
    ['09:10:00', 'paused', 'lunch', null],
    ['09:40:00', 'available', null, null],
    ['09:45:00', 'logged_out', null, null],
  ];
  let prev: { state: AgentState; since: string; reason: string | null } = {
    state: 'logged_out',
    since: '08:00:00',
    reason: null,
  };
  return steps.map(([hms, state, reason, call]) => {
    const f = fact(agentEventKind, factId('a', hms), at(hms), {
      agent: 'lan',
      event:
        state === 'available' && prev.state === 'logged_out'
          ? 'login'
          : state === 'logged_out'
            ? 'logout'
            : 'state',
      state,
      previous_state: prev.state,
      previous_reason: prev.reason,
      previous_started_at: at(prev.since).toISOString(),
      previous_seconds: (at(hms).getTime() - at(prev.since).getTime()) / 1000,
      reason,
      queue: call ? 'sales' : null,
      call_id: call ? uuid(call) : null,
      changed_by: 'acd',
    });
    prev = { state, since: hms, reason };
    return f;
  });
}

describe('acd: queue_events / agent_events views (and docs/acd.md)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const facts = [
      // answered in 10 s (within SL), 180 s talk, 30 s wrap-up (lan's day below)
      q(1, 'enter', '09:00:00', { position: 1 }),
      q(1, 'ring', '09:00:08', { agent: 'lan' }),
      q(1, 'connect', '09:00:10', { agent: 'lan', wait_seconds: 10 }),
      q(1, 'complete', '09:03:10', { agent: 'lan', talk_seconds: 180, reason: 'caller' }),
      // answered in 30 s (outside SL), 120 s talk, 20 s wrap-up
      q(2, 'enter', '09:01:00', { position: 1 }),
      q(2, 'connect', '09:01:30', { agent: 'minh', wait_seconds: 30 }),
      q(2, 'complete', '09:03:30', { agent: 'minh', talk_seconds: 120, reason: 'agent' }),
      // abandoned after 3 s (short), 15 s (within SL), 60 s
      q(3, 'enter', '09:02:00'),
      q(3, 'abandon', '09:02:03', { wait_seconds: 3 }),
      q(4, 'enter', '09:02:30'),
      q(4, 'abandon', '09:02:45', { wait_seconds: 15 }),
      q(5, 'enter', '09:05:00'),
      q(5, 'abandon', '09:06:00', { wait_seconds: 60 }),
      // next quarter hour: max wait
      q(6, 'enter', '09:20:00'),
      q(6, 'timeout', '09:25:00', { wait_seconds: 300 }),
      ...lanDay(),
      fact(agentEventKind, factId('m', 1), at('09:03:50'), {
        agent: 'minh',
        event: 'state',
        state: 'available',
        previous_state: 'wrap_up',
        previous_reason: null,
        previous_started_at: at('09:03:30').toISOString(),
        previous_seconds: 20,
        reason: null,
        queue: 'sales',
        call_id: uuid(2),
        changed_by: 'acd',
      }),
    ];
    const r = await new FactWriter(pool, [queueEventKind, agentEventKind]).store(facts);
    expect(r).to.deep.equal({ inserted: facts.length, duplicates: 0, deadLetters: 0 });
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** Runs in the call center's time zone (day and month buckets follow the session's TimeZone). */
  const inHcm = async (sql: string) =>
    db.knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL TIME ZONE 'Asia/Ho_Chi_Minh'`);
      return (await trx.raw(sql)).rows as Array<Record<string, any>>;
    });

  it('per 15 minutes: offered, answered, abandoned (short apart), SL and SL2, ASA, AHT', async () => {
    const rows = await inHcm(
      `SELECT * FROM acd_queue_stats_15min WHERE queue = 'sales' ORDER BY period_start`,
    );
    expect(rows).to.have.length(2);
    const first = rows[0]!;
    expect(new Date(first.period_start).toISOString()).to.equal(at('09:00:00').toISOString());
    expect(first).to.include({
      offered: '5',
      answered: '2',
      abandoned: '3',
      short_abandoned: '1',
      answered_in_sl: '1',
      abandoned_in_sl: '2',
      service_level_pct: '50.00', // app_queue SL: 1 of 2 answered within 20 s
      service_level2_pct: '60.00', // app_queue SL2: (1 + 2) / (2 + 3)
      abandon_rate_pct: '50.00', // 2 real abandons of 4 (the short one left out)
      asa_seconds: '20.00',
      aht_seconds: '175.00', // ((180 + 30) + (120 + 20)) / 2
      avg_wrapup_seconds: '25.00',
    });
    expect(rows[1]).to.include({ offered: '1', timed_out: '1', answered: '0' });
    expect(rows[1]!.service_level_pct).to.equal(null);
  });

  it('per day and month in the session time zone', async () => {
    const [day] = await inHcm(`SELECT * FROM acd_queue_stats_day WHERE queue = 'sales'`);
    expect(new Date(day!.period_start).toISOString()).to.equal(at('00:00:00').toISOString());
    expect(day).to.include({ offered: '6', answered: '2', abandoned: '3', timed_out: '1' });
    const [month] = await inHcm(`SELECT * FROM acd_queue_stats_month WHERE queue = 'sales'`);
    expect(month).to.include({ offered: '6' });
  });

  it('agent time by state and pause reason, split over the periods, and occupancy', async () => {
    const rows = await inHcm(
      `SELECT to_char(period_start, 'HH24:MI') AS p, state, reason, seconds::float AS s
         FROM acd_agent_time_15min WHERE agent = 'lan' ORDER BY p, state`,
    );
    const at0900 = Object.fromEntries(rows.filter((r) => r.p === '09:00').map((r) => [r.state, r.s]));
    expect(at0900).to.deep.equal({ available: 388, on_call: 180, paused: 300, ringing: 2, wrap_up: 30 });
    expect(rows.find((r) => r.p === '08:45')).to.include({ state: 'available', s: 300 });
    expect(rows.filter((r) => r.p === '09:15')).to.deep.equal([
      { p: '09:15', state: 'paused', reason: 'lunch', s: 900 },
    ]);
    expect(rows.filter((r) => r.p === '09:30').map((r) => [r.state, r.s])).to.deep.equal([
      ['available', 300],
      ['paused', 600],
    ]);
    const [occ] = await inHcm(
      `SELECT occupancy_pct, handle_seconds::float AS h, paused_seconds::float AS p FROM acd_agent_occupancy_15min
        WHERE agent = 'lan' AND period_start = '2026-11-23 09:00:00+07'`,
    );
    expect(occ).to.deep.equal({ occupancy_pct: '35.00', h: 210, p: 300 }); // 210 / (210 + 388 + 2)
    const [day] = await inHcm(
      `SELECT seconds::float AS s FROM acd_agent_time_day WHERE agent = 'lan' AND state = 'paused' AND reason = 'lunch'`,
    );
    expect(day!.s).to.equal(1800);
  });

  it('every example query in docs/acd.md runs and returns rows', async () => {
    const blocks = sqlBlocks(readFileSync(Doc, 'utf8'));
    expect(blocks.length).to.be.greaterThan(5);
    for (const sql of blocks) {
      const rows = await inHcm(sql).catch((err: Error) => {
        throw new Error(`docs/acd.md query failed: ${err.message}\n${sql}`);
      });
      expect(rows.length, sql).to.be.greaterThan(0);
    }
  });
});
