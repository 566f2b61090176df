/**
 * Times, dates, durations and counts in a person's language, through the platform's Intl: the
 * console, the widget and the texts written into the CRM all read them from here, so that a
 * Russian agent sees `вчера, 14:05` and `2 мин 5 с` everywhere, never a mix.
 */
import type { Locale } from './locales.ts';

interface Formats {
  time: Intl.DateTimeFormat;
  dayMonth: Intl.DateTimeFormat;
  fullDate: Intl.DateTimeFormat;
  relative: Intl.RelativeTimeFormat;
  number: Intl.NumberFormat;
  hours: Intl.NumberFormat;
  minutes: Intl.NumberFormat;
  seconds: Intl.NumberFormat;
}

const cache = new Map<string, Formats>();

function formats(locale: Locale, timeZone: string | undefined): Formats {
  const key = `${locale}|${timeZone ?? ''}`;
  let f = cache.get(key);
  if (f === undefined) {
    const zone = timeZone === undefined ? {} : { timeZone };
    const unit = (u: string): Intl.NumberFormat => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' });
    f = {
      time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...zone }),
      dayMonth: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...zone }),
      fullDate: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', ...zone }),
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
      number: new Intl.NumberFormat(locale),
      hours: unit('hour'),
      minutes: unit('minute'),
      seconds: unit('second'),
    };
    cache.set(key, f);
  }
  return f;
}

/** The calendar day of `d` in the zone the formats use (the runtime's own when none is given). */
function dayNumber(d: Date, timeZone: string | undefined): number {
  if (timeZone === undefined) return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return Date.parse(`${parts}T00:00:00Z`) / 86_400_000;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface When {
  locale: Locale;
  now?: Date;
  /** An IANA zone; the runtime's own (the browser's) when absent. */
  timeZone?: string;
}

/** `14:05` today; `yesterday, 14:05` / `вчера, 14:05`; `3 Mar, 14:05` this year; with the year before. Null: an en dash. */
export function formatWhen(iso: string | null | undefined, o: When): string {
  const d = parse(iso);
  if (d === null) return '–';
  const f = formats(o.locale, o.timeZone);
  const now = o.now ?? new Date();
  const days = dayNumber(now, o.timeZone) - dayNumber(d, o.timeZone);
  const time = f.time.format(d);
  if (days === 0) return time;
  if (days === 1) return `${f.relative.format(-1, 'day')}, ${time}`;
  const sameYear = f.fullDate.formatToParts(d).find((p) => p.type === 'year')?.value === f.fullDate.formatToParts(now).find((p) => p.type === 'year')?.value;
  return `${(sameYear ? f.dayMonth : f.fullDate).format(d)}, ${time}`;
}

/** `today`, `yesterday`, `5 days ago` (`сегодня`, `вчера`, `5 дней назад`), then a date. Null: null (the caller says "never"). */
export function formatDaysAgo(iso: string | null | undefined, o: When): string | null {
  const d = parse(iso);
  if (d === null) return null;
  const f = formats(o.locale, o.timeZone);
  const now = o.now ?? new Date();
  const days = dayNumber(now, o.timeZone) - dayNumber(d, o.timeZone);
  if (days <= 0) return f.relative.format(0, 'day');
  if (days < 30) return f.relative.format(-days, 'day');
  const sameYear = now.getFullYear() === d.getFullYear();
  return (sameYear ? f.dayMonth : f.fullDate).format(d);
}

/** `0:42`, `12:05`, `1:02:03`: a clock reading, the same in every language. Null or negative: an en dash. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** `2 min, 5 sec` / `2 мин 5 с`: a duration in words, for texts people read (the CRM's descriptions). */
export function formatSpokenDuration(seconds: number, locale: Locale): string {
  const f = formats(locale, undefined);
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (h > 0) parts.push(f.hours.format(h));
  if (m > 0) parts.push(f.minutes.format(m));
  if (s % 60 > 0 || parts.length === 0) parts.push(f.seconds.format(s % 60));
  return parts.join(' ');
}

export function formatCount(n: number, locale: Locale): string {
  return formats(locale, undefined).number.format(n);
}
