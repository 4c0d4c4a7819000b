import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createAcd, type AcdModule } from '../../src/acd/index.js';
import { CallRecorder } from '../../src/cdr/recorder.js';
import type { CallRecord } from '../../src/cdr/record.js';
import { silentLogger } from '../../src/log/index.js';
import { type AriHarness, eventually, startAriHarness } from '../helpers/ari.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { engineRedis, MemorySink } from './harness.js';

const ConfigYaml = `
pauseReasons:
  - { code: prayer, label: Namaz, productive: false }
queues:
  - id: ho-tro
    name: Hỗ trợ khách hàng
    strategy: skills
    wrapupSeconds: 0
    announceEverySeconds: 0
agents:
  - id: lan
    name: Nguyễn Thị Lan
    endpoint: PJSIP/agent1
    skills: { vi: 9 }
    login: [{ queue: ho-tro }]
  - id: dariush
    name: داریوش
    endpoint: PJSIP/agent2
    skills: { fa: 9 }
    login: [{ queue: ho-tro }]
`;

describe('acd: createAcd as the engine wires it (config file, Postgres, call records)', function () {
  this.timeout(120_000);
  let h: AriHarness;
  let db: TestDatabase;
  let redis: TestRedis;
  let module: AcdModule;
  let dir: string;
  const client = engineRedis();
  const records: CallRecord[] = [];

  before(async () => {
    h = await startAriHarness();
    db = await createTestDatabase();
    redis = await createTestRedis();
    await client.connect();
    dir = mkdtempSync(join(tmpdir(), 'tongdai-acd-config-'));
    writeFileSync(join(dir, 'acd.yaml'), ConfigYaml);
    module = await createAcd({
      redis: client,
      prefix: redis.prefix,
      engine: 'hcm-1',
      app: h.ari.app,
      facts: new MemorySink(),
      logger: silentLogger(),
      db: db.knex,
      configFile: join(dir, 'acd.yaml'),
      dispatchIntervalMs: 50,
    });
    const recorder = new CallRecorder(h.ari, (r) => records.push(r), silentLogger(), 50);
    module.attach(h.ari, recorder);
    for (const n of [1, 2])
      await h.sim.control.setEndpoint(`PJSIP/agent${n}`, {
        behaviour: 'answer',
        answerAfterMs: 100,
        hangupAfterMs: 200,
      });
  });
  after(async () => {
    await module?.close();
    client.disconnect();
    await redis?.cleanup();
    await db?.drop();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds Postgres from the file, logs agents in, routes by skill and fills the call records', async () => {
    const { acd } = module;
    expect((await db.knex('acd_queues').select('id')).map((r: { id: string }) => r.id)).to.deep.equal([
      'ho-tro',
    ]);
    expect(await db.knex('acd_pause_reasons').where({ code: 'prayer' }).first()).to.include({
      label: 'Namaz',
    });
    expect((await acd.live.agent('dariush'))!.state).to.equal('available');
    h.ari.onCall(async (call) => {
      await acd.enter(call, { queue: 'ho-tro', priority: 0, language: 'fa', skills: { fa: 5 } });
      await call.hangup();
    });
    const { channelId } = await h.sim.control.placeCall({ from: '+982188776655', to: '02188000000' });
    const record = await eventually(
      () => records.find((r) => r.channelId === channelId),
      'caller record',
      20_000,
    );
    expect(record).to.include({ queue: 'ho-tro', agent: 'dariush' });
    expect(record!.waitSeconds).to.be.greaterThan(0);
    const types = record!.events.map((e) => e.type);
    expect(types).to.include.members(['queue_join', 'agent_connect', 'queue_leave']);
    const agentLeg = await eventually(
      () => records.find((r) => r.parentCallId === record!.callId),
      'agent leg',
    );
    expect(agentLeg).to.include({
      queue: 'ho-tro',
      agent: 'dariush',
      conversationId: record!.conversationId,
    });
  });
});
