// The Wayback scanner's CDX parser and statistics: arbitrary JSON never throws, rows are checked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureStats, cdxTime, parseCdx } from '../../../src/scanners/wayback/cdx';
import { cdxUrl, registrationDate } from '../../../src/scanners/wayback/scanner';

describe('CDX parser', () => {
  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const result = parseCdx(json);
        if (result.ok) expect(result.captures.length + result.skipped).toBe(result.rows);
      }),
    );
  });

  it('never throws on tables of arbitrary strings', () => {
    const header = fc.shuffledSubarray(['timestamp', 'original', 'statuscode', 'mimetype', 'digest'], { minLength: 1 });
    fc.assert(
      fc.property(header, fc.array(fc.array(fc.oneof(fc.string(), fc.stringMatching(/^\d{14}$/)))), (h, rows) => {
        const result = parseCdx([h, ...rows]);
        if (result.ok) for (const c of result.captures) expect(c.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      }),
    );
  });

  it('reads fields by the header, in any order', () => {
    const result = parseCdx([
      ['original', 'mimetype', 'timestamp', 'statuscode'],
      ['http://example.com/', 'text/html', '20200102030405', '200'],
    ]);
    expect(result).toEqual({
      ok: true,
      rows: 1,
      skipped: 0,
      captures: [
        { time: '2020-01-02T03:04:05.000Z', original: 'http://example.com/', status: '200', mimetype: 'text/html' },
      ],
    });
    expect(parseCdx([]).ok).toBe(true);
    expect(parseCdx([['digest']])).toEqual({ ok: false, reason: 'the header row lacks timestamp or original' });
    expect(parseCdx({ a: 1 })).toEqual({ ok: false, reason: 'expected a JSON list of rows, got an object' });
  });

  it('reads timestamps strictly', () => {
    expect(cdxTime('2020')).toBe('2020-01-01T00:00:00.000Z');
    expect(cdxTime('20200230000000')).toBeNull();
    expect(cdxTime('2020013')).toBe('2020-01-30T00:00:00.000Z');
    expect(cdxTime('abc')).toBeNull();
  });

  it('counts captures per year with first and last', () => {
    const at = (time: string) => ({ time, original: 'x', status: null, mimetype: null });
    expect(
      captureStats([at('2022-01-01T00:00:00.000Z'), at('2019-05-01T00:00:00.000Z'), at('2022-06-01T00:00:00.000Z')]),
    ).toEqual({
      count: 3,
      first: '2019-05-01T00:00:00.000Z',
      last: '2022-06-01T00:00:00.000Z',
      perYear: { '2019': 1, '2022': 2 },
    });
  });

  it('builds the query and reads the registration date', () => {
    const url = new URL(cdxUrl('https://web.archive.org/', 'example.com', 10));
    expect(url.pathname).toBe('/cdx/search/cdx');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      url: 'example.com',
      matchType: 'domain',
      output: 'json',
      limit: '10',
    });
    expect(registrationDate({ created: '2019-03-12T14:22:05Z' })).toBe('2019-03-12T14:22:05.000Z');
    expect(registrationDate({ created: 'soon' })).toBeNull();
    expect(registrationDate({})).toBeNull();
  });
});
