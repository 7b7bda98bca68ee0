// Dates as WHOIS servers print them, normalised to ISO 8601. Registries use a dozen layouts
// (ISO with and without zone, "04-Nov-2024", "04.11.2024", "2024/11/04", "20241104",
// "Tue Nov 4 10:12:31 GMT 2024", "2007. 03. 02.", unix seconds...). The calendar date is kept as
// written (no zone conversion), since that is what the registry means by "created on".

export interface WhoisDate {
  /** "2024-11-04", "2024-11-04T10:12:31" (no zone given) or "2024-11-04T10:12:31+01:00". */
  iso: string;
  /** The calendar date as written: "2024-11-04". */
  date: string;
  /** The instant, reading a date without zone as UTC. */
  epochMs: number;
}

/** How to read "03/02/2020": day first (most registries) or month first (.tk and US styles). */
export type DayOrder = 'dmy' | 'mdy';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Zone abbreviations seen in WHOIS answers; ambiguous ones (CST, IST) are read as no zone. */
const ZONES: Readonly<Record<string, number>> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  aest: 600,
  nzst: 720,
  nzdt: 780,
  clt: -240,
  clst: -180,
  brt: -180,
  est: -300,
  edt: -240,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

function monthOf(name: string): number | undefined {
  const key = name.toLowerCase();
  return MONTHS[key] ?? (key.length > 3 ? MONTHS[key.slice(0, 3)] : undefined);
}

function fullYear(text: string): number {
  const year = Number(text);
  if (text.length > 2) return year;
  // Two-digit years: registrations began in 1985, so 70-99 are the 1900s.
  return year >= 70 ? 1900 + year : 2000 + year;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Parts {
  year: number;
  month: number;
  day: number;
  /** What follows the date (time, zone, comments). */
  rest: string;
  /** Time already found inside the date layout (ctime puts it before the year). */
  time?: string;
  zone?: string;
}

/** Numeric day/month/year with "/" or "-": "30/10/2002", "12/18/2001", "06-04-2004", "16/09/03". */
const NUMERIC_DMY = /^(\d{1,2})([-/])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;
const DOTTED_DMY = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/;

function dateParts(text: string, order: DayOrder): Parts | undefined {
  let m = /^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)\.?/.exec(text);
  if (m) return { year: Number(m[1]), month: Number(m[3]), day: Number(m[4]), rest: text.slice(m[0].length) };
  m = /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(text);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), rest: text.slice(m[0].length) };
  m = DOTTED_DMY.exec(text);
  if (m) return { year: Number(m[3]), month: Number(m[2]), day: Number(m[1]), rest: text.slice(m[0].length) };
  m = NUMERIC_DMY.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    // An unambiguous day (over 12) decides; otherwise the record's order does.
    const monthFirst = a > 12 ? false : b > 12 ? true : order === 'mdy';
    return {
      year: fullYear(m[4] ?? ''),
      month: monthFirst ? a : b,
      day: monthFirst ? b : a,
      rest: text.slice(m[0].length),
    };
  }
  m = /^(\d{4})-([A-Za-z]{3,9})-(\d{1,2})(?!\d)\.?/.exec(text);
  if (m) {
    const month = monthOf(m[2] ?? '');
    if (month) return { year: Number(m[1]), month, day: Number(m[3]), rest: text.slice(m[0].length) };
  }
  m = /^(\d{1,2})(?:st|nd|rd|th)?[-\s]([A-Za-z]{3,9})\.?[-\s,]\s*(\d{4}|\d{2})(?!\d)/.exec(text);
  if (m) {
    const month = monthOf(m[2] ?? '');
    if (month) return { year: fullYear(m[3] ?? ''), month, day: Number(m[1]), rest: text.slice(m[0].length) };
  }
  // ctime / date(1): "Nov 4 10:12:31 GMT 2024", "Nov  4 10:12:31 2024".
  m = /^([A-Za-z]{3,9})\s+(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+(?:([A-Za-z]{1,5}|[+-]\d{4})\s+)?(\d{4})(?!\d)/.exec(
    text,
  );
  if (m) {
    const month = monthOf(m[1] ?? '');
    if (month) {
      const parts: Parts = {
        year: Number(m[5]),
        month,
        day: Number(m[2]),
        rest: text.slice(m[0].length),
        time: m[3] ?? '',
      };
      if (m[4]) parts.zone = m[4];
      return parts;
    }
  }
  m = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)/.exec(text);
  if (m) {
    const month = monthOf(m[1] ?? '');
    if (month) return { year: Number(m[3]), month, day: Number(m[2]), rest: text.slice(m[0].length) };
  }
  return undefined;
}

/** Offset in minutes from a zone text: "Z", "UTC", "+0100", "+01:00", "+03", "GMT+0:00", "UTC+8", "JST". */
function zoneOffset(text: string): number | undefined {
  const t = text.trim().replace(/^\(|\)$/g, '');
  if (t === '') return undefined;
  const m = /^(?:(?:UTC|GMT|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (m) {
    const hours = Number(m[2]);
    const minutes = Number(m[3] ?? '0');
    if (hours > 14 || minutes > 59) return undefined;
    return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return ZONES[t.toLowerCase()];
}

function isoOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function build(
  year: number,
  month: number,
  day: number,
  time: { h: number; m: number; s: number } | undefined,
  offset: number | undefined,
): WhoisDate | null {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!time) return { iso: date, date, epochMs: Date.UTC(year, month - 1, day) };
  if (time.h > 23 || time.m > 59 || time.s > 59) return null;
  const local = `${date}T${pad(time.h)}:${pad(time.m)}:${pad(time.s)}`;
  const utc = Date.UTC(year, month - 1, day, time.h, time.m, time.s);
  if (offset === undefined) return { iso: local, date, epochMs: utc };
  return { iso: `${local}${isoOffset(offset)}`, date, epochMs: utc - offset * 60_000 };
}

/**
 * Reads one date as a WHOIS server printed it; null when it is not a date this parser knows or
 * not a real calendar date (2024-02-30). `order` settles "03/02/2020" (see dayOrderOf).
 */
export function parseWhoisDate(input: string, order: DayOrder = 'dmy'): WhoisDate | null {
  // Dates are short; anything past this is comment ("#24302", "(JST)", an email address).
  let text = input.trim().slice(0, 80);
  if (text === '') return null;
  const unix = /^@?(\d{9,10})(?:\.\d+)?$/.exec(text);
  if (unix) {
    const ms = Number(unix[1]) * 1000;
    const d = new Date(ms);
    return build(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      {
        h: d.getUTCHours(),
        m: d.getUTCMinutes(),
        s: d.getUTCSeconds(),
      },
      0,
    );
  }
  text = text.replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, '');
  const parts = dateParts(text, order);
  if (!parts) return null;
  let rest = parts.rest;
  let timeText = parts.time;
  if (timeText === undefined) {
    const t = /^\s*(?:-?T|\s)\s*(\d{1,2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?/.exec(rest);
    if (t) {
      timeText = t[1];
      rest = rest.slice(t[0].length);
    } else if (/^\d/.test(rest)) {
      // "2024-11-045": the date ran into more digits.
      return null;
    }
  }
  let time: { h: number; m: number; s: number } | undefined;
  if (timeText !== undefined) {
    const [h = 0, m = 0, s = 0] = timeText.split(':').map(Number);
    time = { h, m, s };
  }
  let offset: number | undefined;
  if (time) {
    const zoneText =
      parts.zone ?? /^\s*(\(?(?:[A-Za-z]{1,5}\s*)?(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)/.exec(rest)?.[1] ?? '';
    offset = zoneOffset(zoneText);
  }
  return build(parts.year, parts.month, parts.day, time, offset);
}

/**
 * The day order one record uses, from its unambiguous numeric dates ("12/18/2001" is month
 * first, "30/10/2002" day first); undefined when none decides.
 */
export function dayOrderOf(texts: readonly string[]): DayOrder | undefined {
  for (const text of texts) {
    const m = NUMERIC_DMY.exec(text.trim().replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, ''));
    if (!m) continue;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[3]) > 12) return 'mdy';
  }
  return undefined;
}
