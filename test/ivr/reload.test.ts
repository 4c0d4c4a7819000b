import { expect } from 'chai';
import { eventually } from '../helpers/ari.js';
import { type IvrHarness, startIvrHarness } from './harness.js';

describe('ivr: reload while calls are up', function () {
  this.timeout(60_000);
  let x: IvrHarness;
  beforeEach(async () => {
    x = await startIvrHarness({
      now: () => new Date('2026-11-23T03:00:00Z'),
      fetch: (async () => Response.json({ tier: 'gold' })) as typeof fetch,
    });
    await x.h.sim.control.setEndpoint('PJSIP/agent5', {
      behaviour: 'answer',
      answerAfterMs: 200,
      hangupAfterMs: 300,
    });
  });
  afterEach(async () => {
    await x.expectNoLeaks();
    await x.close();
  });

  it('a call finishes on the version it started with (sub-flows too); the next call takes the new one', async () => {
    const registry = await x.serveFolder('flows');
    x.onEnter('survey', (id) => x.h.sim.control.sendDtmf(id, '5101'));
    const first = x.h.sim.control.placeCall({
      from: '+84901234567',
      to: '+842838220000',
      script: [{ atMs: 200, dtmf: '33' }],
    });
    const { channelId } = await first;
    await eventually(
      () => x.visits.some((v) => v.channelId === channelId && v.nodeId === 'purpose_menu'),
      'first call in the purpose menu',
    );

    // Version 2 of both flows: billing no longer asks for the account, main says so in its description.
    const billing = registry.flow('billing')!.document;
    await registry.put({ ...billing, start: 'crm' }, { changedBy: 'test' });
    await registry.put({ ...registry.flow('main')!.document, description: 'v2' }, { changedBy: 'test' });
    expect(registry.snapshot().get('main')!.version).to.equal(2);

    await x.h.sim.control.sendDtmf(channelId, '1234567#');
    await eventually(() => x.outcomes.get(channelId), 'first call done', 30_000);
    const firstVisits = x.visits.filter((v) => v.channelId === channelId);
    expect(new Set(firstVisits.map((v) => `${v.flowId}@${v.version}`))).to.deep.equal(
      new Set(['main@1', 'service@1', 'billing@1']),
    );
    expect(firstVisits.map((v) => v.nodeId)).to.include('account');

    const second = await x.call({
      from: '+84901234567',
      to: '+842838220000',
      script: [{ atMs: 200, dtmf: '33' }],
    });
    const secondVisits = x.visits.filter((v) => v.channelId === second.channelId);
    expect(new Set(secondVisits.map((v) => `${v.flowId}@${v.version}`))).to.deep.equal(
      new Set(['main@2', 'service@1', 'billing@2']),
    );
    expect(secondVisits.map((v) => v.nodeId)).to.not.include('account');
  });
});
