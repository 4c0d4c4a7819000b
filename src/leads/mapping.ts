import { ConsentScopes, type ConsentScope } from './consent.js';
import type { CsvRecord } from './csv.js';
import { normalizeNumber, timeZoneOfNumber } from './numbers.js';
import { isTimeZone } from './zones.js';

/** Lead fields a CSV column can fill; any other column lands in `custom` under its header. */
export const LeadFields = [
  'phone',
  'first_name',
  'last_name',
  'email',
  'country',
  'time_zone',
  'consent_source',
  'consent_at',
  'consent_scope',
  'consent_expires_at',
] as const;
export type LeadField = (typeof LeadFields)[number];
/** Where a column goes: a lead field, `custom.<key>`, or `ignore`. */
export type ColumnTarget = LeadField | 'ignore' | `custom.${string}`;
/** CSV header → target. Columns not named take a field by their header's usual names, else custom. */
export type ColumnMapping = Record<string, ColumnTarget>;

const Aliases: Record<LeadField, string[]> = {
  phone: ['phone', 'phone_number', 'phonenumber', 'number', 'mobile', 'mobile_number', 'msisdn', 'tel', 'telephone', 'cell', 'so_dien_thoai', 'sdt', 'dien_thoai'],
  first_name: ['first_name', 'firstname', 'given_name', 'first'],
  last_name: ['last_name', 'lastname', 'surname', 'family_name', 'last'],
  email: ['email', 'e_mail', 'email_address'],
  country: ['country', 'country_code', 'iso_country'],
  time_zone: ['time_zone', 'timezone', 'tz'],
  consent_source: ['consent_source'],
  consent_at: ['consent_at', 'consent_time', 'consent_date', 'consented_at'],
  consent_scope: ['consent_scope'],
  consent_expires_at: ['consent_expires_at', 'consent_expiry'],
}; // prettier-ignore

/** "Số điện thoại" / "Phone Number" → "so_dien_thoai" / "phone_number". */
function key(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

const byAlias = new Map<string, LeadField>();
for (const field of LeadFields) for (const a of Aliases[field]) byAlias.set(a, field);

export interface MappingIssue {
  path: string;
  message: string;
}

/** The mapping cannot be used with this file; nothing is imported. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
  constructor(readonly issues: MappingIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

export interface ResolvedColumn {
  index: number;
  header: string;
  target: ColumnTarget;
}

/** Targets for every column of the header: the mapping's, else the usual name's, else custom. */
export function resolveMapping(header: string[], mapping: ColumnMapping = {}): ResolvedColumn[] {
  const issues: MappingIssue[] = [];
  const present = new Set(header);
  for (const [h, target] of Object.entries(mapping)) {
    if (!present.has(h))
      issues.push({
        path: `mapping.${h}`,
        message: `the file has no column "${h}" (its header: ${header.map((x) => `"${x}"`).join(', ')})`,
      });
    if (!isTarget(target))
      issues.push({
        path: `mapping.${h}`,
        message: `"${target}" is not a lead field (${LeadFields.join(', ')}), custom.<name> or ignore`,
      });
  }
  const seen = new Map<string, string>();
  const columns = header.map((h, index): ResolvedColumn => {
    let target: ColumnTarget = mapping[h] ?? byAlias.get(key(h)) ?? `custom.${h || `column_${index + 1}`}`;
    // Two columns with one header name (Excel allows it) keep both values: Note, Note_2.
    if (mapping[h] === undefined && target.startsWith('custom.') && seen.has(target))
      target = `${target}_${index + 1}` as ColumnTarget;
    if (target !== 'ignore') {
      const other = seen.get(target);
      if (other !== undefined)
        issues.push({
          path: `mapping.${h}`,
          message: `columns "${other}" and "${h}" both go to ${target}; map one of them elsewhere or to ignore`,
        });
      seen.set(target, h);
    }
    return { index, header: h, target };
  });
  if (!columns.some((c) => c.target === 'phone'))
    issues.push({
      path: 'mapping',
      message: `no column is the phone number: map one of ${header.map((x) => `"${x}"`).join(', ')} to phone`,
    });
  if (issues.length) throw new MappingError(issues);
  return columns;
}

function isTarget(t: string): t is ColumnTarget {
  return (LeadFields as readonly string[]).includes(t) || t === 'ignore' || /^custom\..{1,100}$/.test(t);
}

/** The mapping the API suggests for a header (what an import without a mapping would use). */
export function suggestMapping(header: string[]): ColumnMapping {
  const out: ColumnMapping = {};
  for (const h of header) out[h] = byAlias.get(key(h)) ?? `custom.${h}`;
  return out;
}

export interface LeadRow {
  line: number;
  phone: string;
  country: string;
  timeZone: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  custom: Record<string, string>;
  consent?: { scope: ConsentScope; source: string; recordedAt: Date; expiresAt: Date | null };
}

export interface RowContext {
  defaultCountry: string;
  headerLength: number;
  /** Scope and source for rows whose file has no such column (or leaves it empty). */
  consentScope?: ConsentScope;
  consentSource?: string;
  /** Order of day and month in dates like 03/04/2026 (DMY unless the list's country is US). */
  dateOrder: 'DMY' | 'MDY';
  now: Date;
}

export type RowResult = { ok: true; lead: LeadRow } | { ok: false; reason: string };

const EmailShape = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** One CSV record as a lead, or the reason it cannot be one. */
export function toLead(record: CsvRecord, columns: ResolvedColumn[], ctx: RowContext): RowResult {
  if (record.error) return { ok: false, reason: record.error };
  const f = record.fields;
  if (f.length < ctx.headerLength)
    return { ok: false, reason: `${f.length} fields where the header has ${ctx.headerLength}` };
  if (f.length > ctx.headerLength && f.slice(ctx.headerLength).some((x) => x.trim() !== ''))
    return { ok: false, reason: `${f.length} fields where the header has ${ctx.headerLength}` };

  const v: Partial<Record<LeadField, string>> = {};
  const custom: Record<string, string> = {};
  for (const c of columns) {
    const value = (f[c.index] ?? '').trim();
    if (c.target === 'ignore') continue;
    if (c.target.startsWith('custom.')) {
      if (value !== '') custom[c.target.slice(7)] = value;
    } else if (value !== '') v[c.target as LeadField] = value;
  }

  if (!v.phone) return { ok: false, reason: 'phone is empty' };
  let country = ctx.defaultCountry;
  if (v.country) {
    if (!/^[A-Za-z]{2}$/.test(v.country))
      return { ok: false, reason: `country "${v.country}" is not a two-letter ISO code (VN, IR, US, GB...)` };
    country = v.country.toUpperCase();
  }
  const number = normalizeNumber(v.phone, country);
  if (!number.ok) return { ok: false, reason: `phone "${v.phone}": ${number.reason}` };

  let timeZone: string | null;
  if (v.time_zone) {
    if (!isTimeZone(v.time_zone) || !v.time_zone.includes('/'))
      return {
        ok: false,
        reason: `time_zone "${v.time_zone}" is not an IANA zone name (Asia/Ho_Chi_Minh, Asia/Tehran, America/Chicago...)`,
      };
    timeZone = v.time_zone;
  } else timeZone = timeZoneOfNumber(number.e164) ?? null;

  if (v.email && !EmailShape.test(v.email))
    return { ok: false, reason: `email "${v.email}" is not an address` };

  const lead: LeadRow = {
    line: record.line,
    phone: number.e164,
    country: number.country,
    timeZone,
    firstName: v.first_name ?? null,
    lastName: v.last_name ?? null,
    email: v.email ?? null,
    custom,
  };

  if (v.consent_at || v.consent_source || v.consent_scope || v.consent_expires_at) {
    const scope = v.consent_scope ?? ctx.consentScope;
    if (!scope) return { ok: false, reason: 'consent_scope is empty and the import sets no default scope' };
    if (!(ConsentScopes as readonly string[]).includes(scope))
      return { ok: false, reason: `consent_scope "${scope}" is not one of ${ConsentScopes.join(', ')}` };
    const source = v.consent_source ?? ctx.consentSource;
    if (!source) return { ok: false, reason: 'consent_source is empty: say where the consent was given' };
    if (!v.consent_at) return { ok: false, reason: 'consent_at is empty: say when the consent was given' };
    const zone = timeZone ?? 'UTC';
    const recordedAt = parseDateTime(v.consent_at, zone, ctx.dateOrder);
    if (!recordedAt) return { ok: false, reason: `consent_at "${v.consent_at}" is not a date and time` };
    if (recordedAt.getTime() > ctx.now.getTime() + 86_400_000)
      return { ok: false, reason: `consent_at "${v.consent_at}" is in the future` };
    let expiresAt: Date | null = null;
    if (v.consent_expires_at) {
      expiresAt = parseDateTime(v.consent_expires_at, zone, ctx.dateOrder) ?? null;
      if (!expiresAt)
        return { ok: false, reason: `consent_expires_at "${v.consent_expires_at}" is not a date and time` };
    }
    lead.consent = { scope: scope as ConsentScope, source, recordedAt, expiresAt };
  }
  return { ok: true, lead };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `ms`, in ms. */
function offsetMs(zone: string, ms: number): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
  return (
    Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000
  );
}

/** The instant at which the wall clock in `zone` reads the given local time. */
export function zonedTimeToUtc(zone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = local - offsetMs(zone, local);
  t = local - offsetMs(zone, t);
  return new Date(t);
}

/**
 * ISO 8601 (with or without offset), "YYYY-MM-DD[ HH:mm[:ss]]" or "DD/MM/YYYY[ HH:mm[:ss]]"
 * (MM/DD/YYYY when `order` is MDY); times without an offset are wall-clock time in `zone`.
 */
export function parseDateTime(text: string, zone: string, order: 'DMY' | 'MDY'): Date | undefined {
  const s = text.trim();
  if (/([zZ]|[+-]\d{2}:?\d{2})$/.test(s) && /^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
    if (!m) return undefined;
    const [a, b] = [Number(m[1]), Number(m[2])];
    [d, mo] = order === 'DMY' ? [a, b] : [b, a];
    y = Number(m[3]);
  }
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return undefined; // 31/02
  return zonedTimeToUtc(zone, y, mo, d, h, mi, sec);
}
