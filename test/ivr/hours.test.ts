import { expect } from 'chai';
import { calendarDate, hoursState, isHoliday, localTime, type HoursSpec } from '../../src/ivr/hours.js';
import { holiday, hoursNode } from '../../src/ivr/schema.js';

const h = (x: unknown) => holiday.parse(x);
const week = (days: string[], span: [string, string]) => Object.fromEntries(days.map((d) => [d, [span]]));

/** Saigon: Mon–Fri 08:00–17:30, Sat 08:00–12:00; Tết (lunar 1/1, three days); 30/4, 1/5, 2/9. */
const saigon: HoursSpec = hoursNode.parse({
  type: 'hours',
  timeZone: 'Asia/Ho_Chi_Minh',
  weekly: { ...week(['mon', 'tue', 'wed', 'thu', 'fri'], ['08:00', '17:30']), sat: [['08:00', '12:00']] },
  holidays: [
    { calendar: 'chinese', month: 1, day: 1, days: 3, name: 'Tết' },
    { calendar: 'gregory', month: 4, day: 30, days: 2, name: 'Reunification, Labour Day' },
    { calendar: 'gregory', month: 9, day: 2, name: 'National Day' },
    { calendar: 'gregory', date: '2027-02-06', name: 'Tết eve (ICU puts 2027 lunar new year on 7 Feb)' },
  ],
});

/** Tehran: Sat–Wed 08:00–16:00, Thu 08:00–13:00 (Friday weekend); Nowruz Farvardin 1–4. */
const tehran: HoursSpec = hoursNode.parse({
  type: 'hours',
  timeZone: 'Asia/Tehran',
  weekly: { ...week(['sat', 'sun', 'mon', 'tue', 'wed'], ['08:00', '16:00']), thu: [['08:00', '13:00']] },
  holidays: [
    { calendar: 'persian', month: 1, day: 1, days: 4, name: 'Nowruz' },
    { calendar: 'persian', month: 1, day: 12, name: 'Islamic Republic Day' },
  ],
});

const at = (iso: string) => new Date(iso);

describe('ivr: business hours (pure)', () => {
  it('reads wall time and weekday in the zone, across the UTC date line', () => {
    expect(localTime(at('2026-11-23T01:30:00Z'), 'Asia/Ho_Chi_Minh')).to.deep.equal({
      date: '2026-11-23',
      weekday: 'mon',
      time: '08:30',
    });
    expect(localTime(at('2026-11-22T20:31:00Z'), 'Asia/Tehran')).to.deep.equal({
      date: '2026-11-23',
      weekday: 'mon',
      time: '00:01',
    });
  });

  it('Saigon weekdays: open from 08:00, closed at 17:30; Saturday morning; Sunday closed', () => {
    const cases: Array<[string, string]> = [
      ['2026-11-23T00:59:00Z', 'closed'], // Mon 07:59
      ['2026-11-23T01:00:00Z', 'open'], // Mon 08:00
      ['2026-11-23T10:29:00Z', 'open'], // Mon 17:29
      ['2026-11-23T10:30:00Z', 'closed'], // Mon 17:30
      ['2026-11-28T04:59:00Z', 'open'], // Sat 11:59
      ['2026-11-28T05:00:00Z', 'closed'], // Sat 12:00
      ['2026-11-29T03:00:00Z', 'closed'], // Sun 10:00
      ['2026-11-27T02:00:00Z', 'open'], // Fri 09:00
    ];
    for (const [iso, want] of cases) expect(hoursState(saigon, at(iso)), iso).to.equal(want);
  });

  it('Tết 2026 (17–19 Feb) and Tết 2027 are holidays, even on weekdays at 10:00', () => {
    for (const d of [
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
    ])
      expect(hoursState(saigon, at(`${d}T03:00:00Z`)), d).to.equal('holiday');
    for (const d of ['2026-02-16', '2026-02-20', '2027-02-05', '2027-02-10'])
      expect(hoursState(saigon, at(`${d}T03:00:00Z`)), d).to.equal('open');
  });

  it('the lunar date is taken in the zone: 17 Feb 2026 00:30 in Saigon is still 16 Feb in UTC', () => {
    expect(hoursState(saigon, at('2026-02-16T17:30:00Z'))).to.equal('holiday');
    expect(hoursState(saigon, at('2026-02-16T16:30:00Z'))).to.equal('closed'); // 23:30 on 16 Feb
  });

  it('Gregorian holidays recur yearly (30/4–1/5, 2/9) or fall on one date', () => {
    for (const d of ['2026-04-30', '2026-05-01', '2027-04-30', '2026-09-02', '2027-09-02'])
      expect(hoursState(saigon, at(`${d}T03:00:00Z`)), d).to.equal('holiday');
    expect(hoursState(saigon, at('2026-05-04T03:00:00Z'))).to.equal('open');
    expect(isHoliday('2028-02-06', h({ calendar: 'gregory', date: '2027-02-06' }))).to.equal(false);
  });

  it('Tehran: Saturday-to-Thursday work week, Friday closed', () => {
    const cases: Array<[string, string]> = [
      ['2026-11-21T05:00:00Z', 'open'], // Sat 08:30
      ['2026-11-25T12:00:00Z', 'open'], // Wed 15:30
      ['2026-11-25T12:30:00Z', 'closed'], // Wed 16:00
      ['2026-11-26T09:00:00Z', 'open'], // Thu 12:30
      ['2026-11-26T09:30:00Z', 'closed'], // Thu 13:00
      ['2026-11-27T06:00:00Z', 'closed'], // Fri 09:30
    ];
    for (const [iso, want] of cases) expect(hoursState(tehran, at(iso)), iso).to.equal(want);
  });

  it('Nowruz 1405 (21–24 Mar 2026) and 1406 (21–24 Mar 2027), and 12 Farvardin', () => {
    for (const d of [
      '2026-03-21',
      '2026-03-22',
      '2026-03-23',
      '2026-03-24',
      '2027-03-21',
      '2027-03-24',
      '2026-04-01',
    ])
      expect(hoursState(tehran, at(`${d}T06:00:00Z`)), d).to.equal('holiday');
    for (const d of ['2026-03-25', '2027-03-20', '2027-03-25'])
      expect(hoursState(tehran, at(`${d}T06:00:00Z`)), d).not.to.equal('holiday');
  });

  it('calendar dates from Intl: leap months are not the plain month', () => {
    expect(calendarDate('2026-02-17', 'chinese')).to.deep.equal({ month: '1', day: 1 });
    expect(calendarDate('2026-03-21', 'persian')).to.deep.equal({ month: '1', day: 1 });
    expect(calendarDate('2025-08-01', 'chinese').month).to.equal('6bis');
    expect(isHoliday('2025-08-01', h({ calendar: 'chinese', month: 6, day: 8 }))).to.equal(false);
  });

  it('Tehran has no DST since 2022: 08:00 local is 04:30 UTC in summer and winter', () => {
    expect(localTime(at('2026-07-01T04:30:00Z'), 'Asia/Tehran').time).to.equal('08:00');
    expect(localTime(at('2026-01-01T04:30:00Z'), 'Asia/Tehran').time).to.equal('08:00');
  });

  it('a schedule with "24:00" stays open to midnight', () => {
    const late: HoursSpec = hoursNode.parse({
      type: 'hours',
      timeZone: 'Asia/Ho_Chi_Minh',
      weekly: week(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], ['00:00', '24:00']),
    });
    expect(hoursState(late, at('2026-11-23T16:59:00Z'))).to.equal('open'); // 23:59
  });
});
