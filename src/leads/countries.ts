/**
 * Country calling codes (ITU-T E.164 assignments) and national dialling habits: the national
 * (trunk) prefix people write before a national number, and the lengths a national significant
 * number (NSN: the digits after the country code) may have. Countries with stricter rules (VN, IR,
 * NANP, GB) are refined in numbers.ts.
 */
export interface CountryRule {
  /** ISO 3166-1 alpha-2. */
  iso: string;
  /** Country calling code without "+". */
  cc: string;
  /** National prefix written before the NSN at home ("0" in most countries, "1" in NANP, "8" in Russia). */
  trunk: string;
  /** Shortest and longest NSN. */
  min: number;
  max: number;
}

// [iso, cc, trunk, min, max]; trunk '' = the country has none (the leading 0 in Italy is part of the number).
const Rows: Array<[string, string, string, number, number]> = [
  ['US', '1', '1', 10, 10],
  ['RU', '7', '8', 10, 10],
  ['KZ', '7', '8', 10, 10],
  ['EG', '20', '0', 8, 10],
  ['ZA', '27', '0', 9, 9],
  ['GR', '30', '', 10, 10],
  ['NL', '31', '0', 9, 9],
  ['BE', '32', '0', 8, 9],
  ['FR', '33', '0', 9, 9],
  ['ES', '34', '', 9, 9],
  ['HU', '36', '06', 8, 9],
  ['IT', '39', '', 6, 11],
  ['RO', '40', '0', 9, 9],
  ['CH', '41', '0', 9, 9],
  ['AT', '43', '0', 4, 13],
  ['GB', '44', '0', 9, 10],
  ['DK', '45', '', 8, 8],
  ['SE', '46', '0', 7, 10],
  ['NO', '47', '', 8, 8],
  ['PL', '48', '', 9, 9],
  ['DE', '49', '0', 6, 13],
  ['PE', '51', '0', 8, 9],
  ['MX', '52', '', 10, 10],
  ['CU', '53', '0', 6, 8],
  ['AR', '54', '0', 10, 11],
  ['BR', '55', '0', 10, 11],
  ['CL', '56', '', 9, 9],
  ['CO', '57', '', 8, 10],
  ['VE', '58', '0', 10, 10],
  ['MY', '60', '0', 8, 10],
  ['AU', '61', '0', 9, 9],
  ['ID', '62', '0', 8, 12],
  ['PH', '63', '0', 8, 10],
  ['NZ', '64', '0', 8, 10],
  ['SG', '65', '', 8, 8],
  ['TH', '66', '0', 8, 9],
  ['JP', '81', '0', 9, 10],
  ['KR', '82', '0', 8, 10],
  ['VN', '84', '0', 9, 10],
  ['CN', '86', '0', 9, 11],
  ['TR', '90', '0', 10, 10],
  ['IN', '91', '0', 10, 10],
  ['PK', '92', '0', 9, 10],
  ['AF', '93', '0', 9, 9],
  ['LK', '94', '0', 9, 9],
  ['MM', '95', '0', 7, 10],
  ['IR', '98', '0', 10, 10],
  ['SS', '211', '0', 9, 9],
  ['MA', '212', '0', 9, 9],
  ['DZ', '213', '0', 8, 9],
  ['TN', '216', '', 8, 8],
  ['LY', '218', '0', 8, 9],
  ['GM', '220', '', 7, 7],
  ['SN', '221', '', 9, 9],
  ['CI', '225', '', 8, 10],
  ['ML', '223', '', 8, 8],
  ['GH', '233', '0', 9, 9],
  ['NG', '234', '0', 8, 10],
  ['CM', '237', '', 8, 9],
  ['SD', '249', '0', 9, 9],
  ['RW', '250', '0', 9, 9],
  ['ET', '251', '0', 9, 9],
  ['SO', '252', '0', 7, 9],
  ['KE', '254', '0', 9, 9],
  ['TZ', '255', '0', 9, 9],
  ['UG', '256', '0', 9, 9],
  ['MZ', '258', '', 8, 9],
  ['ZM', '260', '0', 9, 9],
  ['MG', '261', '0', 9, 9],
  ['ZW', '263', '0', 9, 10],
  ['AO', '244', '', 9, 9],
  ['CD', '243', '0', 9, 9],
  ['GI', '350', '', 8, 8],
  ['PT', '351', '', 9, 9],
  ['LU', '352', '', 4, 11],
  ['IE', '353', '0', 7, 9],
  ['IS', '354', '', 7, 9],
  ['AL', '355', '0', 8, 9],
  ['MT', '356', '', 8, 8],
  ['CY', '357', '', 8, 8],
  ['FI', '358', '0', 5, 12],
  ['BG', '359', '0', 8, 9],
  ['LT', '370', '8', 8, 8],
  ['LV', '371', '', 8, 8],
  ['EE', '372', '', 7, 8],
  ['MD', '373', '0', 8, 8],
  ['AM', '374', '0', 8, 8],
  ['BY', '375', '8', 9, 10],
  ['UA', '380', '0', 9, 9],
  ['RS', '381', '0', 8, 9],
  ['ME', '382', '0', 8, 8],
  ['HR', '385', '0', 8, 9],
  ['SI', '386', '0', 8, 8],
  ['BA', '387', '0', 8, 8],
  ['MK', '389', '0', 8, 8],
  ['CZ', '420', '', 9, 9],
  ['SK', '421', '0', 9, 9],
  ['GT', '502', '', 8, 8],
  ['SV', '503', '', 8, 8],
  ['HN', '504', '', 8, 8],
  ['NI', '505', '', 8, 8],
  ['CR', '506', '', 8, 8],
  ['PA', '507', '', 7, 8],
  ['BO', '591', '0', 8, 8],
  ['EC', '593', '0', 8, 9],
  ['PY', '595', '0', 9, 9],
  ['UY', '598', '0', 8, 8],
  ['BN', '673', '', 7, 7],
  ['PG', '675', '', 7, 8],
  ['FJ', '679', '', 7, 7],
  ['TL', '670', '', 7, 8],
  ['HK', '852', '', 8, 8],
  ['MO', '853', '', 8, 8],
  ['KH', '855', '0', 8, 9],
  ['LA', '856', '0', 8, 10],
  ['BD', '880', '0', 10, 10],
  ['TW', '886', '0', 8, 9],
  ['MV', '960', '', 7, 7],
  ['LB', '961', '0', 7, 8],
  ['JO', '962', '0', 8, 9],
  ['SY', '963', '0', 8, 9],
  ['IQ', '964', '0', 8, 10],
  ['KW', '965', '', 8, 8],
  ['SA', '966', '0', 8, 9],
  ['YE', '967', '0', 7, 9],
  ['OM', '968', '', 8, 8],
  ['PS', '970', '0', 8, 9],
  ['AE', '971', '0', 8, 9],
  ['IL', '972', '0', 8, 9],
  ['BH', '973', '', 8, 8],
  ['QA', '974', '', 8, 8],
  ['BT', '975', '', 7, 8],
  ['MN', '976', '', 8, 8],
  ['NP', '977', '0', 8, 10],
  ['TJ', '992', '', 9, 9],
  ['TM', '993', '8', 8, 8],
  ['AZ', '994', '0', 9, 9],
  ['GE', '995', '0', 9, 9],
  ['KG', '996', '0', 9, 9],
  ['UZ', '998', '', 9, 9],
];

/** Countries sharing +1 (NANP): in `byIso` so a default country of CA or PR parses like US. */
const NanpMembers = [
  'CA', 'PR', 'VI', 'GU', 'MP', 'AS', 'BS', 'BB', 'AI', 'AG', 'VG', 'KY', 'BM', 'GD', 'TC', 'JM', 'MS', 'SX',
  'LC', 'DM', 'VC', 'DO', 'TT', 'KN',
]; // prettier-ignore

export const byIso = new Map<string, CountryRule>();
export const byCode = new Map<string, CountryRule>();
for (const [iso, cc, trunk, min, max] of Rows) {
  const rule = { iso, cc, trunk, min, max };
  byIso.set(iso, rule);
  // +7 is Russia's unless the number says Kazakhstan (see numbers.ts).
  if (!byCode.has(cc)) byCode.set(cc, rule);
}
for (const iso of NanpMembers) byIso.set(iso, { ...byIso.get('US')!, iso });

/** The rule for the country code an E.164 number starts with (digits after "+"). */
export function ruleOfDigits(digits: string): CountryRule | undefined {
  for (let n = 1; n <= 3; n++) {
    const rule = byCode.get(digits.slice(0, n));
    if (rule) return rule;
  }
  return undefined;
}
