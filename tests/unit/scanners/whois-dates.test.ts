import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOrderOf, parseWhoisDate } from '../../../src/scanners/whois/dates';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('parseWhoisDate', () => {
  it.each([
    ['2024-11-04T10:12:31Z', '2024-11-04T10:12:31Z'],
    ['2019-09-09T08:39:04-0700', '2019-09-09T08:39:04-07:00'],
    ['2018-03-12T21:44:25+01:00', '2018-03-12T21:44:25+01:00'],
    ['2021-05-03T20:23:19', '2021-05-03T20:23:19'],
    ['2019-09-17T10:43:57.0Z', '2019-09-17T10:43:57Z'],
    ['2001-06-14-T10:32:43Z', '2001-06-14T10:32:43Z'],
    ['2024-11-04 10:12:31', '2024-11-04T10:12:31'],
    ['2011-07-21 18:03:50+03', '2011-07-21T18:03:50+03:00'],
    ['2002-10-22 17:48:23 CLST', '2002-10-22T17:48:23-03:00'],
    ['1999-06-07 13:01:43 (GMT+0:00)', '1999-06-07T13:01:43Z'],
    ['2000-08-29 10:22:50 (UTC+8)', '2000-08-29T10:22:50+08:00'],
    ['04-Nov-2024', '2024-11-04'],
    ['05-Oct-1997 04:00:00 UTC', '1997-10-05T04:00:00Z'],
    ['29-APR-05', '2005-04-29'],
    ['04.11.2024', '2024-11-04'],
    ['4.7.2020 10:15:55', '2020-07-04T10:15:55'],
    ['2024/11/04', '2024-11-04'],
    ['2023/04/01 01:05:57 (JST)', '2023-04-01T01:05:57+09:00'],
    ['2002.09.19 13:00:00', '2002-09-19T13:00:00'],
    ['2007. 03. 02.', '2007-03-02'],
    ['November 4 2024', '2024-11-04'],
    ['Nov 4, 2024', '2024-11-04'],
    ['31 May 1999', '1999-05-31'],
    ['20241104', '2024-11-04'],
    ['19961206 #24302', '1996-12-06'],
    ['Tue Nov 4 10:12:31 GMT 2024', '2024-11-04T10:12:31Z'],
    ['Tue Dec 12 2000', '2000-12-12'],
    ['Fri, 27 Jun 2008 01:39:54 UTC', '2008-06-27T01:39:54Z'],
    ['2001-Aug-23.', '2001-08-23'],
    ['30/10/2002 00:00:00', '2002-10-30T00:00:00'],
    ['16/09/03', '2003-09-16'],
    ['1730715151', '2024-11-04T10:12:31Z'],
  ])('%s -> %s', (text, iso) => {
    expect(parseWhoisDate(text)?.iso).toBe(iso);
  });

  it.each([
    '',
    'Not Disclosed - Visit www.internet.ee',
    '2024-02-30',
    '2024-13-01',
    '31.04.2024',
    '2024-11-04T25:00:00Z',
    'registrar AT ns.il 19990605 (Assigned)',
    '2024-11-045',
    'yesterday',
  ])('%s is not a date (null)', (text) => {
    expect(parseWhoisDate(text)).toBeNull();
  });

  it('settles day/month order from the record', () => {
    expect(dayOrderOf(['12/18/2001', '03/02/2020'])).toBe('mdy');
    expect(dayOrderOf(['30/10/2002', '02/11/2019'])).toBe('dmy');
    expect(dayOrderOf(['05-06-1999'])).toBeUndefined();
    expect(parseWhoisDate('03/02/2020', 'mdy')?.date).toBe('2020-03-02');
    expect(parseWhoisDate('03/02/2020', 'dmy')?.date).toBe('2020-02-03');
  });

  it('computes the instant with the zone as written', () => {
    expect(parseWhoisDate('2019-09-09T20:00:00-0700')?.epochMs).toBe(Date.UTC(2019, 8, 10, 3, 0, 0));
    // The calendar date stays as written, not converted to UTC.
    expect(parseWhoisDate('2019-09-09T20:00:00-0700')?.date).toBe('2019-09-09');
  });

  const instant = fc
    .record({
      year: fc.integer({ min: 1985, max: 2150 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 0, max: 23 }),
      m: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
    })
    .map((d) => ({ ...d, date: `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}` }));

  const formats: [
    string,
    (d: { year: number; month: number; day: number; h: number; m: number; s: number }) => string,
  ][] = [
    ['ISO with zone', (d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.h)}:${pad(d.m)}:${pad(d.s)}Z`],
    [
      'ISO with offset',
      (d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.h)}:${pad(d.m)}:${pad(d.s)}+0200`,
    ],
    ['ISO without zone', (d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.h)}:${pad(d.m)}:${pad(d.s)}`],
    ['date and time', (d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)} ${pad(d.h)}:${pad(d.m)}:${pad(d.s)}`],
    ['DD-Mon-YYYY', (d) => `${pad(d.day)}-${MONTHS[d.month - 1]}-${d.year}`],
    ['DD.MM.YYYY', (d) => `${pad(d.day)}.${pad(d.month)}.${d.year}`],
    ['YYYY/MM/DD', (d) => `${d.year}/${pad(d.month)}/${pad(d.day)}`],
    ['Month D YYYY', (d) => `${LONG[d.month - 1]} ${d.day} ${d.year}`],
    ['YYYYMMDD', (d) => `${d.year}${pad(d.month)}${pad(d.day)}`],
    [
      'ctime',
      (d) =>
        `${DAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]} ${MONTHS[d.month - 1]} ${d.day} ${pad(d.h)}:${pad(d.m)}:${pad(d.s)} GMT ${d.year}`,
    ],
    [
      'Japanese YYYY/MM/DD (JST)',
      (d) => `${d.year}/${pad(d.month)}/${pad(d.day)} ${pad(d.h)}:${pad(d.m)}:${pad(d.s)} (JST)`,
    ],
    ['DD/MM/YYYY', (d) => `${pad(d.day)}/${pad(d.month)}/${d.year}`],
  ];

  it.each(formats)('round-trips generated dates: %s', (_name, format) => {
    fc.assert(
      fc.property(instant, (d) => {
        const parsed = parseWhoisDate(format(d));
        expect(parsed?.date).toBe(d.date);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips unix seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 500_000_000, max: 4_000_000_000 }), (seconds) => {
        expect(parseWhoisDate(String(seconds))?.epochMs).toBe(seconds * 1000);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseWhoisDate(text);
        if (parsed) expect(parsed.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
      { numRuns: 2000 },
    );
  });
});
