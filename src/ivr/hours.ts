import { weekdays, type Holiday, type WeeklySchedule } from './schema.js';

/**
 * Business hours as a pure function of a schedule and an instant. Wall time comes from Intl in the
 * schedule's zone (Asia/Ho_Chi_Minh, Asia/Tehran...), so daylight-saving rules are the runtime's
 * tz database, not ours. Lunar and solar-hijri holidays are matched in Intl's own calendars
 * ('chinese' for Tết, 'persian' for Nowruz), which is why a holiday names its calendar.
 */
export type HoursState = 'open' | 'closed' | 'holiday';

export interface HoursSpec {
  timeZone: string;
  weekly: WeeklySchedule;
  holidays: readonly Holiday[];
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  weekday: (typeof weekdays)[number];
  /** HH:MM (24 h) in the zone. */
  time: string;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();
const calendars = new Map<string, Intl.DateTimeFormat>();
const DayMs = 86_400_000;

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallClocks.set(timeZone, f);
  }
  return f;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of wallClock(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as LocalTime['weekday'],
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** Month and day of a civil date (YYYY-MM-DD) in another calendar; a leap month is "4bis" in ICU. */
export function calendarDate(date: string, calendar: string): { month: string; day: number } {
  let f = calendars.get(calendar);
  if (!f) {
    f = new Intl.DateTimeFormat(`en-u-ca-${calendar}`, {
      timeZone: 'UTC',
      month: 'numeric',
      day: 'numeric',
    });
    calendars.set(calendar, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(`${date}T12:00:00Z`))) parts[p.type] = p.value;
  return { month: parts.month!, day: Number(parts.day) };
}

const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DayMs).toISOString().slice(0, 10);

/** Whether a civil date falls in a holiday (the holiday's first day and the days after it). */
export function isHoliday(date: string, h: Holiday): boolean {
  for (let back = 0; back < h.days; back++) {
    const day = addDays(date, -back);
    if (h.calendar === 'gregory') {
      if (h.date ? day === h.date : Number(day.slice(5, 7)) === h.month && Number(day.slice(8)) === h.day)
        return true;
    } else {
      const c = calendarDate(day, h.calendar);
      // A leap month ("6bis") is not the month of the same number: Tết is never in a leap month.
      if (c.month === String(h.month) && c.day === h.day) return true;
    }
  }
  return false;
}

/** The last day each schedule was asked about: calls of one day share the calendar work. */
const lastDay = new WeakMap<HoursSpec, { date: string; holiday: boolean }>();

function holidayOn(spec: HoursSpec, date: string): boolean {
  const cached = lastDay.get(spec);
  if (cached?.date === date) return cached.holiday;
  const holiday = spec.holidays.some((h) => isHoliday(date, h));
  lastDay.set(spec, { date, holiday });
  return holiday;
}

export function hoursState(spec: HoursSpec, at: Date): HoursState {
  const local = localTime(at, spec.timeZone);
  if (holidayOn(spec, local.date)) return 'holiday';
  const spans = spec.weekly[local.weekday] ?? [];
  // "HH:MM" strings compare in time order, and "24:00" closes after "23:59".
  return spans.some(([open, close]) => local.time >= open && local.time < close) ? 'open' : 'closed';
}
