/**
 * Where a number's owner lives, as far as the number tells: IANA time zones by country, and by
 * area code in countries spanning several zones. An area code whose territory straddles zones
 * lists every zone that a noticeable share of its subscribers uses; callers then either refuse
 * to guess (timeZoneOfNumber → undefined) or require the calling window in all of them.
 */

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';
const PHX = 'America/Phoenix';
const DET = 'America/Detroit';
const IND = 'America/Indiana/Indianapolis';
const BOI = 'America/Boise';

/** NANP area codes (NPA) → candidate zones. Toll-free and non-geographic codes are absent. */
const Nanp: Array<[string, string | string[]]> = [
  // Alabama, Arkansas, Iowa, Illinois, Louisiana, Minnesota, Mississippi, Missouri, Oklahoma, Wisconsin
  ['205 251 256 334 659 938', CHI],
  ['327 479 501 870', CHI],
  ['319 515 563 641 712', CHI],
  ['217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872', CHI],
  ['225 318 337 504 985', CHI],
  ['218 320 507 612 651 763 924 952', CHI],
  ['228 601 662 769', CHI],
  ['235 314 417 557 573 636 660 816', CHI],
  ['405 539 572 580 918', CHI],
  ['262 274 353 414 534 608 715 920', CHI],
  // Texas (El Paso is Mountain)
  [
    '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979',
    CHI,
  ],
  ['915', DEN],
  // Kansas, Nebraska, North and South Dakota: a western strip is Mountain
  ['316 402 531 913', CHI],
  ['308 620 701 785 605', [CHI, DEN]],
  // Eastern
  ['203 475 860 959', NY],
  ['302 202 771', NY],
  ['239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954', NY],
  ['850 448', [NY, CHI]], // Florida panhandle: Tallahassee Eastern, Pensacola Central
  ['229 404 470 478 678 706 762 770 912 943', NY],
  ['207 603 802 401', NY],
  ['227 240 301 410 443 667', NY],
  ['339 351 413 508 617 774 781 857 978', NY],
  ['201 551 609 640 732 848 856 862 908 973', NY],
  ['212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934', NY],
  ['252 336 472 704 743 828 910 919 980 984', NY],
  ['216 220 234 283 326 330 380 419 436 440 513 567 614 740 937', NY],
  ['215 223 267 272 412 445 484 570 582 610 717 724 814 835 878', NY],
  ['803 839 843 854 864', NY],
  ['276 434 540 571 686 703 757 804 826 948', NY],
  ['304 681', NY],
  ['502 606 859', NY],
  ['270 364', [CHI, NY]], // western Kentucky: Central, but Elizabethtown and others Eastern
  ['865', NY],
  ['423', [NY, CHI]],
  ['615 629 731 901 931', CHI],
  ['231 248 269 313 517 586 616 679 734 810 947 989', DET],
  ['906', [DET, 'America/Menominee']],
  ['260 317 463 574 765', IND],
  ['219', CHI], // north-west Indiana (Gary) keeps Chicago time
  ['812 930', [IND, CHI]], // Evansville is Central
  // Mountain
  ['303 719 720 970 983', DEN],
  ['505 575', DEN],
  ['406', DEN],
  ['385 435 801', DEN],
  ['307', DEN],
  ['480 520 602 623', PHX], // Arizona keeps standard time all year
  ['928', [PHX, DEN]], // the Navajo Nation observes daylight time
  ['208 986', [BOI, LA]], // northern Idaho is Pacific
  // Pacific
  [
    '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 837 840 858 909 916 925 949 951',
    LA,
  ],
  ['206 253 360 425 509 564', LA],
  ['503 971', LA],
  ['458 541', [LA, BOI]], // Malheur County, Oregon is Mountain
  ['702 725 775', LA],
  ['907', 'America/Anchorage'], // the western Aleutians (America/Adak) are a few hundred people
  ['808', 'Pacific/Honolulu'],
  // US territories
  ['787 939', 'America/Puerto_Rico'],
  ['340', 'America/St_Thomas'],
  ['671', 'Pacific/Guam'],
  ['670', 'Pacific/Saipan'],
  ['684', 'Pacific/Pago_Pago'],
  // Canada
  ['204 431 584', 'America/Winnipeg'],
  ['226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905', 'America/Toronto'],
  ['807', ['America/Toronto', 'America/Winnipeg']],
  ['263 354 367 418 438 450 468 514 579 581 819 873', 'America/Toronto'],
  ['306 474 639', 'America/Regina'],
  ['368 403 587 780 825', 'America/Edmonton'],
  ['604', 'America/Vancouver'],
  ['236 250 257 672 778', ['America/Vancouver', 'America/Edmonton']],
  ['428 506', 'America/Moncton'],
  ['782 902', 'America/Halifax'],
  ['709 879', ['America/St_Johns', 'America/Goose_Bay']],
  ['867', ['America/Whitehorse', 'America/Yellowknife', 'America/Iqaluit']],
  // Caribbean members of NANP
  ['242', 'America/Nassau'],
  ['246', 'America/Barbados'],
  ['264', 'America/Anguilla'],
  ['268', 'America/Antigua'],
  ['284', 'America/Tortola'],
  ['345', 'America/Cayman'],
  ['441', 'Atlantic/Bermuda'],
  ['473', 'America/Grenada'],
  ['649', 'America/Grand_Turk'],
  ['658 876', 'America/Jamaica'],
  ['664', 'America/Montserrat'],
  ['721', 'America/Lower_Princes'],
  ['758', 'America/St_Lucia'],
  ['767', 'America/Dominica'],
  ['784', 'America/St_Vincent'],
  ['809 829 849', 'America/Santo_Domingo'],
  ['868', 'America/Port_of_Spain'],
  ['869', 'America/St_Kitts'],
];

/** NANP country of each non-US area code. */
const NanpCountry: Array<[string, string]> = [
  ['204 431 584 226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 807', 'CA'],
  ['263 354 367 418 438 450 468 514 579 581 819 873 306 474 639 368 403 587 780 825', 'CA'],
  ['604 236 250 257 672 778 428 506 782 902 709 879 867', 'CA'],
  ['787 939', 'PR'],
  ['340', 'VI'],
  ['671', 'GU'],
  ['670', 'MP'],
  ['684', 'AS'],
  ['242', 'BS'],
  ['246', 'BB'],
  ['264', 'AI'],
  ['268', 'AG'],
  ['284', 'VG'],
  ['345', 'KY'],
  ['441', 'BM'],
  ['473', 'GD'],
  ['649', 'TC'],
  ['658 876', 'JM'],
  ['664', 'MS'],
  ['721', 'SX'],
  ['758', 'LC'],
  ['767', 'DM'],
  ['784', 'VC'],
  ['809 829 849', 'DO'],
  ['868', 'TT'],
  ['869', 'KN'],
];

function expand<T>(rows: Array<[string, T]>): Map<string, T> {
  const map = new Map<string, T>();
  for (const [codes, value] of rows) for (const code of codes.split(' ')) map.set(code, value);
  return map;
}

const nanpZones = expand(Nanp);
const nanpCountry = expand(NanpCountry);

/** The country of a NANP area code (US unless listed as another member). */
export function nanpCountryOf(npa: string): string {
  return nanpCountry.get(npa) ?? 'US';
}

/** Countries on one time zone (or whose zones share one set of rules). */
const SingleZone: Record<string, string> = {
  VN: 'Asia/Ho_Chi_Minh', IR: 'Asia/Tehran', GB: 'Europe/London', IE: 'Europe/Dublin',
  FR: 'Europe/Paris', DE: 'Europe/Berlin', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels',
  CH: 'Europe/Zurich', AT: 'Europe/Vienna', IT: 'Europe/Rome', GR: 'Europe/Athens',
  HU: 'Europe/Budapest', RO: 'Europe/Bucharest', DK: 'Europe/Copenhagen', SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo', PL: 'Europe/Warsaw', FI: 'Europe/Helsinki', BG: 'Europe/Sofia',
  LT: 'Europe/Vilnius', LV: 'Europe/Riga', EE: 'Europe/Tallinn', MD: 'Europe/Chisinau',
  AM: 'Asia/Yerevan', BY: 'Europe/Minsk', UA: 'Europe/Kyiv', RS: 'Europe/Belgrade',
  ME: 'Europe/Podgorica', HR: 'Europe/Zagreb', SI: 'Europe/Ljubljana', BA: 'Europe/Sarajevo',
  MK: 'Europe/Skopje', CZ: 'Europe/Prague', SK: 'Europe/Bratislava', LU: 'Europe/Luxembourg',
  IS: 'Atlantic/Reykjavik', AL: 'Europe/Tirane', MT: 'Europe/Malta', CY: 'Asia/Nicosia',
  GI: 'Europe/Gibraltar', TR: 'Europe/Istanbul', EG: 'Africa/Cairo', ZA: 'Africa/Johannesburg',
  MA: 'Africa/Casablanca', DZ: 'Africa/Algiers', TN: 'Africa/Tunis', LY: 'Africa/Tripoli',
  GM: 'Africa/Banjul', SN: 'Africa/Dakar', CI: 'Africa/Abidjan', ML: 'Africa/Bamako',
  GH: 'Africa/Accra', NG: 'Africa/Lagos', CM: 'Africa/Douala', SD: 'Africa/Khartoum',
  SS: 'Africa/Juba', RW: 'Africa/Kigali', ET: 'Africa/Addis_Ababa', SO: 'Africa/Mogadishu',
  KE: 'Africa/Nairobi', TZ: 'Africa/Dar_es_Salaam', UG: 'Africa/Kampala', MZ: 'Africa/Maputo',
  ZM: 'Africa/Lusaka', MG: 'Indian/Antananarivo', ZW: 'Africa/Harare', AO: 'Africa/Luanda',
  PE: 'America/Lima', CU: 'America/Havana', AR: 'America/Argentina/Buenos_Aires',
  CO: 'America/Bogota', VE: 'America/Caracas', GT: 'America/Guatemala', SV: 'America/El_Salvador',
  HN: 'America/Tegucigalpa', NI: 'America/Managua', CR: 'America/Costa_Rica', PA: 'America/Panama',
  BO: 'America/La_Paz', PY: 'America/Asuncion', UY: 'America/Montevideo',
  MY: 'Asia/Kuala_Lumpur', PH: 'Asia/Manila', SG: 'Asia/Singapore', TH: 'Asia/Bangkok',
  JP: 'Asia/Tokyo', KR: 'Asia/Seoul', CN: 'Asia/Shanghai', IN: 'Asia/Kolkata', PK: 'Asia/Karachi',
  AF: 'Asia/Kabul', LK: 'Asia/Colombo', MM: 'Asia/Yangon', BN: 'Asia/Brunei', TL: 'Asia/Dili',
  HK: 'Asia/Hong_Kong', MO: 'Asia/Macau', KH: 'Asia/Phnom_Penh', LA: 'Asia/Vientiane',
  BD: 'Asia/Dhaka', TW: 'Asia/Taipei', MV: 'Indian/Maldives', LB: 'Asia/Beirut', JO: 'Asia/Amman',
  SY: 'Asia/Damascus', IQ: 'Asia/Baghdad', KW: 'Asia/Kuwait', SA: 'Asia/Riyadh', YE: 'Asia/Aden',
  OM: 'Asia/Muscat', PS: 'Asia/Gaza', AE: 'Asia/Dubai', IL: 'Asia/Jerusalem', BH: 'Asia/Bahrain',
  QA: 'Asia/Qatar', BT: 'Asia/Thimphu', NP: 'Asia/Kathmandu', TJ: 'Asia/Dushanbe',
  TM: 'Asia/Ashgabat', AZ: 'Asia/Baku', GE: 'Asia/Tbilisi', KG: 'Asia/Bishkek', UZ: 'Asia/Tashkent',
  KZ: 'Asia/Almaty', NZ: 'Pacific/Auckland', PG: 'Pacific/Port_Moresby', FJ: 'Pacific/Fiji',
}; // prettier-ignore

/** Area-code prefixes of the NSN in multi-zone countries (longest prefix wins). */
const ByPrefix: Record<string, Array<[string, string]>> = {
  AU: [
    ['2', 'Australia/Sydney'],
    ['3', 'Australia/Melbourne'],
    ['7', 'Australia/Brisbane'],
    ['89', 'Australia/Perth'],
  ],
  BR: [
    ...'11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46 47 48 49 51 53 54 55 61 62 64'
      .split(' ')
      .map((p): [string, string] => [p, 'America/Sao_Paulo']),
    ['63', 'America/Araguaina'],
    ['65', 'America/Cuiaba'],
    ['66', 'America/Cuiaba'],
    ['67', 'America/Campo_Grande'],
    ['68', 'America/Rio_Branco'],
    ['69', 'America/Porto_Velho'],
    ...'71 73 74 75 77'.split(' ').map((p): [string, string] => [p, 'America/Bahia']),
    ['79', 'America/Maceio'],
    ['82', 'America/Maceio'],
    ['81', 'America/Recife'],
    ['87', 'America/Recife'],
    ...'83 84 85 86 88 89 98 99'.split(' ').map((p): [string, string] => [p, 'America/Fortaleza']),
    ['91', 'America/Belem'],
    ['93', 'America/Santarem'],
    ['94', 'America/Belem'],
    ['96', 'America/Belem'],
    ['92', 'America/Manaus'],
    ['97', 'America/Manaus'],
    ['95', 'America/Boa_Vista'],
  ],
  MX: [
    ['55', 'America/Mexico_City'],
    ['33', 'America/Mexico_City'],
    ['81', 'America/Monterrey'],
    ['664', 'America/Tijuana'],
    ['686', 'America/Tijuana'],
    ['998', 'America/Cancun'],
  ],
  RU: [
    ['495', 'Europe/Moscow'],
    ['499', 'Europe/Moscow'],
    ['812', 'Europe/Moscow'],
    ['343', 'Asia/Yekaterinburg'],
    ['383', 'Asia/Novosibirsk'],
    ['4012', 'Europe/Kaliningrad'],
    ['423', 'Asia/Vladivostok'],
  ],
  ID: [
    ['21', 'Asia/Jakarta'],
    ['22', 'Asia/Jakarta'],
    ['24', 'Asia/Jakarta'],
    ['31', 'Asia/Jakarta'],
    ['61', 'Asia/Jakarta'],
    ['361', 'Asia/Makassar'],
    ['411', 'Asia/Makassar'],
  ],
  PT: [
    ['2', 'Europe/Lisbon'],
    ['9', 'Europe/Lisbon'],
    ['292', 'Atlantic/Azores'],
    ['295', 'Atlantic/Azores'],
    ['296', 'Atlantic/Azores'],
  ],
  ES: [
    ['9', 'Europe/Madrid'],
    ['8', 'Europe/Madrid'],
    ['6', 'Europe/Madrid'],
    ['7', 'Europe/Madrid'],
    ['828', 'Atlantic/Canary'],
    ['928', 'Atlantic/Canary'],
  ],
  CL: [['', 'America/Santiago']],
  EC: [['', 'America/Guayaquil']],
};

/**
 * Every zone the number's owner may be in, most likely first; empty when the number cannot tell
 * (a mobile number in a multi-zone country, a toll-free number, an unknown area code).
 */
export function zonesOf(country: string, nsn: string): string[] {
  if (country === 'US' || byNanp(country)) {
    const zones = nanpZones.get(nsn.slice(0, 3));
    return zones === undefined ? [] : [zones].flat();
  }
  const single = SingleZone[country];
  if (single) return [single];
  const prefixes = ByPrefix[country];
  if (!prefixes) return [];
  let best: [string, string] | undefined;
  for (const row of prefixes) {
    if (nsn.startsWith(row[0]) && (!best || row[0].length > best[0].length)) best = row;
  }
  return best ? [best[1]] : [];
}

function byNanp(country: string): boolean {
  return NanpCountry.some(([, iso]) => iso === country);
}

const validZones = new Map<string, boolean>();

/** True when the runtime knows this IANA zone name (checked once per name). */
export function isTimeZone(zone: string): boolean {
  let ok = validZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = zone.length > 0;
    } catch {
      ok = false;
    }
    if (validZones.size < 10_000) validZones.set(zone, ok);
  }
  return ok;
}
