/**
 * Calling windows: may a lead be called now, judged in the lead's own local time? Pure functions of
 * the window, the lead's time zone and an instant, so every time zone and DST change can be
 * property-tested. Local time comes from the IANA database (Intl), never from a fixed offset.
 */

/** A daily window in local time: [start, end) on the listed weekdays (0 = Sunday … 6 = Saturday). */
export interface DailyWindow {
  start: string;
  end: string;
  days?: number[];
}

export interface Holiday {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** Regions it applies to (IANA zones, ISO countries or number prefixes); every lead when absent. */
  regions?: string[];
  name?: string;
}

export interface WindowConfig {
  /** Applies where no region override matches (08:00–21:00 every day unless set). */
  default: DailyWindow;
  /** Overrides keyed by IANA time zone (Asia/Tehran), ISO country (IR) or E.164 prefix (+9821). */
  regions?: Record<string, DailyWindow>;
  holidays?: Holiday[];
}

export const DefaultWindow: DailyWindow = Object.freeze({ start: '08:00', end: '21:00' }) as DailyWindow;

export interface LeadPlace {
  timeZone: string;
  country?: string | null;
  phone?: string | null;
}

export interface LocalTime {
  /** YYYY-MM-DD in the lead's zone. */
  date: string;
  /** HH:MM:SS in the lead's zone. */
  time: string;
  /** Minutes since local midnight. */
  minutes: number;
  weekday: number;
}

export interface WindowDecision {
  allowed: boolean;
  /** Lead-local wall clock at the instant judged, YYYY-MM-DDTHH:MM:SS. */
  local: string;
  timeZone: string;
  /** The window that applied (after region overrides and any legal limit). */
  window: { start: string; end: string; days: number[] };
  /** Which region key matched, or "default". */
  source: string;
  reason: 'inside_window' | 'before_window' | 'after_window' | 'closed_day' | 'holiday' | 'unknown_time_zone';
  holiday?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const Weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `at`. Throws RangeError for an unknown zone. */
export function localTime(at: Date | number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${String(hour).padStart(2, '0')}:${parts.minute}:${parts.second}`,
    minutes: hour * 60 + minute,
    weekday: Weekdays[parts.weekday!]!,
  };
}

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function regionKeys(place: LeadPlace): string[] {
  const keys = [place.timeZone];
  if (place.country) keys.push(place.country.toUpperCase());
  return keys;
}

/** The override for a lead: the longest matching number prefix wins, then the zone, then the country. */
function pickRegion(config: WindowConfig, place: LeadPlace): { window: DailyWindow; source: string } {
  const regions = config.regions ?? {};
  if (place.phone) {
    const prefixes = Object.keys(regions)
      .filter((k) => k.startsWith('+') && place.phone!.startsWith(k))
      .sort((a, b) => b.length - a.length);
    if (prefixes[0]) return { window: regions[prefixes[0]]!, source: prefixes[0] };
  }
  for (const key of regionKeys(place)) if (regions[key]) return { window: regions[key], source: key };
  return { window: config.default, source: 'default' };
}

function holidayFor(config: WindowConfig, place: LeadPlace, date: string): Holiday | undefined {
  return (config.holidays ?? []).find(
    (h) =>
      h.date === date &&
      (!h.regions?.length ||
        h.regions.some(
          (r) =>
            r === place.timeZone ||
            r.toUpperCase() === place.country?.toUpperCase() ||
            (r.startsWith('+') && !!place.phone?.startsWith(r)),
        )),
  );
}

/** Narrows a window to a legal limit (e.g. Vietnam's 08:00–17:00 for advertising). */
export function intersect(a: DailyWindow, b: DailyWindow | undefined): DailyWindow {
  if (!b) return a;
  const start = toMinutes(a.start) >= toMinutes(b.start) ? a.start : b.start;
  const end = toMinutes(a.end) <= toMinutes(b.end) ? a.end : b.end;
  const days = a.days && b.days ? a.days.filter((d) => b.days!.includes(d)) : (a.days ?? b.days);
  return { start, end, ...(days ? { days } : {}) };
}

/** Whether `at` falls inside the lead's window, and why (the reason is stored with every attempt). */
export function windowDecision(
  config: WindowConfig,
  place: LeadPlace,
  at: Date | number,
  legalLimit?: DailyWindow,
): WindowDecision {
  const picked = pickRegion(config, place);
  const w = intersect(picked.window, legalLimit);
  const days = w.days ?? [0, 1, 2, 3, 4, 5, 6];
  const base = {
    timeZone: place.timeZone,
    window: { start: w.start, end: w.end, days },
    source: picked.source,
  };
  let local: LocalTime;
  try {
    local = localTime(at, place.timeZone);
  } catch {
    return { ...base, allowed: false, local: '', reason: 'unknown_time_zone' };
  }
  const stamp = `${local.date}T${local.time}`;
  const holiday = holidayFor(config, place, local.date);
  if (holiday)
    return {
      ...base,
      allowed: false,
      local: stamp,
      reason: 'holiday',
      holiday: holiday.name ?? holiday.date,
    };
  if (!days.includes(local.weekday)) return { ...base, allowed: false, local: stamp, reason: 'closed_day' };
  if (local.minutes < toMinutes(w.start))
    return { ...base, allowed: false, local: stamp, reason: 'before_window' };
  if (local.minutes >= toMinutes(w.end))
    return { ...base, allowed: false, local: stamp, reason: 'after_window' };
  return { ...base, allowed: true, local: stamp, reason: 'inside_window' };
}

const Quarter = 15 * 60_000;
const Minute = 60_000;

/**
 * The first instant at or after `from` when the window is open for this lead, or undefined when it
 * stays closed for `horizonDays`. Steps through quarter hours, then back minute by minute, so a
 * DST jump or a holiday never makes it answer a closed instant.
 */
export function nextOpening(
  config: WindowConfig,
  place: LeadPlace,
  from: Date | number,
  legalLimit?: DailyWindow,
  horizonDays = 21,
): Date | undefined {
  const start = typeof from === 'number' ? from : from.getTime();
  if (!isTimeZone(place.timeZone)) return undefined;
  if (windowDecision(config, place, start, legalLimit).allowed) return new Date(start);
  const first = Math.ceil(start / Minute) * Minute;
  for (let t = first; t <= start + horizonDays * 86_400_000; t += Quarter) {
    if (!windowDecision(config, place, t, legalLimit).allowed) continue;
    let open = t;
    while (open - Minute >= first && windowDecision(config, place, open - Minute, legalLimit).allowed)
      open -= Minute;
    return new Date(open);
  }
  return undefined;
}

/** The lead's local date as a string (for "one advertising call per number per day"-style rules). */
export function localDate(at: Date | number, timeZone: string): string {
  return localTime(at, timeZone).date;
}
