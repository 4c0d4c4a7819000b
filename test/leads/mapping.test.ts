import { expect } from 'chai';
import {
  MappingError,
  parseDateTime,
  resolveMapping,
  suggestMapping,
  toLead,
} from '../../src/leads/mapping.js';

describe('leads: column mapping and row checks', () => {
  it('maps columns by the mapping, then by usual names (Vietnamese too), the rest to custom', () => {
    const cols = resolveMapping(['Số điện thoại', 'First Name', 'Hạng', 'Note', 'Note', ''], {
      Hạng: 'custom.tier',
    });
    expect(cols.map((c) => c.target)).to.deep.equal([
      'phone',
      'first_name',
      'custom.tier',
      'custom.Note',
      'custom.Note_5',
      'custom.column_6',
    ]);
    expect(suggestMapping(['sdt', 'Email Address', 'consent_at'])).to.deep.equal({
      sdt: 'phone',
      'Email Address': 'email',
      consent_at: 'consent_at',
    });
  });

  it('refuses a mapping that cannot work with the file, naming each problem', () => {
    try {
      resolveMapping(['Mobile', 'Phone', 'Name'], { Name: 'salary' as never, Missing: 'phone' });
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(MappingError);
      const paths = (err as MappingError).issues.map((i) => i.path);
      expect(paths).to.include.members(['mapping.Missing', 'mapping.Name', 'mapping.Phone']);
      expect((err as MappingError).message).to.match(/columns "Mobile" and "Phone" both go to phone/);
    }
    expect(() => resolveMapping(['name', 'city'])).to.throw(MappingError, /no column is the phone number/);
  });

  it('reads consent times in the lead’s zone, day/month or month/day, across daylight-saving changes', () => {
    expect(parseDateTime('2026-10-01 09:30', 'Asia/Ho_Chi_Minh', 'DMY')!.toISOString()).to.equal(
      '2026-10-01T02:30:00.000Z',
    );
    expect(parseDateTime('01/10/2026', 'Asia/Tehran', 'DMY')!.toISOString()).to.equal(
      '2026-09-30T20:30:00.000Z',
    );
    expect(parseDateTime('10/01/2026 8:00', 'America/New_York', 'MDY')!.toISOString()).to.equal(
      '2026-10-01T12:00:00.000Z',
    );
    expect(parseDateTime('2026-01-15T08:00', 'America/New_York', 'MDY')!.toISOString()).to.equal(
      '2026-01-15T13:00:00.000Z',
    );
    expect(parseDateTime('2026-10-01T09:30:00+07:00', 'UTC', 'DMY')!.toISOString()).to.equal(
      '2026-10-01T02:30:00.000Z',
    );
    expect(parseDateTime('31/02/2026', 'UTC', 'DMY')).to.equal(undefined);
    expect(parseDateTime('yesterday', 'UTC', 'DMY')).to.equal(undefined);
    expect(parseDateTime('2026-13-01', 'UTC', 'DMY')).to.equal(undefined);
  });

  it('turns a record into a lead, or says why not', () => {
    const cols = resolveMapping(['phone', 'country', 'time_zone', 'email', 'consent_at']);
    const ctx = {
      defaultCountry: 'VN',
      headerLength: 5,
      dateOrder: 'DMY' as const,
      now: new Date('2026-11-23T00:00:00Z'),
    };
    const row = (fields: string[]) => toLead({ line: 9, fields }, cols, ctx);
    expect(row(['09123456789', 'IR', '', '', ''])).to.deep.include({ ok: true });
    const ir = row(['09123456789', 'ir', '', 'reza@example.ir', '']);
    expect(ir.ok && ir.lead).to.deep.include({
      phone: '+989123456789',
      country: 'IR',
      timeZone: 'Asia/Tehran',
      line: 9,
    });
    expect(row(['0912345678', 'Vietnam', '', '', ''])).to.deep.include({ ok: false });
    expect(row(['0912345678', '', 'GMT+7', '', ''])).to.deep.include({ ok: false });
    expect(row(['0912345678', '', '', 'not-an-email', ''])).to.deep.include({ ok: false });
    expect(row(['0912345678', '', '', '', '01/10/2026'])).to.deep.equal({
      ok: false,
      reason: 'consent_scope is empty and the import sets no default scope',
    });
    const ok = toLead({ line: 2, fields: ['0912345678', '', '', '', '01/12/2026'] }, cols, {
      ...ctx,
      consentScope: 'advertising',
      consentSource: 'hotline opt-in',
    });
    expect(ok).to.deep.equal({ ok: false, reason: 'consent_at "01/12/2026" is in the future' });
    expect(row(['0912345678', '', '', '', '', 'extra'])).to.deep.equal({
      ok: false,
      reason: '6 fields where the header has 5',
    });
    expect(row(['0912345678', '', '', '', '', ''])).to.deep.include({ ok: true });
  });
});
