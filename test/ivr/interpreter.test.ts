import { expect } from 'chai';
import { type IvrHarness, startIvrHarness } from './harness.js';

const from = '+84901234567';
const to = '+842838220000';

const menuFlow = {
  id: 'main',
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', media: 'sound:welcome', next: 'menu' },
    menu: {
      type: 'menu',
      prompt: ['sound:press-1', 'sound:press-2'],
      options: { '1': 'sales', '2': 'account' },
      firstDigitTimeoutMs: 400,
      retries: 1,
      invalidPrompt: 'sound:pbx-invalid',
      timeoutPrompt: 'sound:please-try-again',
      repeatKey: '*',
      noInput: 'bye',
      noMatch: 'bye',
    },
    sales: { type: 'classify', purpose: 'sales', priority: 10, next: 'bye' },
    account: {
      type: 'collect',
      prompt: 'sound:vm-login',
      variable: 'account',
      minLength: 4,
      maxLength: 6,
      terminator: '#',
      pattern: '^[0-9]+$',
      firstDigitTimeoutMs: 1000,
      interDigitTimeoutMs: 400,
      retries: 1,
      invalidPrompt: 'sound:pbx-invalid',
      mask: true,
      next: 'bye',
      noInput: 'bye',
      noMatch: 'bye',
    },
    bye: { type: 'hangup', prompt: 'sound:goodbye' },
  },
};

describe('ivr: interpreter on the simulator', function () {
  this.timeout(60_000);
  let x: IvrHarness;
  beforeEach(async () => {
    x = await startIvrHarness();
    x.serve([menuFlow], 'main');
  });
  afterEach(async () => x.close());

  it('walks play → menu → classify → hang-up, records each visit and annotates the call', async () => {
    const r = await x.call({ from, to, script: [{ atMs: 500, dtmf: '1' }] });
    expect(r.outcome.status).to.equal('completed');
    expect(r.path).to.deep.equal(['welcome:next', 'menu:1', 'sales:next', 'bye:end']);
    expect(x.annotations.get(r.channelId)).to.deep.equal({ purpose: 'sales', priority: 10 });
    const visit = x.visits.find((v) => v.nodeId === 'menu')!;
    expect(visit).to.include({ flowId: 'main', version: 1, type: 'menu' });
    expect(visit.detail).to.deep.equal({ key: '1', tries: 1 });
    await x.expectNoLeaks();
  });

  it('menu: invalid key then timeout exhausts retries → noInput; repeat key does not use a retry', async () => {
    const r = await x.call({
      from,
      to,
      script: [
        { atMs: 300, dtmf: '*' },
        { atMs: 2000, dtmf: '9' },
      ],
    });
    expect(r.path).to.deep.equal(['welcome:next', 'menu:noInput', 'bye:end']);
    expect(x.visits.find((v) => v.nodeId === 'menu')!.detail).to.deep.equal({ key: null, tries: 2 });
    await x.expectNoLeaks();
  });

  it('menu: invalid keys on every try → noMatch', async () => {
    const r = await x.call({
      from,
      to,
      script: [
        { atMs: 2100, dtmf: '7' },
        { atMs: 4500, dtmf: '8' },
      ],
    });
    expect(r.path).to.deep.equal(['welcome:next', 'menu:noMatch', 'bye:end']);
    await x.expectNoLeaks();
  });

  it('collect: terminator ends input; too short then good digits; the variable is set', async () => {
    const r = await x.call({
      from,
      to,
      script: [
        { atMs: 2100, dtmf: '2' },
        { atMs: 3500, dtmf: '12#' },
        { atMs: 8000, dtmf: '12345#' },
      ],
    });
    expect(r.path).to.deep.equal(['welcome:next', 'menu:2', 'account:next', 'bye:end']);
    expect(x.visits.find((v) => v.nodeId === 'account')!.detail).to.deep.equal({ length: 5, tries: 2 });
    await x.expectNoLeaks();
  });

  it('a caller hanging up mid-prompt ends the loop with branch "hangup" and leaves nothing behind', async () => {
    const r = await x.call({ from, to, hangupAfterMs: 1600 });
    expect(r.outcome.status).to.equal('hungup');
    expect(r.path).to.deep.equal(['welcome:next', 'menu:hangup']);
    await x.expectNoLeaks();
  });
});
