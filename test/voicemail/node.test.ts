import { expect } from 'chai';
import { sleep } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type IvrHarness, startIvrHarness } from '../ivr/harness.js';
import { memoryFacts, useInbound } from '../ivr/inbound.js';

/** The voicemail node on its own: limits, greetings, what Asterisk is asked, and a missing box. */
describe('voicemail: the flow node', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let x: IvrHarness;

  const flow = (node: Record<string, unknown>) => ({
    id: 'vm',
    language: 'vi',
    start: 'vm',
    nodes: {
      vm: { type: 'voicemail', next: 'saved', noMessage: 'none', ...node },
      saved: { type: 'play', media: 'sound:auth-thankyou' },
      none: { type: 'play', media: 'sound:vm-goodbye' },
    },
  });

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());
  beforeEach(async () => {
    x = await startIvrHarness();
    const s = useInbound(x, db.knex, memoryFacts());
    await s.voicemail.putBox({
      boxId: 'lan',
      name: 'Lan',
      language: 'vi',
      greeting: 'sound:tt-allbusy',
      ownerType: 'agent',
      ownerId: 'lan',
      maxMessageSeconds: 6,
    });
    await x.h.sim.control.clearRequests();
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  const recordRequests = async () =>
    (await x.h.sim.control.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/record'));
  const plays = async () =>
    (await x.h.sim.control.requests())
      .filter((r) => r.method === 'POST' && r.path.includes('/play'))
      .map((r) => String(r.query.media ?? (r.body as { media?: string })?.media));

  it("the box's greeting, a beep, the box's length limit: a caller who keeps talking is cut at 6 s", async () => {
    x.serve([flow({ box: 'lan', maxSeconds: 600 })], 'vm');
    const r = await x.call({ from: '+84901230001', to: '+842838220000', script: [{ atMs: 100, dtmf: '*' }] });
    expect(r.path).to.deep.equal(['vm:next', 'saved:next']);
    const [req] = await recordRequests();
    expect(req!.query).to.include({
      format: 'wav',
      beep: 'true',
      maxDurationSeconds: '6',
      maxSilenceSeconds: '5',
      terminateOn: '#',
      ifExists: 'overwrite',
    });
    expect(String(req!.query.name)).to.match(/^voicemail\/lan\/[0-9a-f-]{36}$/);
    expect((await plays())[0]).to.include('sound:tt-allbusy');
    const [vm] = await db.knex('voicemails').where({ caller_number: '+84901230001' });
    expect(Number(vm.duration_seconds)).to.equal(6);
    expect(x.visits[0]!.detail).to.include({ box: 'lan', seconds: 6 });
  });

  it("the node's own greeting and length, no beep", async () => {
    x.serve([flow({ box: 'lan', greeting: 'sound:vm-intro', beep: false, maxSeconds: 5 })], 'vm');
    x.onEnter('vm', async (id) => {
      await sleep(100);
      await x.h.sim.control.sendDtmf(id, '*');
    });
    const r = await x.call({ from: '+84901230002', to: '+842838220000' });
    expect(r.path).to.deep.equal(['vm:next', 'saved:next']);
    const [req] = await recordRequests();
    expect(req!.query).to.include({ beep: 'false', maxDurationSeconds: '5' });
    expect((await plays())[0]).to.include('sound:vm-intro');
  });

  it('a box that does not exist (deleted after the flow loaded) → noMessage, logged', async () => {
    x.serve([flow({ box: 'gone' })], 'vm');
    const r = await x.call({ from: '+84901230003', to: '+842838220000' });
    expect(r.path).to.deep.equal(['vm:noMessage', 'none:next']);
    expect(x.h.lines.some((l) => l.includes('voicemail box not found') && l.includes('gone'))).to.equal(true);
    expect(await recordRequests()).to.deep.equal([]);
  });

  it('a hang-up during the greeting records nothing', async () => {
    x.serve([flow({ box: 'lan' })], 'vm');
    x.onEnter('vm', async (id) => {
      await sleep(300);
      await x.h.sim.control.remoteHangup(id);
    });
    const r = await x.call({ from: '+84901230004', to: '+842838220000' });
    expect(r.path).to.deep.equal(['vm:hangup']);
    expect(await recordRequests()).to.deep.equal([]);
    expect(await db.knex('voicemails').where({ caller_number: '+84901230004' })).to.deep.equal([]);
  });
});
