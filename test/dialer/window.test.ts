import { expect } from 'chai';
import { type DailyWindow, localTime, nextOpening, windowDecision } from '../../src/dialer/window.js';
import { zonedToInstant } from '../../src/dialer/zoned.js';
import { oracleLocalMinutes, rng, UsZones } from './us-zones.js';

const Hour = 3_600_000;

const Default = { default: { start: '08:00', end: '21:00' } };
/** DST changes of 2026 and 2027 (UTC days). */
const Changes = [Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1), Date.UTC(2027, 2, 14), Date.UTC(2027, 10, 7)];

describe('dialer calling window (pure)', () => {
  it('agrees with the statute every 5 minutes around both DST changes, in every US zone', () => {
    let checked = 0;
    for (const z of UsZones)
      for (const day of Changes)
        for (let t = day - 12 * Hour; t < day + 36 * Hour; t += 5 * 60_000) {
          const m = oracleLocalMinutes(z, t);
          const d = windowDecision(Default, { timeZone: z.zone }, t);
          expect(d.allowed, `${z.zone} at ${new Date(t).toISOString()}`).to.equal(m >= 8 * 60 && m < 21 * 60);
          checked++;
        }
    expect(checked).to.be.greaterThan(50_000);
  });

  it('agrees with the statute at random instants over two years, for random windows', () => {
    const r = rng(91);
    for (let i = 0; i < 30_000; i++) {
      const z = UsZones[Math.floor(r() * UsZones.length)]!;
      const t = Date.UTC(2026, 0, 1) + Math.floor(r() * 730 * 24 * 60) * 60_000;
      const s = Math.floor(r() * 23 * 60);
      const e = s + 1 + Math.floor(r() * (24 * 60 - s - 1));
      const hhmm = (x: number) =>
        `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
      const w: DailyWindow = { start: hhmm(s), end: hhmm(e) };
      const m = oracleLocalMinutes(z, t);
      expect(
        windowDecision({ default: w }, { timeZone: z.zone }, t).allowed,
        `${z.zone} ${w.start}-${w.end} ${new Date(t).toISOString()}`,
      ).to.equal(m >= s && m < e);
    }
  });

  it('nextOpening is open and the minute before it is closed, across DST changes', () => {
    const r = rng(5);
    for (let i = 0; i < 400; i++) {
      const z = UsZones[Math.floor(r() * UsZones.length)]!;
      const t = Changes[i % 4]! - 6 * Hour + Math.floor(r() * 48 * 60) * 60_000;
      const open = nextOpening(Default, { timeZone: z.zone }, t)!;
      expect(open.getTime()).to.be.at.least(t);
      expect(windowDecision(Default, { timeZone: z.zone }, open).allowed).to.equal(true);
      if (open.getTime() > t) {
        const before = oracleLocalMinutes(z, open.getTime() - 60_000);
        expect(before >= 8 * 60 && before < 21 * 60, `${z.zone} ${open.toISOString()}`).to.equal(false);
      }
    }
  });

  it('uses region overrides (longest number prefix, then zone, then country), holidays and legal limits', () => {
    const cfg = {
      default: { start: '08:00', end: '21:00' },
      regions: {
        'Asia/Tehran': { start: '09:00', end: '20:00', days: [6, 0, 1, 2, 3, 4] },
        '+9821': { start: '10:00', end: '19:00', days: [6, 0, 1, 2, 3, 4] },
        VN: { start: '08:00', end: '20:00' },
      },
      holidays: [
        { date: '2027-03-21', regions: ['IR'], name: 'Nowruz' },
        { date: '2027-02-06', regions: ['VN'], name: 'Tết' },
      ],
    };
    const tehranLead = { timeZone: 'Asia/Tehran', country: 'IR', phone: '+989121234567' };
    const tehranCity = { timeZone: 'Asia/Tehran', country: 'IR', phone: '+982188776655' };
    // Friday 2026-11-27 10:30 in Tehran (UTC+3:30): the weekend there.
    expect(windowDecision(cfg, tehranLead, Date.UTC(2026, 10, 27, 7, 0)).reason).to.equal('closed_day');
    // Saturday 09:30 Tehran: the zone override (09:00) opens, the city prefix (10:00) does not.
    const sat = Date.UTC(2026, 10, 28, 6, 0);
    expect(windowDecision(cfg, tehranLead, sat)).to.include({ allowed: true, source: 'Asia/Tehran' });
    expect(windowDecision(cfg, tehranCity, sat)).to.include({
      allowed: false,
      source: '+9821',
      reason: 'before_window',
    });
    expect(windowDecision(cfg, tehranLead, Date.UTC(2027, 2, 21, 8, 0))).to.include({
      reason: 'holiday',
      holiday: 'Nowruz',
    });
    const hcm = { timeZone: 'Asia/Ho_Chi_Minh', country: 'VN', phone: '+84912345678' };
    expect(windowDecision(cfg, hcm, Date.UTC(2027, 1, 6, 3, 0)).reason).to.equal('holiday');
    // 17:30 in Ho Chi Minh City: open for customer care, closed under the 08:00–17:00 advertising limit.
    const t = Date.UTC(2026, 10, 24, 10, 30);
    expect(windowDecision(cfg, hcm, t).allowed).to.equal(true);
    expect(windowDecision(cfg, hcm, t, { start: '08:00', end: '17:00' })).to.include({
      allowed: false,
      reason: 'after_window',
    });
    expect(localTime(t, 'Asia/Ho_Chi_Minh').time).to.equal('17:30:00');
    expect(windowDecision(cfg, { timeZone: '' }, t).reason).to.equal('unknown_time_zone');
  });

  it('turns a lead-local call-back time into an instant, DST gaps and repeats included', () => {
    expect(zonedToInstant('2026-11-24T09:15', 'Asia/Ho_Chi_Minh').toISOString()).to.equal(
      '2026-11-24T02:15:00.000Z',
    );
    expect(zonedToInstant('2026-11-24T09:15', 'Asia/Tehran').toISOString()).to.equal(
      '2026-11-24T05:45:00.000Z',
    );
    // 01:30 happens twice in New York on 2026-11-01: the first one (EDT).
    expect(zonedToInstant('2026-11-01T01:30', 'America/New_York').toISOString()).to.equal(
      '2026-11-01T05:30:00.000Z',
    );
    // 02:30 does not exist on 2027-03-14: the first minute after the gap (03:00 EDT).
    expect(zonedToInstant('2027-03-14T02:30', 'America/New_York').toISOString()).to.equal(
      '2027-03-14T07:00:00.000Z',
    );
  });
});
