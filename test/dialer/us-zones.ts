import { seededRandom } from '../../src/shared/seeded-random.js';

/**
 * An oracle that does not use Intl: US zones as standard offsets plus the Energy Policy Act rule
 * (DST from the second Sunday of March 02:00 local standard time to the first Sunday of November
 * 02:00 local daylight time). The window function must agree with it at every instant.
 */
export const UsZones: Array<{ zone: string; std: number; dst: boolean }> = [
  { zone: 'America/New_York', std: -5, dst: true },
  { zone: 'America/Detroit', std: -5, dst: true },
  { zone: 'America/Indiana/Indianapolis', std: -5, dst: true },
  { zone: 'America/Kentucky/Louisville', std: -5, dst: true },
  { zone: 'America/Chicago', std: -6, dst: true },
  { zone: 'America/Indiana/Knox', std: -6, dst: true },
  { zone: 'America/North_Dakota/Center', std: -6, dst: true },
  { zone: 'America/Menominee', std: -6, dst: true },
  { zone: 'America/Denver', std: -7, dst: true },
  { zone: 'America/Boise', std: -7, dst: true },
  { zone: 'America/Phoenix', std: -7, dst: false },
  { zone: 'America/Los_Angeles', std: -8, dst: true },
  { zone: 'America/Anchorage', std: -9, dst: true },
  { zone: 'America/Juneau', std: -9, dst: true },
  { zone: 'America/Nome', std: -9, dst: true },
  { zone: 'America/Adak', std: -10, dst: true },
  { zone: 'Pacific/Honolulu', std: -10, dst: false },
  { zone: 'America/Puerto_Rico', std: -4, dst: false },
  { zone: 'America/St_Thomas', std: -4, dst: false },
  { zone: 'Pacific/Guam', std: 10, dst: false },
  { zone: 'Pacific/Saipan', std: 10, dst: false },
  { zone: 'Pacific/Pago_Pago', std: -11, dst: false },
];

const Hour = 3_600_000;

function nthSunday(year: number, month: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - first) % 7) + 7 * (n - 1);
}

/** Offset in hours of a US zone at an instant, by the statute, not by a time-zone library. */
export function oracleOffset(z: { std: number; dst: boolean }, t: number): number {
  if (!z.dst) return z.std;
  const y = new Date(t).getUTCFullYear();
  const start = Date.UTC(y, 2, nthSunday(y, 2, 2), 2) - z.std * Hour;
  const end = Date.UTC(y, 10, nthSunday(y, 10, 1), 2) - (z.std + 1) * Hour;
  return t >= start && t < end ? z.std + 1 : z.std;
}

export function oracleLocalMinutes(z: { std: number; dst: boolean }, t: number): number {
  const m = Math.floor((t + oracleOffset(z, t) * Hour) / 60_000);
  return ((m % 1440) + 1440) % 1440;
}

/** The seeded generator the cases are drawn with: the same cases every run. */
export const rng = seededRandom;
