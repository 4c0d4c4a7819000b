import { expect } from 'chai';
import { PgCallbackRequests, PgCustomerDirectory } from '../../src/ivr/customers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { type IvrHarness, startIvrHarness } from './harness.js';

const from = '+84901234567';
const to = '+842838220000';

const flow = {
  id: 'main',
  start: 'who',
  nodes: {
    who: { type: 'lookup', vipPriority: 95, found: 'crm', vip: 'vip', notFound: 'crm' },
    vip: { type: 'classify', purpose: 'support', next: 'crm' },
    crm: {
      type: 'http',
      url: 'http://crm.test/lookup?caller={caller}',
      timeoutMs: 300,
      variable: 'crm',
      next: 'agent',
      fallback: 'agent',
    },
    agent: {
      type: 'endpoint',
      endpoint: 'PJSIP/agent9',
      ringTimeoutSeconds: 1,
      next: 'bye',
      noAnswer: 'later',
    },
    later: { type: 'callback', prompt: 'sound:auth-thankyou' },
    bye: { type: 'hangup' },
  },
};

describe('ivr: lookup, data dip, endpoint and callback nodes (Postgres, simulator)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let x: IvrHarness;
  let crm: () => Promise<Response>;
  before(async () => {
    db = await createTestDatabase();
    await db.knex('customers').insert([
      { phone: '+84909999999', name: 'Trần Thị B', tags: ['gold', 'hcm'], vip: true, language: 'vi' },
      { phone: from, name: 'Nguyễn Văn A', tags: [], vip: false },
    ]);
  });
  after(async () => db?.drop());
  beforeEach(async () => {
    crm = async () => Response.json({ tier: 'gold', open: 2, nested: { skipped: true } });
    x = await startIvrHarness({
      customers: new PgCustomerDirectory(db.knex),
      callbacks: new PgCallbackRequests(db.knex),
      fetch: (() => crm()) as typeof fetch,
    });
    x.serve([flow], 'main');
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  it('customers and callback_requests carry a comment on the table and every column', async () => {
    for (const table of ['customers', 'callback_requests', 'ivr_flow_versions', 'ivr_node_stats']) {
      const r = await db.knex.raw(
        `SELECT obj_description(?::regclass) AS t,
                count(*) FILTER (WHERE col_description(a.attrelid, a.attnum) IS NULL) AS missing
           FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        [table, table],
      );
      expect(r.rows[0].t, table).to.be.a('string');
      expect(Number(r.rows[0].missing), table).to.equal(0);
    }
  });

  it('a VIP from the customers table gets priority; the agent endpoint answers and hangs up → next', async () => {
    await x.h.sim.control.setEndpoint('PJSIP/agent9', {
      behaviour: 'answer',
      answerAfterMs: 100,
      hangupAfterMs: 300,
    });
    const r = await x.call({ from: '+84909999999', to });
    expect(r.path).to.deep.equal(['who:vip', 'vip:next', 'crm:next', 'agent:next', 'bye:end']);
    expect(x.annotations.get(r.channelId)).to.deep.equal({
      priority: 95,
      purpose: 'support',
      agent: 'PJSIP/agent9',
    });
    expect(x.visits.find((v) => v.nodeId === 'who')!.detail).to.deep.equal({
      vip: true,
      tags: ['gold', 'hcm'],
    });
  });

  it('CRM non-2xx → fallback; agent that never answers → noAnswer → callback row stored', async () => {
    crm = async () => new Response('down', { status: 503 });
    await x.h.sim.control.setEndpoint('PJSIP/agent9', { behaviour: 'noanswer' });
    const r = await x.call({ from, to });
    expect(r.path).to.deep.equal(['who:found', 'crm:fallback', 'agent:noAnswer', 'later:next']);
    expect(x.visits.find((v) => v.nodeId === 'crm')!.detail).to.deep.equal({ fallbackReason: 'HTTP 503' });
    const rows = await db.knex('callback_requests').where({ phone: from });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ flow_id: 'main', node_id: 'later', status: 'pending', language: 'en' });
    expect(x.annotations.get(r.channelId)).to.include({ disposition: 'callback_requested' });
  });

  it('CRM answering something other than a JSON object → fallback; an unknown endpoint → noAnswer', async () => {
    crm = async () => Response.json([1, 2]);
    await x.h.sim.control.removeEndpoint('PJSIP/agent9');
    const r = await x.call({ from: '+14155550100', to });
    expect(r.path).to.deep.equal(['who:notFound', 'crm:fallback', 'agent:noAnswer', 'later:next']);
  });

  it('a caller hanging up while the agent rings: the agent leg is cancelled, no bridge, no claim left', async () => {
    await x.h.sim.control.setEndpoint('PJSIP/agent9', { behaviour: 'answer', answerAfterMs: 5000 });
    x.onEnter('agent', (id) => void setTimeout(() => void x.h.sim.control.remoteHangup(id), 200));
    const r = await x.call({ from, to });
    expect(r.path.at(-1)).to.equal('agent:hangup');
  });

  it('a caller hanging up while talking to the agent: the agent is hung up and the bridge destroyed', async () => {
    await x.h.sim.control.setEndpoint('PJSIP/agent9', { behaviour: 'answer', answerAfterMs: 100 });
    x.onEnter('agent', (id) => void setTimeout(() => void x.h.sim.control.remoteHangup(id), 800));
    const r = await x.call({ from, to });
    expect(r.path.at(-1)).to.equal('agent:hangup');
    expect(x.annotations.get(r.channelId)).to.include({ agent: 'PJSIP/agent9' });
  });
});
