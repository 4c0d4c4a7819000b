import { expect } from 'chai';
import type { Conversation } from '../../src/acd/port.js';
import { policyByQueue, queuePolicies, recordingPolicySchema } from '../../src/acd/recording/index.js';

const conv = (queue: string | null) => ({ queue }) as unknown as Conversation;

describe('acd/recording: policy lookups', () => {
  it('queuePolicies: per queue, fallback for the rest and for calls without a queue; sound names become sound: URIs', async () => {
    const lookup = queuePolicies(
      { 'ban-hang': { mode: 'always', consentPrompt: 'custom/recording-notice', optOutDigit: '9' } },
      { mode: 'never' },
    );
    expect(await lookup(conv('ban-hang'))).to.deep.equal({
      mode: 'always',
      consentPrompt: 'sound:custom/recording-notice',
      optOutDigit: '9',
      format: 'wav',
      retentionDays: null,
    });
    expect((await lookup(conv('ho-tro'))).mode).to.equal('never');
    expect((await lookup(conv(null))).mode).to.equal('never');
    expect(
      recordingPolicySchema.parse({ mode: 'on_demand', consentPrompt: 'recording:notices/fa' }).consentPrompt,
    ).to.equal('recording:notices/fa');
  });

  it('a bad policy is refused at start-up with the field named', () => {
    expect(() => queuePolicies({ x: { mode: 'sometimes' as never } })).to.throw(/mode/);
    expect(() => queuePolicies({ x: { mode: 'always', optOutDigit: '12' } })).to.throw(/one key/);
    expect(() => queuePolicies({ x: { mode: 'always', consentPrompt: 'a b;rm' } })).to.throw(/sound/);
    expect(() => queuePolicies({ x: { mode: 'always', retentionDays: 0 } })).to.throw();
  });

  it('policyByQueue reads live definitions; a definition that does not parse counts as the fallback', async () => {
    const defs: Record<string, unknown> = { a: { mode: 'always' }, b: { mode: 'bogus' } };
    const lookup = policyByQueue((q) => defs[q] as never, { mode: 'on_demand' });
    expect((await lookup(conv('a'))).mode).to.equal('always');
    expect((await lookup(conv('b'))).mode).to.equal('on_demand');
    expect((await lookup(conv('c'))).mode).to.equal('on_demand');
    defs.c = { mode: 'never' };
    expect((await lookup(conv('c'))).mode).to.equal('never');
  });
});
