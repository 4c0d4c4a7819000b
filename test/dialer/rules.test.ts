import { expect } from 'chai';
import { type AttemptFacts, evaluateAttempt, rulesFor } from '../../src/dialer/rules.js';

const hcm = { timeZone: 'Asia/Ho_Chi_Minh', country: 'VN', phone: '+84912345678' };
const window = { default: { start: '08:00', end: '21:00' } };
// 2026-11-24 10:00 in Ho Chi Minh City (UTC+7).
const at = new Date(Date.UTC(2026, 10, 24, 3, 0));
const clean = { allowed: true };

function facts(over: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    at,
    lead: hcm,
    window,
    callerId: '+842838220000',
    dnc: { dnc_lists: clean, national_dnc: clean },
    consent: { granted: true, source: 'web form 2026-10-01', recordedAt: '2026-10-01T00:00:00Z' },
    recentDials: [],
    brandCallerIdRegistered: true,
    ...over,
  };
}

describe('dialer compliance rules (pure)', () => {
  it('Vietnam advertising: consent, national DNC, one call per 24 h, 08:00–17:00, brand caller ID', () => {
    const rules = rulesFor('VN', 'advertising');
    expect(rules.map((r) => r.id)).to.have.members([
      'calling_window',
      'dnc_lists',
      'advertising_hours',
      'prior_consent',
      'national_dnc',
      'one_call_per_day',
      'brand_caller_id',
    ]);
    expect(evaluateAttempt(rules, facts())).to.include({ allowed: true, final: false });

    const noConsent = evaluateAttempt(rules, facts({ consent: { granted: false, reason: 'none recorded' } }));
    expect(noConsent).to.include({ allowed: false, refusedBy: 'prior_consent', final: true });

    const listed = evaluateAttempt(
      rules,
      facts({
        dnc: {
          dnc_lists: clean,
          national_dnc: {
            allowed: false,
            reason: 'on the national do-not-call list VN (snapshot of 2026-11-01)',
            source: 'national:VN',
          },
        },
      }),
    );
    expect(listed).to.include({ allowed: false, refusedBy: 'national_dnc', final: true });

    const stale = evaluateAttempt(
      rules,
      facts({
        dnc: {
          dnc_lists: clean,
          national_dnc: {
            allowed: false,
            reason: 'national do-not-call list VN is stale: snapshot of 2026-09-01 is 84 days old (limit 31)',
          },
        },
      }),
    );
    expect(stale).to.include({ allowed: false, final: false });
    expect(stale.retryAt).to.be.instanceOf(Date);

    const yesterday = new Date(at.getTime() - 20 * 3_600_000);
    const twice = evaluateAttempt(rules, facts({ recentDials: [yesterday] }));
    expect(twice).to.include({ allowed: false, refusedBy: 'one_call_per_day', final: false });
    expect(twice.retryAt!.toISOString()).to.equal(
      new Date(yesterday.getTime() + 24 * 3_600_000).toISOString(),
    );

    // 17:30 local: open for customer care, closed for advertising; it reopens at 08:00 next day.
    const late = new Date(Date.UTC(2026, 10, 24, 10, 30));
    const ad = evaluateAttempt(rules, facts({ at: late }));
    expect(ad).to.include({ allowed: false, refusedBy: 'advertising_hours', windowReason: 'after_window' });
    expect(ad.retryAt!.toISOString()).to.equal('2026-11-25T01:00:00.000Z');
    expect(evaluateAttempt(rulesFor('VN', 'customer_care'), facts({ at: late })).allowed).to.equal(true);

    const unbranded = evaluateAttempt(rules, facts({ brandCallerIdRegistered: false }));
    expect(unbranded).to.include({ allowed: false, refusedBy: 'brand_caller_id' });
    for (const d of unbranded.decisions) expect(d.source.length).to.be.greaterThan(0);
  });

  it('the purpose decides: Vietnam customer care needs neither consent nor a brand caller ID', () => {
    const ids = rulesFor('VN', 'customer_care').map((r) => r.id);
    expect(ids).to.deep.equal(['calling_window', 'dnc_lists']);
    const v = evaluateAttempt(rulesFor('VN', 'customer_care'), facts({ consent: { granted: false } }));
    expect(v.allowed).to.equal(true);
  });

  it('UK: no redial of an abandoned number for 72 hours', () => {
    const rules = rulesFor('UK', 'collection');
    const noon = new Date(Date.UTC(2026, 10, 24, 12));
    const abandonedAt = new Date(noon.getTime() - 48 * 3_600_000);
    const london = { timeZone: 'Europe/London', country: 'GB', phone: '+447700900123' };
    const v = evaluateAttempt(rules, facts({ at: noon, lead: london, lastAbandonedAt: abandonedAt }));
    expect(v).to.include({ allowed: false, refusedBy: 'abandoned_redial_block' });
    expect(v.retryAt!.getTime()).to.equal(abandonedAt.getTime() + 72 * 3_600_000);
    expect(
      evaluateAttempt(
        rules,
        facts({ at: noon, lead: london, lastAbandonedAt: new Date(noon.getTime() - 73 * 3_600_000) }),
      ).allowed,
    ).to.equal(true);
  });

  it('US: the national registry binds telemarketing only, the internal list binds everything', () => {
    expect(rulesFor('US', 'advertising').map((r) => r.id)).to.include('national_dnc');
    expect(rulesFor('US', 'collection').map((r) => r.id)).to.not.include('national_dnc');
    const internal = evaluateAttempt(
      rulesFor('US', 'collection'),
      facts({
        lead: { timeZone: 'America/Chicago', phone: '+13125550100' },
        at: new Date(Date.UTC(2026, 10, 24, 16)),
        dnc: {
          dnc_lists: { allowed: false, reason: 'on the internal do-not-call list', source: 'internal' },
        },
      }),
    );
    expect(internal).to.include({ allowed: false, refusedBy: 'dnc_lists', final: true });
  });

  it('a lead without a time zone is never dialed', () => {
    const v = evaluateAttempt(
      rulesFor('none', 'research'),
      facts({ lead: { timeZone: '', phone: '+989121234567' } }),
    );
    expect(v).to.include({ allowed: false, windowReason: 'unknown_time_zone' });
  });
});
