/**
 * The weekday and clock time of an instant in a named time zone, through Intl (the runtime's tz
 * database), so daylight-saving changes are the platform's problem, not ours.
 */
import type { Weekday } from './rules-schema.ts';

export interface LocalTime {
  weekday: Weekday;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

const WEEKDAY_BY_SHORT: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

// Building a DateTimeFormat is far dearer than using one; simulation asks thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localTime(epochMs: number, timeZone: string): LocalTime {
  let weekday: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'weekday') weekday = WEEKDAY_BY_SHORT[part.value] ?? weekday;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

export function clockMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** from inclusive, to exclusive; a window whose end is before its start spans midnight. */
export function inClockWindow(minutes: number, from: string, to: string): boolean {
  const start = clockMinutes(from);
  const end = clockMinutes(to);
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}
