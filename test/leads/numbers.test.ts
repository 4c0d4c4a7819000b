import { expect } from 'chai';
import { normalizeNumber, timeZoneOfNumber, timeZonesOfNumber } from '../../src/leads/index.js';

describe('leads: numbers in E.164 and their time zones', () => {
  const ok: Array<[raw: string, country: string, e164: string, iso: string]> = [
    // Vietnam: national 0-prefixed mobiles and landlines, +84 / 0084, the stray 0 after +84, old 11-digit mobiles.
    ['0912 345 678', 'VN', '+84912345678', 'VN'],
    ['0912-345-678', 'VN', '+84912345678', 'VN'],
    ['(+84) 912.345.678', 'US', '+84912345678', 'VN'],
    ['+84 0912 345 678', 'VN', '+84912345678', 'VN'],
    ['0084912345678', 'GB', '+84912345678', 'VN'],
    ['84912345678', 'VN', '+84912345678', 'VN'],
    ['0326 123 456', 'VN', '+84326123456', 'VN'],
    ['0162 345 6789', 'VN', '+84323456789', 'VN'], // 0162 became 032 in 2018
    ['024 3826 4000', 'VN', '+842438264000', 'VN'],
    ['028 3829 5000', 'VN', '+842838295000', 'VN'],
    // Iran: 0912…, Tehran landlines, +98 / 0098, Persian and Arabic-Indic digits.
    ['0912 345 6789', 'IR', '+989123456789', 'IR'],
    ['021 8888 1234', 'IR', '+982188881234', 'IR'],
    ['+98 912 345 6789', 'VN', '+989123456789', 'IR'],
    ['0098 912 345 6789', 'IR', '+989123456789', 'IR'],
    ['۰۹۱۲ ۳۴۵ ۶۷۸۹', 'IR', '+989123456789', 'IR'],
    ['٠٩١٢٣٤٥٦٧٨٩', 'IR', '+989123456789', 'IR'],
    // North America: 10 digits, a leading 1, 011 international, Canada and Puerto Rico by area code.
    ['(212) 555-0100', 'US', '+12125550100', 'US'],
    ['1 212 555 0100', 'US', '+12125550100', 'US'],
    ['+1 (808) 555-0100', 'VN', '+18085550100', 'US'],
    ['416-555-0100', 'US', '+14165550100', 'CA'],
    ['787 555 0100', 'US', '+17875550100', 'PR'],
    ['011 84 912 345 678', 'US', '+84912345678', 'VN'],
    // United Kingdom.
    ['07700 900123', 'GB', '+447700900123', 'GB'],
    ['020 7946 0000', 'GB', '+442079460000', 'GB'],
    ['+44 (0)20 7946 0000', 'VN', '+442079460000', 'GB'],
    ['0044 7700 900123', 'IR', '+447700900123', 'GB'],
  ];
  for (const [raw, country, e164, iso] of ok) {
    it(`${raw} (${country}) → ${e164}`, () => {
      expect(normalizeNumber(raw, country)).to.deep.equal({ ok: true, e164, country: iso });
    });
  }

  const bad: Array<[raw: string, country: string, reason: RegExp]> = [
    ['', 'VN', /no number/],
    ['call me', 'VN', /letters/],
    ['0912 345', 'VN', /not a Vietnamese number/],
    ['0112 345 678', 'VN', /not a Vietnamese number/],
    ['0912 345 67', 'IR', /not an Iranian number/],
    ['555 0100', 'US', /not a North American number/],
    ['(112) 555-0100', 'US', /not a North American number/],
    ['0770 090', 'GB', /not a UK number/],
    ['+999 1234 5678', 'VN', /unknown country code/],
    ['0912345678', 'XX', /default country XX/],
    ['+1234567890123456', 'US', /not a North American|longer/],
  ];
  for (const [raw, country, reason] of bad) {
    it(`refuses ${JSON.stringify(raw)} (${country})`, () => {
      const n = normalizeNumber(raw, country);
      expect(n.ok).to.equal(false);
      if (!n.ok) expect(n.reason).to.match(reason);
    });
  }

  const zones: Array<[e164: string, zone: string | undefined]> = [
    ['+84912345678', 'Asia/Ho_Chi_Minh'],
    ['+989123456789', 'Asia/Tehran'],
    ['+447700900123', 'Europe/London'],
    ['+12125550100', 'America/New_York'],
    ['+13125550100', 'America/Chicago'],
    ['+13035550100', 'America/Denver'],
    ['+14155550100', 'America/Los_Angeles'],
    ['+18085550100', 'Pacific/Honolulu'], // Hawaii
    ['+19075550100', 'America/Anchorage'], // Alaska
    ['+16025550100', 'America/Phoenix'], // Arizona: no daylight time
    ['+14805550100', 'America/Phoenix'],
    ['+19155550100', 'America/Denver'], // El Paso, Texas
    ['+13135550100', 'America/Detroit'],
    ['+13175550100', 'America/Indiana/Indianapolis'],
    ['+14165550100', 'America/Toronto'],
    ['+17875550100', 'America/Puerto_Rico'],
    ['+19285550100', undefined], // northern Arizona: the Navajo Nation keeps daylight time
    ['+18505550100', undefined], // Florida panhandle straddles Eastern and Central
    ['+18005550100', undefined], // toll free
    ['+61412345678', undefined], // Australian mobile
    ['+61298765432', 'Australia/Sydney'],
    ['+79161234567', undefined], // Russian mobile
  ];
  for (const [e164, zone] of zones) {
    it(`${e164} is in ${zone ?? 'no single zone'}`, () => {
      expect(timeZoneOfNumber(e164)).to.equal(zone);
    });
  }

  it('lists every candidate zone of a straddling area code', () => {
    expect(timeZonesOfNumber('+19285550100')).to.deep.equal(['America/Phoenix', 'America/Denver']);
    expect(timeZonesOfNumber('+18505550100')).to.have.members(['America/New_York', 'America/Chicago']);
    expect(timeZonesOfNumber('+18005550100')).to.deep.equal([]);
  });

  it('knows every zone it names', () => {
    const all = new Set<string>();
    for (let npa = 200; npa <= 999; npa++) for (const z of timeZonesOfNumber(`+1${npa}5550100`)) all.add(z);
    for (const z of all) expect(() => new Intl.DateTimeFormat('en', { timeZone: z }), z).not.to.throw();
    expect(all.size).to.be.greaterThan(20);
  });
});
