import { expect } from 'chai';
import { addConsent, addToDnc, internalListId, recordOptOut } from '../../src/leads/index.js';
import { addLeads, campaignInput, createList, type DialerWorld, startDialerWorld } from './harness.js';
import { oracleLocalMinutes, UsZones } from './us-zones.js';

/** Numbers the simulator was asked to dial (POST /channels), in order. */
async function dialedNumbers(world: DialerWorld): Promise<string[]> {
  const reqs = (await Promise.all(world.sims.map((s) => s.control.requests()))).flat();
  return reqs
    .filter((r) => r.method === 'POST' && /^\/ari\/channels(\/[^/]+)?$/.test(r.path))
    .map((r) =>
      String((r.query as Record<string, unknown>).endpoint ?? (r.body as Record<string, unknown>)?.endpoint),
    )
    .filter((e) => e.includes('@trunk'))
    .map((e) => e.replace(/^PJSIP\//, '').replace(/@trunk$/, ''));
}

const answerAll = {
  answerProbability: 1,
  busyProbability: 0,
  noAnswerProbability: 0,
  invalidProbability: 0,
  machineProbability: 0,
  machineGreetingMs: 2000,
  ringMs: { min: 2000, max: 5000 },
  talkMs: { min: 5000, max: 10_000 },
  seed: 3,
};

/** The simulator's virtual clock starts at 2026-11-23 12:00 UTC; these shift the dialer's clock. */
const SimStart = Date.UTC(2026, 10, 23, 12, 0);

describe('dialer compliance through the simulator', function () {
  this.timeout(300_000);
  let world: DialerWorld;
  afterEach(async () => world?.close());

  it('never dials a DNC number or an advertising lead without consent (Vietnam, Decree 91)', async () => {
    // 10:00 in Ho Chi Minh City on Tuesday 2026-11-24.
    world = await startDialerWorld({ offsetMs: Date.UTC(2026, 10, 24, 3, 0) - SimStart });
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile(answerAll);
    const list = await createList(db);
    const phones = Array.from({ length: 24 }, (_, i) => `+8491${String(2000000 + i).padStart(7, '0')}`);
    const ids = await addLeads(
      db,
      list,
      phones.map((phone) => ({ phone, time_zone: 'Asia/Ho_Chi_Minh', country: 'VN' })),
    );
    const internal = phones.slice(0, 6);
    const national = phones.slice(6, 10);
    const noConsent = phones.slice(10, 14);
    await addToDnc(db, await internalListId(db), internal, { source: 'api' });
    const [nat] = await db('dnc_lists')
      .insert({
        name: 'VN DNC',
        kind: 'national',
        jurisdiction: 'VN',
        snapshot_date: '2026-11-15',
        status: 'ready',
      })
      .returning('id');
    await addToDnc(db, nat.id, national, { source: 'import' });
    for (const [i, phone] of phones.entries())
      if (!noConsent.includes(phone))
        await addConsent(db, {
          leadId: ids[i]!,
          phone,
          scope: 'advertising',
          source: `web form #${i}`,
          recordedAt: new Date('2026-10-01T00:00:00Z'),
        });
    await db('brand_caller_ids').insert({
      number: '+842838220000',
      brand: 'TONGDAI',
      registered_on: '2026-01-01',
    });
    const c = await world.store.create(
      campaignInput(list, {
        purpose: 'advertising',
        jurisdiction: 'VN',
        mode: 'agentless',
        agentless: { kind: 'message', message: 'sound:vi/khuyen-mai' },
        window: { default: { start: '08:00', end: '21:00' } },
        max_attempts: 1,
      }),
      'test',
      new Date(world.clock.now()),
    );
    await world.addRuntime('engine-a', { agentlessLines: 30 });
    await world.store.transition(c.id, 'start', new Date(world.clock.now()));
    await world.advance(3 * 60_000, 250);
    await Promise.all(world.runtimes.map((r) => r.drained()));

    const dialed = await dialedNumbers(world);
    const allowed = phones.filter((p) => ![...internal, ...national, ...noConsent].includes(p));
    expect(dialed.sort()).to.deep.equal(allowed.sort());
    const rows = await db('call_attempts')
      .where({ campaign_id: c.id })
      .select('*', db.raw("to_char(lead_local_time, 'HH24:MI') AS local"));
    expect(rows).to.have.length(24);
    for (const r of rows) {
      if (internal.includes(r.phone))
        expect(r).to.include({ decision: 'refused', refused_by: 'dnc_lists', dnc_allowed: false });
      else if (national.includes(r.phone)) {
        // The number's own register is checked with the internal list, before the advertising-only rule.
        expect(r).to.include({ decision: 'refused', dnc_allowed: false });
        expect(r.dnc_reason).to.match(/national do-not-call list VN/);
      } else if (noConsent.includes(r.phone))
        expect(r).to.include({
          decision: 'refused',
          refused_by: 'prior_consent',
          consent_required: true,
          consent_granted: false,
        });
      else {
        expect(r).to.include({
          decision: 'dial',
          consent_granted: true,
          dnc_allowed: true,
          window_allowed: true,
          caller_id: '+842838220000',
        });
        expect(r.consent_source).to.match(/^web form #/);
        expect(r.local.slice(0, 2)).to.equal('10'); // lead-local wall clock, 10:0x in Ho Chi Minh City
      }
      expect(r.rule_decisions.map((d: { rule: string }) => d.rule)).to.include('calling_window');
    }
    const statuses = await db('leads')
      .whereIn('phone', [...internal, ...national])
      .pluck('status');
    expect(new Set(statuses)).to.deep.equal(new Set(['do_not_call']));
  });

  it('an opt-out between attempts stops the redial', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    await world.sim.control.setOutboundProfile({ ...answerAll, answerProbability: 0, busyProbability: 1 });
    const list = await createList(db);
    const phones = Array.from({ length: 8 }, (_, i) => `+98912${String(3000000 + i)}`);
    await addLeads(
      db,
      list,
      phones.map((phone) => ({ phone, time_zone: 'Asia/Tehran', country: 'IR' })),
    );
    const c = await world.store.create(
      campaignInput(list, {
        mode: 'agentless',
        agentless: { kind: 'message', message: 'sound:fa/yadavari' },
        max_attempts: 3,
        retry: { busy: { delay_minutes: 2 } },
      }),
      'test',
    );
    await world.addRuntime('engine-a', { agentlessLines: 10 });
    await world.store.transition(c.id, 'start');
    await world.advance(60_000, 250);
    expect((await dialedNumbers(world)).sort()).to.deep.equal([...phones].sort());
    const optedOut = phones.slice(0, 4);
    for (const p of optedOut) await recordOptOut(db, p, { method: 'api' });
    await world.advance(6 * 60_000, 250);
    await Promise.all(world.runtimes.map((r) => r.drained()));
    const dialed = await dialedNumbers(world);
    for (const p of optedOut)
      expect(
        dialed.filter((d) => d === p),
        p,
      ).to.have.length(1);
    for (const p of phones.slice(4))
      expect(
        dialed.filter((d) => d === p),
        p,
      ).to.have.length(3);
  });

  for (const [name, start, opens] of [
    // DST began at 07:00 UTC: New York is at 08:40 EDT (open), Chicago at 07:40 CDT (opens 13:00 UTC).
    ['the spring DST change', Date.UTC(2027, 2, 14, 12, 40), 'America/Chicago'],
    // DST ended at 06:00 UTC: New York is at 07:40 EST (opens 13:00 UTC), Puerto Rico at 08:40 AST.
    ['the autumn DST change', Date.UTC(2026, 10, 1, 12, 40), 'America/New_York'],
  ] as const)
    it(`places no call outside the window in any US time zone on ${name}`, async () => {
      world = await startDialerWorld({ offsetMs: start - SimStart });
      const db = world.db.knex;
      await world.sim.control.setOutboundProfile(answerAll);
      const list = await createList(db, 'US', 'US');
      const leads = UsZones.flatMap((z, zi) =>
        [0, 1].map((k) => ({
          phone: `+1202555${String(zi * 10 + k).padStart(4, '0')}`,
          time_zone: z.zone,
          country: 'US',
        })),
      );
      await addLeads(db, list, leads);
      const c = await world.store.create(
        campaignInput(list, {
          purpose: 'research',
          jurisdiction: 'US',
          mode: 'agentless',
          agentless: { kind: 'message', message: 'sound:survey-intro' },
          window: { default: { start: '08:00', end: '21:00' } },
          max_attempts: 1,
        }),
        'test',
      );
      await world.addRuntime('engine-a', { agentlessLines: 60, tickMs: 500 });
      await world.store.transition(c.id, 'start');
      await world.advance(35 * 60_000, 1000);
      await Promise.all(world.runtimes.map((r) => r.drained()));

      const rows = await db('call_attempts').where({ campaign_id: c.id, decision: 'dial' });
      const dialed = await dialedNumbers(world);
      expect(dialed.sort()).to.deep.equal(rows.map((r) => r.phone).sort()); // nothing dialed without its row
      const zoneOf = new Map(leads.map((l) => [l.phone, UsZones.find((z) => z.zone === l.time_zone)!]));
      for (const r of rows) {
        const m = oracleLocalMinutes(zoneOf.get(r.phone)!, new Date(r.decided_at).getTime());
        expect(
          m >= 8 * 60 && m < 21 * 60,
          `${r.phone} ${r.lead_time_zone} at ${new Date(r.decided_at).toISOString()}`,
        ).to.equal(true);
      }
      // Every zone whose window was open at some point of the run got its calls, the others none.
      const end = start + 35 * 60_000;
      const expected = UsZones.filter((z) => {
        for (let t = start; t < end - 60_000; t += 60_000) {
          const m = oracleLocalMinutes(z, t);
          if (m >= 8 * 60 && m < 21 * 60) return true;
        }
        return false;
      }).map((z) => z.zone);
      expect([...new Set(rows.map((r) => r.lead_time_zone))].sort()).to.deep.equal(expected.sort());
      expect(expected).to.include(opens);
      const late = rows.filter((r) => r.lead_time_zone === opens);
      for (const r of late)
        expect(new Date(r.decided_at).getTime()).to.be.at.least(
          Date.UTC(
            new Date(start).getUTCFullYear(),
            new Date(start).getUTCMonth(),
            new Date(start).getUTCDate(),
            13,
          ),
        );
      // Refused leads wait for their own opening, stored as an absolute time.
      const refused = await db('call_attempts').where({ campaign_id: c.id, decision: 'refused' }).first();
      expect(refused.rule_decisions[0].reason).to.match(/before_window|after_window/);
    });

  it('two engines (each on its own Asterisk, one database) never dial one lead at once', async () => {
    world = await startDialerWorld();
    const db = world.db.knex;
    const profile = {
      ...answerAll,
      answerProbability: 0.4,
      busyProbability: 0.3,
      noAnswerProbability: 0.3,
      ringMs: { min: 3000, max: 12_000 },
    };
    const list = await createList(db);
    const phones = Array.from({ length: 30 }, (_, i) => `+8428${String(3900000 + i)}`);
    await addLeads(
      db,
      list,
      phones.map((phone) => ({ phone, time_zone: 'Asia/Ho_Chi_Minh', country: 'VN' })),
    );
    const c = await world.store.create(
      campaignInput(list, {
        mode: 'agentless',
        agentless: { kind: 'message', message: 'sound:vi/thong-bao' },
        max_attempts: 3,
        ring_timeout_seconds: 15,
        retry: { busy: { delay_minutes: 1 }, no_answer: { delay_minutes: 1 } },
      }),
      'test',
    );
    await world.addRuntime('engine-a', { agentlessLines: 8, tickMs: 150 });
    await world.addRuntime('engine-b', { agentlessLines: 8, tickMs: 170, ownSimulator: true });
    for (const [i, s] of world.sims.entries())
      await s.control.setOutboundProfile({ ...profile, seed: 10 + i });
    await world.store.transition(c.id, 'start');
    await world.advance(8 * 60_000, 200);
    await Promise.all(world.runtimes.map((r) => r.drained()));

    const rows = await db('call_attempts')
      .where({ campaign_id: c.id, decision: 'dial' })
      .orderBy('dialed_at');
    expect(new Set(rows.map((r) => r.engine))).to.deep.equal(new Set(['engine-a', 'engine-b']));
    const byLead = new Map<string, Array<{ from: number; to: number }>>();
    for (const r of rows) {
      const spans = byLead.get(r.lead_id) ?? [];
      spans.push({ from: new Date(r.dialed_at).getTime(), to: new Date(r.ended_at).getTime() });
      byLead.set(r.lead_id, spans);
    }
    for (const [lead, spans] of byLead) {
      expect(spans.length, lead).to.be.at.most(3);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.from, lead).to.be.at.least(spans[i - 1]!.to);
    }
    const dialed = await dialedNumbers(world);
    expect(dialed.length).to.equal(rows.length);
    expect(rows.length).to.be.greaterThan(30);
  });
});
