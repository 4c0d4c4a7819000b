import { localTime } from './window.js';

/**
 * The instant a lead-local wall clock time (YYYY-MM-DDTHH:MM) names in a zone. A time skipped by a
 * DST jump resolves to the first valid minute after the gap; a repeated hour to its first pass.
 */
export function zonedToInstant(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new RangeError(`${local} is not YYYY-MM-DDTHH:MM`);
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (t: number) => {
    const l = localTime(t, timeZone);
    const [ly, lm, ld] = l.date.split('-').map(Number) as [number, number, number];
    return (
      Date.UTC(ly, lm - 1, ld, Math.floor(l.minutes / 60), l.minutes % 60) - Math.floor(t / 60_000) * 60_000
    );
  };
  // Try both offsets around the wall time; keep the earliest instant that reads back as `local`.
  const candidates = [
    wall - offsetAt(wall - 86_400_000),
    wall - offsetAt(wall + 86_400_000),
    wall - offsetAt(wall),
  ];
  const exact = candidates
    .filter((t) => {
      const l = localTime(t, timeZone);
      return `${l.date}T${l.time.slice(0, 5)}` === local;
    })
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]);
  // In a spring-forward gap: the first minute after it.
  let t = Math.min(...candidates);
  while (`${localTime(t, timeZone).date}T${localTime(t, timeZone).time.slice(0, 5)}` < local) t += 60_000;
  return new Date(t);
}
