import { expect } from 'chai';
import type { QueueOutcome, QueueRequest, QueueService } from '../../src/acd/port.js';
import type { Call } from '../../src/ari/index.js';
import type { CallbackRequest } from '../../src/ivr/context.js';
import { FlowRegistry } from '../../src/ivr/registry.js';
import { MemoryFlowVersionStore } from '../../src/ivr/store.js';
import { validateFlow } from '../../src/ivr/validate.js';
import { surveyDocument } from '../../src/surveys/schema.js';
import { sleep } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type IvrHarness, startIvrHarness } from './harness.js';
import { memoryFacts, useInbound } from './inbound.js';

/**
 * The queue node with the ACD seam (QueueService from src/acd/port.ts): the ACD decides, the node
 * maps its outcome to branches. A scripted QueueService stands in for the ACD here; the ACD's own
 * tests cover what happens inside the queue.
 */
class ScriptedQueues implements QueueService {
  readonly requests: Array<QueueRequest & { callId: string }> = [];
  constructor(
    private readonly queues: Set<string>,
    public outcome: (q: QueueRequest, call: Call) => Promise<QueueOutcome> | QueueOutcome,
  ) {}
  has(queue: string): boolean {
    return this.queues.has(queue);
  }
  async enter(call: Call, request: QueueRequest): Promise<QueueOutcome> {
    this.requests.push({ ...request, callId: call.callId });
    return this.outcome(request, call);
  }
}

const flow = {
  id: 'acd',
  language: 'fa',
  start: 'complaint',
  nodes: {
    complaint: { type: 'classify', purpose: 'billing', priority: 60, next: 'queue' },
    queue: {
      type: 'queue',
      queue: 'billing',
      priority: 40,
      skills: { persian: 3, billing: 2 },
      next: 'survey',
      noAnswer: 'sorry',
      overflow: 'after_overflow',
    },
    survey: { type: 'survey', survey: 'quick', next: 'bye' },
    sorry: { type: 'play', media: 'sound:tt-allbusy', next: 'bye' },
    after_overflow: { type: 'play', media: 'sound:auth-thankyou', next: 'bye' },
    bye: { type: 'hangup' },
  },
};
const other = {
  id: 'overflow_flow',
  start: 'notice',
  nodes: { notice: { type: 'play', media: 'sound:queue-thankyou' } },
};
const quick = surveyDocument.parse({
  id: 'quick',
  questions: [{ id: 'csat', type: 'csat', prompt: 'digits:5' }],
});

describe('ivr: the queue node with the ACD (QueueService)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let x: IvrHarness;
  let acd: ScriptedQueues;
  let callbacks: CallbackRequest[];
  let facts: ReturnType<typeof memoryFacts>;
  const caller = '+989121234567';

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    callbacks = [];
    facts = memoryFacts();
    acd = new ScriptedQueues(new Set(['billing', 'billing_overflow']), () => ({ result: 'timeout' }));
    x = await startIvrHarness({ callbacks: { request: async (r) => void callbacks.push(r) } });
    x.services.queues = acd;
    const inbound = useInbound(x, db.knex, facts);
    await inbound.voicemail.putBox({
      boxId: 'billing',
      name: 'Billing',
      language: 'fa',
      greeting: null,
      ownerType: 'queue',
      ownerId: 'billing',
      maxMessageSeconds: 60,
    });
    x.serve([flow, other], 'acd', [quick]);
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  it('answered → next after the conversation; the request carries priority, skills, purpose, caller and language', async () => {
    acd.outcome = async () => {
      await sleep(100);
      return { result: 'answered', agent: 'agent-7', conversationId: '0b6a3c9e-6a63-4c4f-9d43-5f3f0f5a2b11' };
    };
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '4'));
    const r = await x.call({ from: caller, to: '+982188776655', language: 'fa' });
    expect(r.path).to.deep.equal(['complaint:next', 'queue:next', 'survey:next', 'bye:end']);
    expect(acd.requests).to.have.length(1);
    const { callId, ...request } = acd.requests[0]!;
    expect(request).to.deep.equal({
      queue: 'billing',
      priority: 60,
      skills: { persian: 3, billing: 2 },
      purpose: 'billing',
      customerPhone: caller,
      language: 'fa',
    });
    expect(x.annotations.get(r.channelId)).to.include({ queue: 'billing', agent: 'agent-7' });
    expect(facts.facts[0]!.data).to.include({
      call_id: callId,
      conversation_id: '0b6a3c9e-6a63-4c4f-9d43-5f3f0f5a2b11',
      queue: 'billing',
      agent: 'agent-7',
      answer: 4,
    });
  });

  for (const result of ['timeout', 'full', 'no_agents'] as const)
    it(`${result} → noAnswer`, async () => {
      acd.outcome = () => ({ result });
      const r = await x.call({ from: caller, to: '+982188776655' });
      expect(r.path).to.deep.equal(['complaint:next', 'queue:noAnswer', 'sorry:next', 'bye:end']);
      expect(x.visits.find((v) => v.nodeId === 'queue')!.detail).to.include({ result });
    });

  it('overflow to another queue → enters it (same priority) → answered there', async () => {
    acd.outcome = (q) =>
      q.queue === 'billing'
        ? { result: 'overflow', destination: { type: 'queue', queue: 'billing_overflow' } }
        : { result: 'answered', agent: 'agent-9', conversationId: '7c0e1d22-18c4-4a57-8f2e-2e0fd3f1a0aa' };
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '5'));
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.path).to.include('queue:next');
    expect(acd.requests.map((q) => `${q.queue}@${q.priority}`)).to.deep.equal([
      'billing@60',
      'billing_overflow@60',
    ]);
    expect(x.annotations.get(r.channelId)).to.include({ queue: 'billing_overflow', agent: 'agent-9' });
  });

  it('overflow loops between queues are cut after a few hops → noAnswer', async () => {
    acd.outcome = (q) => ({
      result: 'overflow',
      destination: { type: 'queue', queue: q.queue === 'billing' ? 'billing_overflow' : 'billing' },
    });
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.path).to.include('queue:noAnswer');
    expect(acd.requests).to.have.length(4);
  });

  it('overflow to voicemail → the message is recorded in that box → overflow branch', async () => {
    acd.outcome = () => ({ result: 'overflow', destination: { type: 'voicemail', box: 'billing' } });
    x.onEnter('queue', async (id) => {
      await sleep(300);
      await x.h.sim.control.sendDtmf(id, '*');
      await sleep(2500);
      await x.h.sim.control.sendDtmf(id, '#');
    });
    const r = await x.call({ from: caller, to: '+982188776655', language: 'fa' });
    expect(r.path).to.deep.equal(['complaint:next', 'queue:overflow', 'after_overflow:next', 'bye:end']);
    const [vm] = await db.knex('voicemails').where({ box_id: 'billing', caller_number: caller });
    expect(vm).to.include({ language: 'fa' });
    expect(x.annotations.get(r.channelId)).to.include({ disposition: 'voicemail' });
    expect((await db.knex('follow_ups').where({ call_id: vm.call_id })).map((f) => f.type)).to.deep.equal([
      'voicemail',
    ]);
  });

  it('overflow to a callback → a callback request and follow-up → overflow branch', async () => {
    acd.outcome = () => ({ result: 'overflow', destination: { type: 'callback' } });
    const r = await x.call({ from: '+989121110000', to: '+982188776655' });
    expect(r.path).to.deep.equal(['complaint:next', 'queue:overflow', 'after_overflow:next', 'bye:end']);
    expect(callbacks).to.have.length(1);
    expect(callbacks[0]).to.include({ phone: '+989121110000', purpose: 'billing', priority: 60 });
    expect(
      (await db.knex('follow_ups').where({ customer_phone: '+989121110000' })).map((f) => f.type),
    ).to.deep.equal(['callback']);
  });

  it('overflow to a flow → runs it → overflow branch', async () => {
    acd.outcome = () => ({ result: 'overflow', destination: { type: 'flow', flow: 'overflow_flow' } });
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.path).to.deep.equal([
      'complaint:next',
      'notice:next',
      'queue:overflow',
      'after_overflow:next',
      'bye:end',
    ]);
  });

  it('the ACD keeps the place for a callback → overflow branch, disposition callback_requested', async () => {
    acd.outcome = () => ({ result: 'callback', callbackId: 'cb-1' });
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.path).to.include('queue:overflow');
    expect(x.annotations.get(r.channelId)).to.include({ disposition: 'callback_requested' });
  });

  it('a caller who hangs up in the queue ends the visit by hangup', async () => {
    acd.outcome = async (_q, call) => {
      await call.whenEnded();
      return { result: 'hangup' };
    };
    x.onEnter('queue', (id) => x.h.sim.control.remoteHangup(id));
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.outcome.status).to.equal('hungup');
    expect(r.path).to.deep.equal(['complaint:next', 'queue:hangup']);
  });

  it("queues the ACD does not have are routing.yaml's: the sample folder loads with an empty ACD, and such a queue rings its endpoints", async () => {
    const registry = new FlowRegistry({
      store: new MemoryFlowVersionStore(),
      dir: 'flows',
      logger: x.h.ari.logger,
      sounds: async () => x.refs.sounds,
      acd: () => ({ has: () => false }),
    });
    expect((await registry.load()).refused).to.deep.equal([]);

    await x.h.sim.control.setEndpoint('PJSIP/agent1', {
      behaviour: 'answer',
      answerAfterMs: 200,
      hangupAfterMs: 300,
    });
    const mixed = { ...flow, nodes: { ...flow.nodes, queue: { ...flow.nodes.queue, queue: 'sales' } } };
    x.serve([mixed], 'acd', [quick]);
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '5'));
    const r = await x.call({ from: caller, to: '+982188776655' });
    expect(r.path).to.deep.equal(['complaint:next', 'queue:next', 'survey:next', 'bye:end']);
    expect(acd.requests).to.deep.equal([]);
    expect(x.annotations.get(r.channelId)).to.include({ queue: 'sales', agent: 'PJSIP/agent1' });
  });

  it('flow validation asks the ACD which queues exist', () => {
    const refs = { ...x.refs, acd: { has: (q: string) => q === 'billing_vip' } };
    const bad = structuredClone(flow) as typeof flow & { nodes: { queue: { queue: string } } };
    bad.nodes.queue.queue = 'nope';
    const r = validateFlow(bad, { ...refs, flows: new Set(), surveys: new Set(['quick']) });
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.errors).to.deep.equal([{ path: 'nodes.queue.queue', message: 'no queue "nope"' }]);
    const missing = validateFlow(
      { ...flow, nodes: { ...flow.nodes, survey: { type: 'survey', survey: 'gone', next: 'bye' } } },
      { ...refs, flows: new Set(), surveys: new Set(['quick']), boxes: new Set() },
    );
    expect(!missing.ok && missing.errors).to.deep.equal([
      { path: 'nodes.survey.survey', message: 'no survey "gone"' },
    ]);
  });
});
