import { expect } from 'chai';
import { createSupervisor } from '../../src/acd/supervisor/index.js';
import { supervisorEventKind } from '../../src/acd/supervisor/facts.js';
import { createRecordingService, queuePolicies } from '../../src/acd/recording/index.js';
import { createTransfers } from '../../src/acd/transfer/index.js';
import type { FactsPipeline } from '../../src/facts/index.js';
import { type FactsLoop, startFactsLoop } from '../helpers/facts.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import {
  type AcdHarness,
  type ApiServer,
  eventually,
  startAcdHarness,
  startApiServer,
} from './recording-harness.js';

describe('acd/supervisor: events through the records pipeline (outbox → BullMQ → worker → supervisor_events); OpenAPI', function () {
  let acd: AcdHarness;
  let api: ApiServer;
  let redis: TestRedis;
  let loop: FactsLoop;
  let pipeline: FactsPipeline;

  before(async () => {
    acd = await startAcdHarness();
    redis = await createTestRedis();
    let routes: ReturnType<typeof createSupervisor>['routes'] | undefined;
    api = await startApiServer((db) => {
      const sink = { emit: (f: Parameters<FactsPipeline['sink']['emit']>[0]) => pipeline.sink.emit(f) };
      const supervisor = createSupervisor({
        telephony: () => acd.h.ari,
        conversations: acd.conversations,
        facts: sink,
        logger: acd.h.ari.logger,
      });
      acd.hooks.push(supervisor.hooks);
      routes = supervisor.routes;
      const recording = createRecordingService({
        db: db.knex,
        logger: acd.h.ari.logger,
        conversations: acd.conversations,
        policy: queuePolicies({}),
        stored: () => acd.h.ari.stored,
        purgeIntervalMs: 0,
      });
      const transfers = createTransfers({
        telephony: () => acd.h.ari,
        conversations: acd.conversations,
        host: acd.host,
        logger: acd.h.ari.logger,
      });
      return [routes, recording.routes, transfers.routes];
    });
    loop = await startFactsLoop({ db: api.db, redis, kinds: [supervisorEventKind], name: 'sup1' });
    pipeline = loop.pipeline;
    await acd.h.sim.control.setEndpoint('PJSIP/supervisor1', { behaviour: 'answer', answerAfterMs: 100 });
  });
  after(async () => {
    await loop?.close();
    await redis?.cleanup();
    await api?.close();
    await acd?.close();
  });

  it('a listen session lands as typed supervisor_events rows, once each', async () => {
    const c = await acd.connect({ agent: 'agent1', queue: 'ho-tro' });
    const s = await api.json('/api/v1/supervision', {
      method: 'POST',
      key: api.keys.supervisor,
      body: JSON.stringify({ agent: 'agent1', mode: 'listen', endpoint: 'PJSIP/supervisor1' }),
    });
    expect(s.status).to.equal(201);
    await api.json(`/api/v1/supervision/${s.body.sessionId}`, {
      method: 'PATCH',
      key: api.keys.supervisor,
      body: JSON.stringify({ mode: 'whisper' }),
    });
    await acd.h.sim.control.remoteHangup(c.caller.channelId);
    await c.ended;
    const rows = (await eventually(async () => {
      const r = await api.db.knex('supervisor_events').select('*');
      return r.length === 3 ? r : undefined;
    }, 'three rows'))!;
    expect(rows.map((r) => `${r.action}:${r.mode}`)).to.have.members([
      'start:listen',
      'mode:whisper',
      'stop:whisper',
    ]);
    const stop = rows.find((r) => r.action === 'stop')!;
    expect(stop).to.include({
      session_id: s.body.sessionId,
      agent: 'agent1',
      queue: 'ho-tro',
      reason: 'conversation_ended',
      supervisor_endpoint: 'PJSIP/supervisor1',
      call_id: c.caller.callId,
    });
    expect(Number(stop.seconds)).to.be.greaterThan(0);
    const daily = await api.db.knex('supervision_daily').first();
    expect(daily).to.include({ agent: 'agent1' });
    expect(Number(daily.sessions)).to.equal(1);
    await eventually(() => pipeline.outbox.size === 0, 'outbox settled');
    await acd.expectNoLeaks();
  });

  it('every recording, supervision and transfer route is in /openapi.json with its roles', async () => {
    const res = await api.request('/openapi.json');
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(paths).to.include.members([
      'get /api/v1/recordings',
      'get /api/v1/recordings/{id}',
      'get /api/v1/recordings/{id}/file',
      'post /api/v1/recordings/live/{conversationId}/pause',
      'post /api/v1/recordings/live/{conversationId}/resume',
      'post /api/v1/recordings/purge',
      'post /api/v1/supervision',
      'patch /api/v1/supervision/{sessionId}',
      'delete /api/v1/supervision/{sessionId}',
      'post /api/v1/transfers',
      'post /api/v1/transfers/{transferId}/complete',
      'post /api/v1/transfers/{transferId}/cancel',
      'post /api/v1/transfers/{transferId}/conference',
    ]);
  });
});
