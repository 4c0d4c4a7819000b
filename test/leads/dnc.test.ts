import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import {
  addConsent,
  checkDnc,
  consentFor,
  recordOptOut,
  revokeConsent,
  snapshotAgeDays,
} from '../../src/leads/index.js';

describe('leads: do-not-call and consent', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  async function nationalList(jurisdiction: string, snapshot: string, phones: string[]) {
    const [list] = (await db
      .knex('dnc_lists')
      .insert({
        name: `${jurisdiction} register`,
        kind: 'national',
        jurisdiction,
        snapshot_date: snapshot,
        status: 'ready',
        entries: phones.length,
        imported_at: new Date(),
      })
      .returning('id')) as Array<{ id: string }>;
    if (phones.length)
      await db
        .knex('dnc_numbers')
        .insert(phones.map((phone) => ({ list_id: list!.id, phone, source: 'import' })));
    return list!.id;
  }

  async function lead(phone: string) {
    const [list] = (await db
      .knex('lead_lists')
      .insert({ name: `list ${phone}`, default_country: 'VN' })
      .returning('id')) as Array<{ id: string }>;
    const [row] = (await db
      .knex('leads')
      .insert({ list_id: list!.id, phone, country: 'VN' })
      .returning('id')) as Array<{ id: string }>;
    return row!.id;
  }

  it('counts a snapshot age in whole calendar days', () => {
    expect(snapshotAgeDays('2026-11-01', new Date('2026-11-01T23:59:00Z'))).to.equal(0);
    expect(snapshotAgeDays('2026-10-23', new Date('2026-11-23T08:00:00Z'))).to.equal(31);
  });

  it('refuses a number on the national list and, when required, a missing or stale list', async () => {
    const at = new Date('2026-11-23T03:00:00Z');
    // No VN list yet: required → refused; not required → allowed.
    const missing = await checkDnc(db.knex, '+84912000001', {
      at,
      jurisdiction: 'VN',
      maxNationalAgeDays: 31,
    });
    expect(missing).to.include({ allowed: false, source: 'national:VN' });
    expect(missing.reason).to.match(/no national do-not-call list for VN/);
    expect(await checkDnc(db.knex, '+84912000001', { at })).to.deep.equal({ allowed: true });

    await nationalList('VN', '2026-09-01', ['+84912000002']);
    expect((await checkDnc(db.knex, '+447700900123', { at, jurisdiction: 'UK' })).reason).to.match(
      /for GB has been imported/,
    );
    const stale = await checkDnc(db.knex, '+84912000001', { at, jurisdiction: 'VN', maxNationalAgeDays: 31 });
    expect(stale.allowed).to.equal(false);
    expect(stale.reason).to.match(/VN is stale: snapshot of 2026-09-01 is 83 days old \(limit 31\)/);
    // Without an age limit the old snapshot is still consulted.
    expect((await checkDnc(db.knex, '+84912000002', { at })).reason).to.match(
      /national do-not-call list VN \(snapshot of 2026-09-01\)/,
    );

    await nationalList('VN', '2026-11-20', ['+84912000003']);
    expect(
      await checkDnc(db.knex, '+84912000001', { at, jurisdiction: 'VN', maxNationalAgeDays: 31 }),
    ).to.deep.equal({ allowed: true });
    // The newest snapshot is in force: the number only on the old one is no longer refused.
    expect(
      (await checkDnc(db.knex, '+84912000002', { at, jurisdiction: 'VN', maxNationalAgeDays: 31 })).allowed,
    ).to.equal(true);
    const listed = await checkDnc(db.knex, '+84912000003', {
      at,
      jurisdiction: 'VN',
      maxNationalAgeDays: 31,
    });
    expect(listed).to.deep.include({ allowed: false, source: 'national:VN' });
  });

  it('makes an opt-out effective for the very next check, and withdraws consent', async () => {
    const at = new Date();
    const phone = '+989121234567';
    const leadId = await lead(phone);
    await addConsent(db.knex, {
      leadId,
      phone,
      scope: 'advertising',
      source: 'web form',
      recordedAt: new Date(Date.now() - 86_400_000),
    });
    expect((await consentFor(db.knex, leadId, 'advertising', at)).granted).to.equal(true);
    expect(await checkDnc(db.knex, phone, { at })).to.deep.equal({ allowed: true });

    await recordOptOut(db.knex, phone, {
      method: 'keypress',
      campaignId: '6b0f7c1e-1d7a-4c43-9d39-1f6c2b8f0a11',
    });
    expect(await checkDnc(db.knex, phone, { at: new Date() })).to.deep.equal({
      allowed: false,
      reason: 'on the internal do-not-call list',
      source: 'internal',
    });
    const after = await consentFor(db.knex, leadId, 'advertising', new Date(Date.now() + 1000));
    expect(after.granted).to.equal(false);
    expect(after.reason).to.match(/revoked .*opt-out \(keypress\)/);
    // Twice is harmless.
    await recordOptOut(db.knex, phone, { method: 'agent' });
    const list = await db.knex('dnc_lists').where({ kind: 'internal' }).whereNull('campaign_id').first();
    expect(Number(list.entries)).to.equal(1);
  });

  it('grants consent only in its scope and time, and explains refusals', async () => {
    const phone = '+84987000111';
    const leadId = await lead(phone);
    const t0 = new Date('2026-06-01T00:00:00Z');
    expect((await consentFor(db.knex, leadId, 'advertising', t0)).reason).to.equal(
      'no consent recorded for advertising',
    );
    await addConsent(db.knex, {
      leadId,
      phone,
      scope: 'customer_care',
      source: 'contract 42',
      recordedAt: t0,
    });
    expect(
      (await consentFor(db.knex, leadId, 'advertising', new Date('2026-07-01T00:00:00Z'))).granted,
    ).to.equal(false);
    const care = await consentFor(db.knex, leadId, 'customer_care', new Date('2026-07-01T00:00:00Z'));
    expect(care).to.deep.include({ granted: true, source: 'contract 42' });
    expect(
      (await consentFor(db.knex, leadId, 'customer_care', new Date('2026-05-01T00:00:00Z'))).reason,
    ).to.match(/only recorded after/);

    const { id } = await addConsent(db.knex, {
      phone,
      scope: 'all',
      source: 'SMS keyword',
      recordedAt: t0,
      expiresAt: new Date('2026-08-01T00:00:00Z'),
    });
    expect(
      (await consentFor(db.knex, leadId, 'advertising', new Date('2026-07-15T00:00:00Z'))).source,
    ).to.equal('SMS keyword');
    expect(
      (await consentFor(db.knex, leadId, 'advertising', new Date('2026-09-01T00:00:00Z'))).reason,
    ).to.match(/expired at 2026-08-01/);
    expect(
      await addConsent(db.knex, { phone, scope: 'all', source: 'SMS keyword', recordedAt: t0 }),
    ).to.deep.equal({ id, created: false });
    expect(await revokeConsent(db.knex, id, 'customer asked', new Date('2026-07-20T00:00:00Z'))).to.equal(
      true,
    );
    expect(
      (await consentFor(db.knex, leadId, 'advertising', new Date('2026-07-25T00:00:00Z'))).reason,
    ).to.match(/revoked at 2026-07-20.*customer asked/);
    expect(
      (await consentFor(db.knex, 'f0000000-0000-4000-8000-000000000000', 'advertising', t0)).reason,
    ).to.match(/no lead/);
  });
});
