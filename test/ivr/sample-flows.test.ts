import { expect } from 'chai';
import type { CallbackRequest, Customer } from '../../src/ivr/context.js';
import { eventually, sleep } from '../helpers/ari.js';
import { type IvrHarness, startIvrHarness } from './harness.js';

/** Mon 23 Nov 2026 10:00 in Saigon; Sun 22 Nov 2026 10:00; Tết 2027 (8 Feb) 10:00. */
const Open = new Date('2026-11-23T03:00:00Z');
const Sunday = new Date('2026-11-22T03:00:00Z');
const Tet = new Date('2027-02-08T03:00:00Z');

const did = '+842838220000';
const caller = '+84901234567';
const vipCaller = '+84909999999';

describe('ivr: sample flows (flows/) driven through the simulator', function () {
  this.timeout(90_000);
  let x: IvrHarness;
  let now: Date;
  let callbacks: CallbackRequest[];
  let crm: (url: string, init?: RequestInit) => Promise<Response>;
  const customers: Customer[] = [
    { phone: vipCaller, name: 'Trần Thị B', tags: ['gold'], vip: true, language: 'vi' },
  ];

  beforeEach(async () => {
    now = Open;
    callbacks = [];
    crm = async () => Response.json({ tier: 'gold', balance: 120 });
    x = await startIvrHarness({
      now: () => now,
      fetch: ((url: string, init?: RequestInit) => crm(url, init)) as typeof fetch,
      customers: { findByPhone: async (phone) => customers.find((c) => c.phone === phone) },
      callbacks: { request: async (r) => void callbacks.push(r) },
    });
    await x.serveFolder('flows');
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  const agentHangsUp = (endpoint: string) =>
    x.h.sim.control.setEndpoint(endpoint, { behaviour: 'answer', answerAfterMs: 200, hangupAfterMs: 300 });

  it('English → sales → first agent answers and hangs up → thanks → goodbye', async () => {
    await agentHangsUp('PJSIP/agent1');
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
      'thanks:next',
      'bye:end',
    ]);
    expect(x.annotations.get(r.channelId)).to.deep.equal({
      purpose: 'sales',
      priority: 50,
      queue: 'sales',
      agent: 'PJSIP/agent1',
    });
  });

  it('a VIP caller gets priority 90 in the support queue; a busy first agent is skipped', async () => {
    await x.h.sim.control.setEndpoint('PJSIP/agent3', { behaviour: 'busy' });
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
    expect(r.path).to.deep.equal([
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
      'thanks:next',
      'bye:end',
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

  it('complaints with every agent busy → callback offered → request stored, disposition callback_requested', async () => {
    for (const a of ['PJSIP/agent6', 'PJSIP/agent7'])
      await x.h.sim.control.setEndpoint(a, { behaviour: 'busy' });
    x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '1'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '14' }] });
    expect(r.path.slice(-4)).to.deep.equal([
      'complaint:next',
      'queue_complaints:noAnswer',
      'busy:1',
      'callback:next',
    ]);
    expect(callbacks).to.have.length(1);
    expect(callbacks[0]).to.include({
      phone: caller,
      did,
      flowId: 'main',
      nodeId: 'callback',
      purpose: 'complaint',
      priority: 70,
      language: 'vi',
    });
    expect(x.annotations.get(r.channelId)).to.include({
      disposition: 'callback_requested',
      queue: 'complaints',
    });
  });

  it('language menu: silence → Vietnamese by default; invalid keys → Vietnamese; purpose retries exhausted → busy → goodbye', async () => {
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
    ]);
    expect(
      x.visits.find((v) => v.channelId === r.channelId && v.nodeId === 'purpose_menu')!.detail,
    ).to.deep.equal({
      key: '6',
      tries: 3,
    });
  });

  it('purpose menu: repeat key, then silence on every try → noInput → busy → goodbye', async () => {
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '3*' }] });
    expect(r.path.slice(-3)).to.deep.equal(['purpose_menu:noInput', 'busy:noInput', 'bye:end']);
  });

  it('closed (Sunday) → after-hours menu → call back; silence there → goodbye', async () => {
    now = Sunday;
    x.onEnter('after_hours', (id) => x.h.sim.control.sendDtmf(id, '1'));
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(r.path.slice(-3)).to.deep.equal(['office_hours:closed', 'after_hours:1', 'callback:next']);
    expect(callbacks).to.have.length(1);
    x.onEnter('after_hours', () => undefined);
    const quiet = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '3' }] });
    expect(quiet.path.slice(-3)).to.deep.equal(['office_hours:closed', 'after_hours:noInput', 'bye:end']);
  });

  it('Tết → holiday notice → after-hours menu', async () => {
    now = Tet;
    const r = await x.call({ from: caller, to: did, script: [{ atMs: 200, dtmf: '1' }] });
    expect(r.path.slice(-4)).to.deep.equal([
      'office_hours:holiday',
      'holiday_notice:next',
      'after_hours:noInput',
      'bye:end',
    ]);
  });

  it('collect: account too short twice → noMatch leaves the sub-flow → billing queue nobody answers → busy', async () => {
    await x.h.sim.control.setEndpoint('PJSIP/agent5', { behaviour: 'busy' });
    const r = await x.call({
      from: caller,
      to: did,
      script: [
        { atMs: 200, dtmf: '13' },
        { atMs: 1500, dtmf: '12#' },
        { atMs: 6000, dtmf: '34#' },
      ],
    });
    expect(r.path.slice(-5)).to.deep.equal([
      'account:noMatch',
      'billing_account:next',
      'queue_billing:noAnswer',
      'busy:noInput',
      'bye:end',
    ]);
  });

  it('an unknown DID runs the default flow', async () => {
    const r = await x.call({ from: caller, to: '+4930123456', hangupAfterMs: 300 });
    expect(r.path).to.deep.equal(['welcome:hangup']);
    expect(x.visits.at(-1)!.flowId).to.equal('main');
  });

  describe('a hang-up at every node ends the call there, with nothing left behind', () => {
    /** How to reach each node: keys pressed, clock, endpoint behaviour, or a slow dependency. */
    const routes: Record<
      string,
      { dtmf?: string; at?: Date; setup?: () => Promise<void>; delayMs?: number }
    > = {
      welcome: {},
      customer: {},
      language_menu: {},
      lang_en: { dtmf: '3' },
      office_hours: { dtmf: '3' },
      holiday_notice: { dtmf: '3', at: Tet },
      after_hours: { dtmf: '3', at: Sunday },
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
      busy: {
        dtmf: '31',
        setup: async () =>
          void (
            await x.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'busy' }),
            await x.h.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' })
          ),
      },
      callback: {
        dtmf: '31',
        setup: async () =>
          void (
            await x.h.sim.control.setEndpoint('PJSIP/agent1', { behaviour: 'busy' }),
            await x.h.sim.control.setEndpoint('PJSIP/agent2', { behaviour: 'busy' }),
            x.onEnter('busy', (id) => x.h.sim.control.sendDtmf(id, '1'))
          ),
      },
      thanks: { dtmf: '31', setup: () => agentHangsUp('PJSIP/agent1') },
      bye: { dtmf: '31', setup: () => agentHangsUp('PJSIP/agent1') },
    };
    for (const [nodeId, route] of Object.entries(routes)) {
      it(`hang-up in ${nodeId}`, async () => {
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
          to: did,
          script: route.dtmf ? [{ atMs: 100, dtmf: route.dtmf }] : [],
        });
        release();
        expect(r.outcome.status).to.equal('hungup');
        const last = r.path.at(-1)!;
        const instant = ['lang_en', 'office_hours', 'sales', 'support', 'billing', 'complaint', 'crm_down'];
        if (instant.includes(nodeId)) expect(r.path.map((p) => p.split(':')[0])).to.include(nodeId);
        else if (nodeId === 'billing_account')
          expect(r.path.slice(-2)).to.deep.equal(['account:hangup', 'billing_account:hangup']);
        else if (nodeId === 'account' || nodeId === 'crm')
          expect(r.path.slice(-2)).to.deep.equal([`${nodeId}:hangup`, 'billing_account:hangup']);
        else expect(last).to.equal(`${nodeId}:hangup`);
        await eventually(async () => (await x.h.sim.control.state()).bridges.count === 0, 'bridges gone');
      });
    }
  });
});
