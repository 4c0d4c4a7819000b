import { expect } from 'chai';
import type { CallbackRequest, Customer } from '../../src/ivr/context.js';
import { eventually, sleep } from '../helpers/ari.js';
import { type TestDatabase, createTestDatabase } from '../helpers/db.js';
import { type IvrHarness, startIvrHarness } from './harness.js';
import { memoryFacts, useInbound } from './inbound.js';

/** Mon 23 Nov 2026 10:00 in Saigon; Sun 22 Nov 2026 10:00; Tết 2027 (8 Feb) 10:00. */
const Open = new Date('2026-11-23T03:00:00Z');
const Sunday = new Date('2026-11-22T03:00:00Z');
const Tet = new Date('2027-02-08T03:00:00Z');

const did = '+842838220000';
const intlDid = '+982188776655';
const caller = '+84901234567';
const vipCaller = '+84909999999';
const tehranCaller = '+989121234567';

describe('ivr: sample flows (flows/) driven through the simulator', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let x: IvrHarness;
  let now: Date;
  let callbacks: CallbackRequest[];
  let facts: ReturnType<typeof memoryFacts>;
  let crm: (url: string, init?: RequestInit) => Promise<Response>;
  const customers: Customer[] = [
    { phone: vipCaller, name: 'Trần Thị B', tags: ['gold'], vip: true, language: 'vi' },
    { phone: '+84901110099', name: 'Nguyễn Văn C', tags: [], vip: false, language: 'vi' },
  ];

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    now = Open;
    callbacks = [];
    facts = memoryFacts();
    crm = async () => Response.json({ tier: 'gold', balance: 120 });
    x = await startIvrHarness({
      now: () => now,
      fetch: ((url: string, init?: RequestInit) => crm(url, init)) as typeof fetch,
      customers: { findByPhone: async (phone) => customers.find((c) => c.phone === phone) },
      callbacks: { request: async (r) => void callbacks.push(r) },
    });
    const inbound = useInbound(x, db.knex, facts);
    await x.serveFolder('flows', inbound.registry);
    // Callers who reach the survey answer it (tests about the survey script their own keys).
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '5101'));
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  const agentHangsUp = (endpoint: string) =>
    x.h.sim.control.setEndpoint(endpoint, { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 300 });
  const busy = async (...endpoints: string[]) => {
    for (const e of endpoints) await x.h.sim.control.setEndpoint(e, { behaviour: 'busy' });
  };
  const answersOf = (callId: string) =>
    facts.facts
      .filter((f) => f.data.call_id === callId)
      .map((f) => `${String(f.data.question_id)}=${String(f.data.answer)}`);
  const followUpsOf = async (phone: string) =>
    (await db.knex('follow_ups').where({ customer_phone: phone }).orderBy('created_at')).map(
      (f: { type: string }) => f.type,
    );

  it('English → sales → agent answers and hangs up → survey answered (CSAT 5, NPS 10, resolved) → goodbye', async () => {
    await agentHangsUp('PJSIP/agent1');
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '5101'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '31' }] });
    expect(r.outcome.status).to.equal('completed');
    expect(r.path).to.deep.equal([
      'welcome:next',
      'customer:notFound',
      'language_menu:3',
      'lang_en:next',
      'office_hours:open',
      'purpose_menu:1',
      'sales:next',
      'queue_sales:next',
      'survey:next',
      'bye:end',
      'service:end',
    ]);
    expect(x.annotations.get(r.channelId)).to.deep.equal({
      purpose: 'sales',
      priority: 50,
      queue: 'sales',
      agent: 'PJSIP/agent1',
    });
    const survey = x.visits.find((v) => v.channelId === r.channelId && v.nodeId === 'survey')!;
    expect(survey.detail).to.deep.equal({ survey: 'post_call', answered: 3, questions: 3 });
    expect(facts.facts).to.have.length(3);
    const [csat, nps, resolved] = facts.facts;
    expect(csat!.kind).to.equal('survey_response');
    expect(csat!.data).to.deep.include({
      survey_id: 'post_call',
      question_id: 'csat',
      question_type: 'csat',
      question_index: 1,
      questions_total: 3,
      answer: 5,
      tries: 1,
      language: 'en',
      queue: 'sales',
      agent: 'PJSIP/agent1',
    });
    expect(csat!.data.conversation_id).to.equal(csat!.data.call_id);
    expect(nps!.data).to.include({ question_id: 'nps', answer: 10 });
    expect(resolved!.data).to.include({ question_id: 'resolved', question_type: 'yes_no', answer: 1 });
    expect(new Set(facts.facts.map((f) => f.id)).size).to.equal(3);
  });

  it('survey: invalid keys are retried (CSAT 9 → 4; NPS 99 → 7#; resolved 2 = no)', async () => {
    await agentHangsUp('PJSIP/agent1');
    x.onEnter('survey', async (id) => {
      await x.h.sim.control.sendDtmf(id, '94');
      await sleep(300);
      await x.h.sim.control.sendDtmf(id, '99');
      await sleep(2500);
      await x.h.sim.control.sendDtmf(id, '7#2');
    });
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '31' }] });
    expect(r.path.slice(-3)).to.deep.equal(['survey:next', 'bye:end', 'service:end']);
    const callId = facts.facts[0]!.data.call_id as string;
    expect(answersOf(callId)).to.deep.equal(['csat=4', 'nps=7', 'resolved=0']);
    expect(facts.facts.map((f) => f.data.tries)).to.deep.equal([2, 2, 1]);
  });

  it('survey: silence after the first answer → retries exhausted → incomplete; the first answer is kept', async () => {
    await agentHangsUp('PJSIP/agent1');
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '3'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '31' }] });
    expect(r.path.slice(-3)).to.deep.equal(['survey:incomplete', 'bye:end', 'service:end']);
    expect(facts.facts.map((f) => `${f.data.question_id}=${f.data.answer}`)).to.deep.equal(['csat=3']);
    expect(x.visits.find((v) => v.channelId === r.channelId && v.nodeId === 'survey')!.detail).to.deep.equal({
      survey: 'post_call',
      answered: 1,
      questions: 3,
      stoppedAt: 'nps',
    });
  });

  it('survey: a caller who hangs up after the first question leaves that answer', async () => {
    await agentHangsUp('PJSIP/agent1');
    x.onEnter('survey', async (id) => {
      await x.h.sim.control.sendDtmf(id, '4');
      await eventually(() => facts.facts.length === 1, 'first answer');
      await x.h.sim.control.remoteHangup(id);
    });
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '31' }] });
    expect(r.outcome.status).to.equal('hungup');
    expect(r.path.slice(-2)).to.deep.equal(['survey:hangup', 'service:hangup']);
    expect(facts.facts.map((f) => `${f.data.question_id}=${f.data.answer}`)).to.deep.equal(['csat=4']);
  });

  it('a VIP caller gets priority 90 in the support queue; a busy first agent is skipped', async () => {
    await busy('PJSIP/agent3');
    await agentHangsUp('PJSIP/agent4');
    const r = await x.call({ from: vipCaller, to: did, script: [{ atMs: 200, dtmf: '12' }] });
    expect(r.path.slice(0, 3)).to.deep.equal(['welcome:next', 'customer:vip', 'language_menu:1']);
    expect(r.path).to.include('queue_support:next');
    expect(x.annotations.get(r.channelId)).to.include({
      queue: 'support',
      priority: 90,
      agent: 'PJSIP/agent4',
    });
  });

  it('the 24/7 line (Tehran caller, Persian) reaches support at any hour', async () => {
    now = Sunday;
    await agentHangsUp('PJSIP/agent3');
    const r = await x.call({ from: tehranCaller, to: intlDid, script: [{ atMs: 200, dtmf: '22' }] });
    expect(r.path.slice(0, 6)).to.deep.equal([
      'welcome:next',
      'customer:notFound',
      'language_menu:2',
      'lang_fa:next',
      'purpose_menu:2',
      'support:next',
    ]);
    expect(r.path).to.include('queue_support:next');
    expect(x.visits.find((v) => v.channelId === r.channelId)!.flowId).to.equal('intl');
  });

  it('intl: silence and invalid keys in the language menu → English', async () => {
    x.onEnter('purpose_menu', (id) => x.h.sim.control.remoteHangup(id));
    const silent = await x.call({ from: tehranCaller, to: intlDid });
    expect(silent.path.slice(2, 4)).to.deep.equal(['language_menu:noInput', 'lang_en:next']);
    const wrong = await x.call({
      from: tehranCaller,
      to: intlDid,
      script: [
        { atMs: 200, dtmf: '9' },
        { atMs: 2500, dtmf: '8' },
      ],
    });
    expect(wrong.path.slice(2, 4)).to.deep.equal(['language_menu:noMatch', 'lang_en:next']);
  });

  it('billing: account number (sub-flow), CRM answers → billing queue', async () => {
    await agentHangsUp('PJSIP/agent5');
    const asked: string[] = [];
    crm = async (url, init) => {
      asked.push(`${init?.method} ${url} ${String(init?.body)}`);
      return Response.json({ tier: 'gold' });
    };
    const r = await x.call({
      from: caller,
      to: did,
      script: [
        { atMs: 200, dtmf: '23' },
        { atMs: 1500, dtmf: '1234567#' },
      ],
    });
    expect(r.path.slice(0, 12)).to.deep.equal([
      'welcome:next',
      'customer:notFound',
      'language_menu:2',
      'lang_fa:next',
      'office_hours:open',
      'purpose_menu:3',
      'billing:next',
      'account:next',
      'crm:next',
      'billing_account:next',
      'queue_billing:next',
      'survey:next',
    ]);
    expect(asked).to.have.length(1);
    expect(asked[0]).to.match(/^POST http:\/\/127\.0\.0\.1:8090\/crm\/accounts\?caller=%2B84901234567 /);
    expect(JSON.parse(asked[0]!.split(' ').slice(2).join(' ')).vars).to.include({
      account: '1234567',
      purpose: 'billing',
    });
  });

  it('billing: a CRM that times out takes the fallback branch, logged, and still reaches billing', async () => {
    await agentHangsUp('PJSIP/agent5');
    crm = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const r = await x.call({
      from: caller,
      to: did,
      script: [
        { atMs: 200, dtmf: '13' },
        { atMs: 1500, dtmf: '7654321#' },
      ],
    });
    expect(r.path).to.include.members(['crm:fallback', 'crm_down:next', 'queue_billing:next']);
    expect(x.visits.find((v) => v.nodeId === 'crm')!.detail).to.deep.equal({
      fallbackReason: 'no answer within 1500 ms',
    });
    expect(
      x.h.lines.some(
        (l) => l.includes('IVR data dip failed, taking fallback') && l.includes('127.0.0.1:8090'),
      ),
    ).to.equal(true);
  });

  it('complaint: a follow-up opens at classification; every agent busy → call back → callback follow-up', async () => {
    const phone = '+84901110001';
    await busy('PJSIP/agent6', 'PJSIP/agent7');
    x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '1'));
    const r = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '14' }] });
    expect(r.path.slice(-5)).to.deep.equal([
      'complaint:next',
      'queue_complaints:noAnswer',
      'busy:1',
      'callback:next',
      'service:next',
    ]);
    expect(callbacks).to.have.length(1);
    expect(callbacks[0]).to.include({
      phone,
      did,
      flowId: 'service',
      nodeId: 'callback',
      purpose: 'complaint',
      priority: 70,
      language: 'vi',
    });
    expect(x.annotations.get(r.channelId)).to.include({
      disposition: 'callback_requested',
      queue: 'complaints',
    });
    expect(await followUpsOf(phone)).to.have.members(['complaint', 'callback']);
    const rows = await db.knex('follow_ups').where({ customer_phone: phone });
    expect(new Set(rows.map((f: { call_id: string }) => f.call_id)).size).to.equal(1);
    const complaint = rows.find((f: { type: string }) => f.type === 'complaint')!;
    const hours =
      (new Date(complaint.due_at).getTime() - new Date(complaint.created_at).getTime()) / 3600_000;
    expect(Math.round(hours)).to.equal(24);
    expect(complaint.status).to.equal('open');
  });

  it('busy → 2 → voicemail in the support box, ended with #; a voicemail follow-up opens', async () => {
    const phone = '+84901110002';
    await busy('PJSIP/agent1', 'PJSIP/agent2');
    x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '2'));
    x.onEnter('busy_voicemail', async (id) => {
      await sleep(100);
      await x.h.sim.control.sendDtmf(id, '*'); // skips the greeting
      await sleep(2600);
      await x.h.sim.control.sendDtmf(id, '#');
    });
    const r = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '11' }] });
    expect(r.path.slice(-4)).to.deep.equal(['busy:2', 'busy_voicemail:next', 'bye:end', 'service:end']);
    const [vm] = await db.knex('voicemails').where({ caller_number: phone });
    expect(vm).to.include({ box_id: 'support', language: 'vi' });
    expect(Number(vm.duration_seconds)).to.be.at.least(2);
    expect(vm.recording_name).to.equal(`voicemail/support/${vm.call_id}`);
    expect(await x.h.ari.stored.get(vm.recording_name)).to.include({
      name: vm.recording_name,
      format: 'wav',
    });
    expect(x.annotations.get(r.channelId)).to.include({ disposition: 'voicemail' });
    const [f] = await db.knex('follow_ups').where({ customer_phone: phone });
    expect(f).to.include({ type: 'voicemail', call_id: vm.call_id, source_ref: vm.id, status: 'open' });
    expect(Math.round((new Date(f.due_at).getTime() - new Date(f.created_at).getTime()) / 60_000)).to.equal(
      240,
    );
  });

  it('closed (Sunday) → after hours: silence → voicemail in reception; the caller hangs up to end the message', async () => {
    const phone = '+84901110003';
    now = Sunday;
    x.onEnter('after_hours_voicemail', async (id) => {
      await sleep(100);
      await x.h.sim.control.sendDtmf(id, '*');
      await sleep(2600);
      await x.h.sim.control.remoteHangup(id);
    });
    const r = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(r.outcome.status).to.equal('hungup');
    expect(r.path.slice(-3)).to.deep.equal([
      'office_hours:closed',
      'after_hours:noInput',
      'after_hours_voicemail:hangup',
    ]);
    const [vm] = await db.knex('voicemails').where({ caller_number: phone });
    expect(vm).to.include({ box_id: 'reception', language: 'en' });
    expect(Number(vm.duration_seconds)).to.be.at.least(2);
    expect(await followUpsOf(phone)).to.deep.equal(['voicemail']);
  });

  it('after hours: # at once → no message (too short, file deleted) → goodbye; 1 → call back', async () => {
    const phone = '+84901110004';
    now = Sunday;
    x.onEnter('after_hours_voicemail', async (id) => {
      await sleep(100);
      await x.h.sim.control.sendDtmf(id, '*');
      await sleep(400);
      await x.h.sim.control.sendDtmf(id, '#');
    });
    const r = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(r.path.slice(-3)).to.deep.equal([
      'after_hours:noInput',
      'after_hours_voicemail:noMessage',
      'bye:end',
    ]);
    expect(await db.knex('voicemails').where({ caller_number: phone })).to.have.length(0);
    const recordings = await x.h.ari.rest.call<Array<{ name: string }>>('recordings', 'listStored');
    expect(recordings.map((s) => s.name).filter((n) => n.startsWith('voicemail/'))).to.deep.equal([]);
    expect(await followUpsOf(phone)).to.deep.equal([]);

    x.onEnter('after_hours', (id) => x.h.sim.control.sendDtmf(id, '1'));
    const cb = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(cb.path.slice(-3)).to.deep.equal(['office_hours:closed', 'after_hours:1', 'callback:next']);
    expect(await followUpsOf(phone)).to.deep.equal(['callback']);
  });

  it('after hours: an invalid key → goodbye', async () => {
    now = Sunday;
    x.onEnter('after_hours', (id) => x.h.sim.control.sendDtmf(id, '9'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(r.path.slice(-2)).to.deep.equal(['after_hours:noMatch', 'bye:end']);
  });

  it('Tết → holiday notice → after hours → voicemail (# at once: no message)', async () => {
    now = Tet;
    x.onEnter('after_hours_voicemail', async (id) => {
      await sleep(100);
      await x.h.sim.control.sendDtmf(id, '*#');
    });
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '1' }] });
    expect(r.path.slice(-5)).to.deep.equal([
      'office_hours:holiday',
      'holiday_notice:next',
      'after_hours:noInput',
      'after_hours_voicemail:noMessage',
      'bye:end',
    ]);
  });

  it('language menu: silence → Vietnamese; invalid keys → Vietnamese; purpose retries exhausted → busy → goodbye', async () => {
    x.onEnter('purpose_menu', (id) => x.h.sim.control.remoteHangup(id));
    const silent = await x.call({ from: caller, to: did });
    x.onEnter('purpose_menu', () => undefined);
    expect(silent.path.slice(0, 4)).to.deep.equal([
      'welcome:next',
      'customer:notFound',
      'language_menu:noInput',
      'lang_vi:next',
    ]);
    const r = await x.call({
      from: caller,
      to: did,
      script: [
        { atMs: 200, dtmf: '99' },
        { atMs: 3000, dtmf: '8' },
        { atMs: 6000, dtmf: '7' },
        { atMs: 9000, dtmf: '6' },
      ],
    });
    expect(r.path).to.deep.equal([
      'welcome:next',
      'customer:notFound',
      'language_menu:noMatch',
      'lang_vi:next',
      'office_hours:open',
      'purpose_menu:noMatch',
      'busy:noInput',
      'bye:end',
      'service:end',
    ]);
    expect(
      x.visits.find((v) => v.channelId === r.channelId && v.nodeId === 'purpose_menu')!.detail,
    ).to.deep.equal({
      key: '6',
      tries: 3,
    });
  });

  it('purpose menu: repeat key, then silence on every try → noInput → busy: invalid key → goodbye', async () => {
    x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '7'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '3*' }] });
    expect(r.path.slice(-4)).to.deep.equal([
      'purpose_menu:noInput',
      'busy:noMatch',
      'bye:end',
      'service:end',
    ]);
  });

  it('collect: account too short twice → noMatch leaves the sub-flow → billing queue nobody answers → busy', async () => {
    await busy('PJSIP/agent5');
    const r = await x.call({
      from: caller,
      to: did,
      script: [
        { atMs: 200, dtmf: '13' },
        { atMs: 1500, dtmf: '12#' },
        { atMs: 6000, dtmf: '34#' },
      ],
    });
    expect(r.path.slice(-6)).to.deep.equal([
      'account:noMatch',
      'billing_account:next',
      'queue_billing:noAnswer',
      'busy:noInput',
      'bye:end',
      'service:end',
    ]);
  });

  it('collect: silence → noInput', async () => {
    x.onEnter('queue_billing', (id) => x.h.sim.control.remoteHangup(id));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '13' }] });
    expect(r.path).to.include('account:noInput');
  });

  it('the remaining branches: a known caller, English and Vietnamese on the 24/7 line, complaints answered', async () => {
    await agentHangsUp('PJSIP/agent6');
    const known = await x.call({ from: '+84901110099', to: did, script: [{ atMs: 200, dtmf: '14' }] });
    expect(known.path.slice(0, 3)).to.deep.equal(['welcome:next', 'customer:found', 'language_menu:1']);
    expect(known.path).to.include.members(['complaint:next', 'queue_complaints:next', 'survey:next']);
    x.onEnter('purpose_menu', (id) => x.h.sim.control.remoteHangup(id));
    const en = await x.call({ from: tehranCaller, to: intlDid, script: [{ atMs: 200, dtmf: '1' }] });
    expect(en.path.slice(2, 4)).to.deep.equal(['language_menu:1', 'lang_en:next']);
    const vi = await x.call({ from: tehranCaller, to: intlDid, script: [{ atMs: 200, dtmf: '3' }] });
    expect(vi.path.slice(2, 4)).to.deep.equal(['language_menu:3', 'lang_vi:next']);
  });

  it('after hours: 2 → a message ended with # → saved prompt → goodbye', async () => {
    const phone = '+84901110005';
    now = Sunday;
    x.onEnter('after_hours', (id) => x.h.sim.control.sendDtmf(id, '2*'));
    x.onEnter('after_hours_voicemail', async (id) => {
      await sleep(2800);
      await x.h.sim.control.sendDtmf(id, '#');
    });
    const r = await x.call({ from: phone, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(r.path.slice(-3)).to.deep.equal(['after_hours:2', 'after_hours_voicemail:next', 'bye:end']);
    expect(await db.knex('voicemails').where({ caller_number: phone, box_id: 'reception' })).to.have.length(
      1,
    );
  });

  it('busy → 2 → # at once: no message → goodbye', async () => {
    await busy('PJSIP/agent3', 'PJSIP/agent4');
    x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '2*'));
    x.onEnter('busy_voicemail', async (id) => {
      await sleep(400);
      await x.h.sim.control.sendDtmf(id, '#');
    });
    const r = await x.call({ from: '+84901110006', to: did, script: [{ atMs: 200, dtmf: '12' }] });
    expect(r.path.slice(-4)).to.deep.equal(['busy:2', 'busy_voicemail:noMessage', 'bye:end', 'service:end']);
  });

  it('an unknown DID runs the default flow', async () => {
    const r = await x.call({ from: caller, to: '+4930123456', hangupAfterMs: 300 });
    expect(r.path).to.deep.equal(['welcome:hangup']);
    expect(x.visits.at(-1)!.flowId).to.equal('main');
  });

  describe('a hang-up at every node ends the call there, with nothing left behind', () => {
    type Route = { dtmf?: string; to?: string; at?: Date; setup?: () => Promise<void>; delayMs?: number };
    const closedMenu = () => x.onEnter('after_hours', (id) => x.h.sim.control.sendDtmf(id, '1'));
    const agentsBusy = () => busy('PJSIP/agent1', 'PJSIP/agent2');
    /** How to reach each node: keys pressed, clock, endpoint behaviour, or a slow dependency. */
    const routes: Record<string, Route> = {
      welcome: {},
      customer: {},
      language_menu: {},
      lang_en: { dtmf: '3' },
      office_hours: { dtmf: '3' },
      holiday_notice: { dtmf: '3', at: Tet },
      after_hours: { dtmf: '3', at: Sunday },
      after_hours_voicemail: { dtmf: '3', at: Sunday, delayMs: 3400 },
      callback: { dtmf: '3', at: Sunday, setup: async () => closedMenu() },
      service: { dtmf: '3' },
      purpose_menu: { dtmf: '3' },
      sales: { dtmf: '31' },
      support: { dtmf: '32' },
      billing: { dtmf: '33' },
      complaint: { dtmf: '34' },
      billing_account: { dtmf: '33' },
      account: { dtmf: '33' },
      crm: { dtmf: '331234567#' },
      crm_down: { dtmf: '331234567#' },
      queue_sales: { dtmf: '31' },
      queue_support: { dtmf: '32' },
      queue_billing: { dtmf: '33', delayMs: 100 },
      queue_complaints: { dtmf: '34' },
      busy: { dtmf: '31', setup: agentsBusy },
      'service.callback': {
        dtmf: '31',
        setup: async () => {
          await agentsBusy();
          x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '1'));
        },
      },
      busy_voicemail: {
        dtmf: '31',
        delayMs: 3400,
        setup: async () => {
          await agentsBusy();
          x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '2'));
        },
      },
      survey: { dtmf: '31', setup: () => agentHangsUp('PJSIP/agent1') },
      bye: { dtmf: '31', setup: () => agentHangsUp('PJSIP/agent1') },
      'intl.welcome': { to: intlDid },
      'intl.customer': { to: intlDid },
      'intl.language_menu': { to: intlDid },
      'intl.lang_fa': { to: intlDid, dtmf: '2' },
      'intl.service': { to: intlDid, dtmf: '2' },
    };
    for (const [key, route] of Object.entries(routes)) {
      const nodeId = key.includes('.') ? key.split('.')[1]! : key;
      it(`hang-up in ${key}`, async () => {
        now = route.at ?? Open;
        await route.setup?.();
        // Instant nodes (lookup, language, classify, hours, sub-flow) finish before a hang-up can land;
        // slow dependencies stand in so the caller leaves while the node itself is running.
        let release = () => {};
        if (nodeId === 'customer' || nodeId === 'crm') {
          const gate = new Promise<void>((r) => (release = r));
          if (nodeId === 'customer')
            x.services.customers = { findByPhone: async () => (await gate, undefined) };
        }
        if (nodeId === 'crm_down') crm = async () => Promise.reject(new Error('connection refused'));
        if (nodeId === 'crm')
          crm = (_u, init) =>
            new Promise((_r, reject) =>
              init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
            );
        x.onEnter(nodeId, async (id) => {
          await sleep(route.delayMs ?? 50);
          await x.h.sim.control.remoteHangup(id);
        });
        const r = await x.call({
          from: caller,
          to: route.to ?? did,
          script: route.dtmf ? [{ atMs: 100, dtmf: route.dtmf }] : [],
        });
        release();
        expect(r.outcome.status).to.equal('hungup');
        const nodes = r.path.map((p) => p.split(':')[0]);
        const last = r.path.at(-1)!;
        const instant = [
          'lang_en',
          'lang_fa',
          'office_hours',
          'sales',
          'support',
          'billing',
          'complaint',
          'crm_down',
        ];
        const inService =
          ![
            'welcome',
            'customer',
            'language_menu',
            'lang_en',
            'lang_fa',
            'office_hours',
            'holiday_notice',
            'after_hours',
            'after_hours_voicemail',
            'service',
          ].includes(nodeId) && key !== 'callback';
        const inBilling = ['account', 'crm', 'crm_down'].includes(nodeId);
        if (instant.includes(nodeId) || nodeId === 'service') expect(nodes).to.include(nodeId);
        else if (inBilling)
          expect(r.path.slice(-3)).to.deep.equal([
            `${nodeId}:hangup`,
            'billing_account:hangup',
            'service:hangup',
          ]);
        else if (inService) expect(r.path.slice(-2)).to.deep.equal([`${nodeId}:hangup`, 'service:hangup']);
        else expect(last).to.equal(`${nodeId}:hangup`);
        // Nothing was recorded as a message by a caller who left during the greeting.
        await eventually(async () => (await x.h.sim.control.state()).bridges.count === 0, 'bridges gone');
      });
    }
  });
});
