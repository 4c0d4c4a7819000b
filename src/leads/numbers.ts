import { byIso, ruleOfDigits, type CountryRule } from './countries.js';
import { nanpCountryOf, zonesOf } from './zones.js';

export type NormalizedNumber = { ok: true; e164: string; country: string } | { ok: false; reason: string };

/** Persian (U+06F0…), Arabic-Indic (U+0660…) and full-width (U+FF10…) digits, as ASCII. */
function asciiDigits(s: string): string {
  return s.replace(/[\u06F0-\u06F9\u0660-\u0669\uFF10-\uFF19]/g, (d) => {
    const c = d.charCodeAt(0);
    const base = c >= 0xff10 ? 0xff10 : c >= 0x06f0 ? 0x06f0 : 0x0660;
    return String(c - base);
  });
}

/** Vietnam's 11-digit mobile prefixes, renumbered in 2018 (0162 → 032, 0120 → 070...). */
const VnOldMobile: Record<string, string> = {
  '120': '70', '121': '79', '122': '77', '126': '76', '128': '78',
  '123': '83', '124': '84', '125': '85', '127': '81', '129': '82',
  '162': '32', '163': '33', '164': '34', '165': '35', '166': '36', '167': '37', '168': '38', '169': '39',
  '186': '56', '188': '58', '199': '59',
}; // prettier-ignore

type NsnCheck = { ok: true; nsn: string } | { ok: false; reason: string };

/** Country-specific shape of the national significant number; may rewrite it (old VN mobiles). */
function checkNsn(rule: CountryRule, nsn: string): NsnCheck {
  switch (rule.cc) {
    case '84': {
      const renumbered = nsn.length === 10 ? VnOldMobile[nsn.slice(0, 3)] : undefined;
      if (renumbered) nsn = renumbered + nsn.slice(3);
      if (/^[35789]\d{8}$/.test(nsn) || /^2\d{9}$/.test(nsn)) return { ok: true, nsn };
      return {
        ok: false,
        reason:
          'not a Vietnamese number: a mobile has 9 digits after the 0 starting 3, 5, 7, 8 or 9 (0912 345 678), a landline 02x + 8 digits',
      };
    }
    case '98':
      if (/^[1-9]\d{9}$/.test(nsn)) return { ok: true, nsn };
      return {
        ok: false,
        reason: 'not an Iranian number: 10 digits after the 0 (0912 345 6789, 021 1234 5678)',
      };
    case '1':
      if (/^[2-9]\d{2}[2-9]\d{6}$/.test(nsn) && nsn.slice(1, 3) !== '11') return { ok: true, nsn };
      return {
        ok: false,
        reason:
          'not a North American number: area code and number, 10 digits (212 555 0100), neither starting 0 or 1',
      };
    case '44':
      if (/^[1-9]\d{8,9}$/.test(nsn)) return { ok: true, nsn };
      return {
        ok: false,
        reason: 'not a UK number: 9 or 10 digits after the 0 (07700 900123, 020 7946 0000)',
      };
    default:
      if (nsn.length < rule.min || nsn.length > rule.max)
        return {
          ok: false,
          reason: `a ${rule.iso} number has ${rule.min === rule.max ? rule.min : `${rule.min} to ${rule.max}`} digits after the country code, not ${nsn.length}`,
        };
      if (rule.trunk && nsn.startsWith('0'))
        return { ok: false, reason: `a ${rule.iso} number does not start with 0 after the country code` };
      return { ok: true, nsn };
  }
}

/** The country of a checked NSN under a calling code shared by several countries (+1, +7). */
function countryOf(rule: CountryRule, nsn: string): string {
  if (rule.cc === '1') return nanpCountryOf(nsn.slice(0, 3));
  if (rule.cc === '7') return /^[67]/.test(nsn) ? 'KZ' : 'RU';
  return rule.iso;
}

function build(rule: CountryRule, nsn: string): NormalizedNumber {
  const checked = checkNsn(rule, nsn);
  if (!checked.ok) return checked;
  const e164 = `+${rule.cc}${checked.nsn}`;
  if (e164.length > 16) return { ok: false, reason: 'longer than E.164 allows (15 digits)' };
  return { ok: true, e164, country: countryOf(rule, checked.nsn) };
}

function international(digits: string): NormalizedNumber {
  const rule = ruleOfDigits(digits);
  if (!rule) return { ok: false, reason: `unknown country code +${digits.slice(0, 3)}` };
  let nsn = digits.slice(rule.cc.length);
  // "+84 0912 345 678": the national 0 written after the country code.
  if (rule.trunk === '0' && nsn.startsWith('0')) nsn = nsn.slice(1);
  return build(rule, nsn);
}

/**
 * A number as people write it, in E.164. National numbers take `defaultCountry` (ISO 3166,
 * e.g. VN: 0912 345 678 → +84912345678; IR: 0912 345 6789 → +989123456789); "+", "00" (and "011"
 * in North America) mark international ones. Spaces, dashes, dots, brackets and Persian or
 * Arabic-Indic digits are accepted; letters are not.
 */
export function normalizeNumber(raw: string, defaultCountry: string): NormalizedNumber {
  const text = asciiDigits(raw.normalize('NFKC'))
    .replace(/[\s\u200B-\u200F\u202A-\u202E\u2060\uFEFF]/g, '')
    .replace(/[-.()/\u2010-\u2015]/g, '');
  if (text === '') return { ok: false, reason: 'no number' };
  if (!/^\+?\d+$/.test(text)) {
    return {
      ok: false,
      reason: /[A-Za-z]/.test(text) ? 'contains letters' : 'contains characters other than digits',
    };
  }
  const rule = byIso.get(defaultCountry.toUpperCase());
  if (text.startsWith('+')) return international(text.slice(1));
  if (text.startsWith('00') && rule?.cc !== '1') return international(text.slice(2));
  if (text.startsWith('011') && rule?.cc === '1') return international(text.slice(3));
  if (!rule) {
    return {
      ok: false,
      reason: `no country code, and the default country ${defaultCountry || '(none)'} is not one we know`,
    };
  }
  let nsn = text;
  if (rule.trunk && nsn.startsWith(rule.trunk)) {
    // In NANP a leading 1 is the trunk prefix only on 11 digits.
    if (rule.cc !== '1' || nsn.length === 11) nsn = nsn.slice(rule.trunk.length);
  }
  const national = build(rule, nsn);
  if (national.ok) return national;
  // "84912345678": written with the country code but without "+".
  if (text.startsWith(rule.cc)) {
    const asInternational = international(text);
    if (asInternational.ok) return asInternational;
  }
  return national;
}

/** Country and national significant number of an E.164 number we produced (or undefined). */
export function splitE164(e164: string): { country: string; nsn: string } | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(e164)) return undefined;
  const rule = ruleOfDigits(e164.slice(1));
  if (!rule) return undefined;
  const nsn = e164.slice(1 + rule.cc.length);
  return { country: countryOf(rule, nsn), nsn };
}

/** Every IANA zone the number's owner may live in, most likely first; [] when it cannot tell. */
export function timeZonesOfNumber(e164: string): string[] {
  const parts = splitE164(e164);
  return parts ? zonesOf(parts.country, parts.nsn) : [];
}

/**
 * The IANA zone of the number's owner when the number alone tells it (Vietnam, Iran, the UK, a
 * US area code inside one zone...); undefined when it could be several (a US area code straddling
 * zones, a mobile in Russia or Australia) or none is known.
 */
export function timeZoneOfNumber(e164: string): string | undefined {
  const zones = timeZonesOfNumber(e164);
  return zones.length === 1 ? zones[0] : undefined;
}
