import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import type { Call } from '../../src/ari/index.js';
import { RecordOutbox } from '../../src/cdr/outbox.js';
import { postgresConfirm, startRecordsPipeline, type RecordsPipeline } from '../../src/cdr/pipeline.js';
import type { CallRecord } from '../../src/cdr/record.js';
import { welcomeFlow } from '../../src/engine/welcome-flow.js';
import { silentLogger } from '../../src/log/index.js';
import { type RecordsConsumer, startRecordsConsumer } from '../../src/records/index.js';
import { type AriHarness, eventually, startAriHarness } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type TestRedis, createTestRedis } from '../helpers/redis.js';

describe('cdr: every call into Postgres through the outbox and BullMQ', function () {
  this.timeout(120_000);
  let h: AriHarness;
  let db: TestDatabase;
  let redis: TestRedis;
  let pool: pg.Pool;
  let dir: string;
  let pipeline: RecordsPipeline | undefined;
  let consumer: RecordsConsumer | undefined;
  const prefix = () => redis.prefix.replace(/:$/, '');

  beforeEach(async () => {
    db = await createTestDatabase({ migrate: true });
    redis = await createTestRedis();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    dir = mkdtempSync(join(tmpdir(), 'tongdai-outbox-'));
    h = await startAriHarness();
  });
  afterEach(async () => {
    await pipeline?.close();
    await consumer?.close();
    pipeline = consumer = undefined;
    await h.close();
    await pool.end();
    await redis.cleanup();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const startConsumer = () =>
    startRecordsConsumer({
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: prefix(),
      pool,
      logger: silentLogger(),
      batchWaitMs: 20,
    });

  it('inbound calls, an agent leg and a busy attempt each leave one row with its timeline; the outbox empties', async () => {
    pipeline = await startRecordsPipeline({
      source: h.ari,
      redis: redis.redis,
      db: db.knex,
      prefix: prefix(),
      dir,
      name: 'test',
      logger: silentLogger(),
      confirmEveryMs: 200,
    });
    consumer = startConsumer();
    const welcome = welcomeFlow({ welcomeSound: 'sound:beep', language: 'vi' });
    let inbound = 0;
    h.ari.onCall(async (call: Call) => {
      inbound++;
      if (inbound === 1) {
        // The first caller is put through to an agent: two legs, linked.
        await call.answer();
        const agent = await h.ari.originate({ endpoint: 'PJSIP/agent1', parentCallId: call.callId });
        await agent.hangup();
        await call.hangup();
        return;
      }
      await welcome(call);
    });
    await h.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' });
    await h.sim.control.placeCall({ from: '+84901234567', to: '+842838220000', language: 'vi' });
    await eventually(() => inbound === 1, 'first call');
    for (let i = 0; i < 20; i++) {
      await h.sim.control.placeCall({
        from: `+98912${String(1000000 + i)}`,
        to: '+982188776655',
        language: 'fa',
        ...(i % 4 === 0 ? { hangupAfterMs: 30 } : {}),
      });
    }
    const busy = await h.ari.originate({ endpoint: 'PJSIP/agent2' }).catch((e: unknown) => e);
    expect(busy).to.be.instanceOf(Error);

    await eventually(
      async () => Number((await db.knex('calls').count({ n: '*' }))[0]!.n) === 23,
      '23 call rows',
      60_000,
    );
    const rows = await db.knex('calls').select('*');
    const byDirection = (d: string) => rows.filter((r) => r.direction === d);
    expect(byDirection('inbound')).to.have.length(21);
    expect(byDirection('outbound')).to.have.length(2);
    const agentLeg = byDirection('outbound').find((r) => r.disposition === 'answered');
    const firstCall = byDirection('inbound').find((r) => r.from_number === '+84901234567');
    expect(agentLeg.parent_call_id).to.equal(firstCall.call_id);
    expect(agentLeg.conversation_id).to.equal(firstCall.call_id);
    expect(agentLeg.to_number).to.equal('agent1');
    expect(byDirection('outbound').find((r) => r.disposition === 'busy')?.hangup_cause).to.equal(17);
    expect(firstCall.did).to.equal('+842838220000');
    const events = await db.knex('call_events').where({ call_id: firstCall.call_id }).orderBy('seq');
    // A dialplan caller's timeline ends at StasisEnd: Asterisk sends its app no ChannelDestroyed.
    expect(events.map((e) => e.type)).to.include.members([
      'stasis_start',
      'answered',
      'hangup_request',
      'stasis_end',
    ]);
    expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i));
    await eventually(() => pipeline!.outbox.size === 0, 'outbox empty');
    expect(pipeline.recorder.open).to.equal(0);
  });

  it('Redis gone: records wait in the outbox file; a restarted engine hands them on once', async () => {
    const logger = silentLogger();
    const records: CallRecord[] = [];
    let failing = true;
    const first = new RecordOutbox({
      dir,
      name: 'e1',
      logger,
      confirm: postgresConfirm(db.knex),
      enqueue: async () => {
        if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      flushMs: 5,
      confirmEveryMs: 60_000,
    });
    await first.open();
    pipeline = undefined;
    const recorderPipeline = await startRecordsPipeline({
      source: h.ari,
      redis: redis.redis,
      db: db.knex,
      prefix: prefix(),
      dir: join(dir, 'unused'),
      name: 'x',
      logger,
    });
    recorderPipeline.recorder.close(); // only used to build records from real calls below
    const { CallRecorder } = await import('../../src/cdr/recorder.js');
    const recorder = new CallRecorder(h.ari, (r) => (records.push(r), first.add(r)), logger);
    h.ari.onCall(welcomeFlow({ welcomeSound: 'sound:beep', language: 'en' }));
    for (let i = 0; i < 10; i++)
      await h.sim.control.placeCall({ from: `+4420712345${10 + i}`, to: '+442071234500' });
    await eventually(() => records.length === 10, '10 records built');
    recorder.close();
    await first.close(); // the engine stops (or crashes) with Redis still down
    await recorderPipeline.close();
    const onDisk = readFileSync(join(dir, 'e1.outbox.jsonl'), 'utf8').trim().split('\n');
    expect(onDisk).to.have.length(10);
    failing = false;

    // The restarted engine reads its outbox and hands everything on; the worker writes it once.
    consumer = startConsumer();
    const { Queue } = await import('bullmq');
    const queue = new Queue('call-records', { connection: redis.redis, prefix: prefix() });
    const second = new RecordOutbox({
      dir,
      name: 'e1',
      logger,
      confirm: postgresConfirm(db.knex),
      enqueue: async (rs, jobId) =>
        void (await queue.add('records', { records: rs }, { jobId, removeOnComplete: true })),
      confirmEveryMs: 100,
      resendAfterMs: 500,
    });
    await second.open();
    await eventually(() => second.size === 0, 'outbox drained', 60_000);
    await second.close();
    await queue.close();
    const rows = await db.knex('calls').select('call_id');
    expect(rows.map((r) => r.call_id).sort()).to.deep.equal(records.map((r) => r.callId).sort());
  });

  it('a record that can never be written is settled by its dead letter, not resent forever', async () => {
    consumer = startConsumer();
    const { Queue } = await import('bullmq');
    const queue = new Queue('call-records', { connection: redis.redis, prefix: prefix() });
    const outbox = new RecordOutbox({
      dir,
      name: 'e2',
      logger: silentLogger(),
      confirm: postgresConfirm(db.knex),
      enqueue: async (rs, jobId) =>
        void (await queue.add('records', { records: rs }, { jobId, removeOnComplete: true })),
      flushMs: 5,
      confirmEveryMs: 100,
    });
    await outbox.open();
    // Ended before it started: the worker's schema refuses it and keeps it as a dead letter.
    const bad = {
      callId: '0b7f6f0e-3c1a-4d7e-9a55-4a7b1c2d3e4f',
      startedAt: 'not a time',
    } as unknown as CallRecord;
    outbox.add(bad);
    await eventually(() => outbox.size === 0, 'settled by dead letter', 60_000);
    const letters = await db.knex('call_record_dead_letters').select('call_id', 'error_code');
    expect(letters).to.deep.equal([{ call_id: bad.callId, error_code: 'invalid_record' }]);
    await outbox.close();
    await queue.close();
  });
});

describe('cdr: recorder closes a leg at StasisEnd when no ChannelDestroyed follows', () => {
  it('writes the record after the grace period from StasisEnd alone', async () => {
    const { EventEmitter } = await import('node:events');
    const { CallRecorder } = await import('../../src/cdr/recorder.js');
    const source = new EventEmitter();
    const records: CallRecord[] = [];
    const recorder = new CallRecorder(source, (r) => records.push(r), silentLogger(), 50);
    const channel = {
      id: '1795435200.77',
      name: 'PJSIP/trunk-00000077',
      state: 'Up',
      caller: { name: '', number: '+989121234567' },
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: {
        context: 'tongdai-inbound',
        exten: '+982188776655',
        priority: 1,
        app_name: 'Stasis',
        app_data: 'tongdai,inbound,+982188776655',
      },
      creationtime: '2026-11-23T10:00:00.000+0000',
      language: 'fa',
    };
    const base = { application: 'tongdai', channel };
    source.emit('event', {
      ...base,
      type: 'StasisStart',
      timestamp: '2026-11-23T10:00:00.100+0000',
      args: ['inbound', '+982188776655'],
    });
    source.emit('event', {
      ...base,
      type: 'ChannelHangupRequest',
      timestamp: '2026-11-23T10:00:30.000+0000',
      cause: 16,
    });
    source.emit('event', { ...base, type: 'StasisEnd', timestamp: '2026-11-23T10:00:30.010+0000' });
    expect(records).to.have.length(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(records).to.have.length(1);
    expect(records[0]).to.include({
      did: '+982188776655',
      hangupCause: 16,
      hangupBy: 'caller',
      endedAt: '2026-11-23T10:00:30.010Z',
    });
    expect(recorder.open).to.equal(0);
    recorder.close();
  });
});
