// The WHOIS parser on every sample of the corpus (tests/fixtures/whois: 80 real answers, 55 TLDs)
// against the fields expected.json asserts. A key absent from expected.json is not asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAnswer } from '../../../src/scanners/whois/client';
import { parseWhois, type WhoisRecord } from '../../../src/scanners/whois/parse';

const DIR = join(import.meta.dirname, '../../fixtures/whois');

interface Expected {
  tld: string;
  domain: string | null;
  not_found?: boolean;
  rate_limited?: boolean;
  registrar?: string | null;
  registrar_alt?: string[];
  creation_date?: string | null;
  updated_date?: string | null;
  expiration_date?: string | null;
  name_servers?: string[];
  status?: string[];
}

const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const FIELDS = [
  'not_found',
  'rate_limited',
  'registrar',
  'creation_date',
  'updated_date',
  'expiration_date',
  'name_servers',
  'status',
] as const;

function extracted(record: WhoisRecord): Record<(typeof FIELDS)[number], unknown> {
  return {
    not_found: record.notFound,
    rate_limited: record.rateLimited,
    registrar: record.registrar.name,
    creation_date: record.created?.date ?? null,
    updated_date: record.updated?.date ?? null,
    expiration_date: record.expires?.date ?? null,
    name_servers: record.nameServers,
    status: record.status,
  };
}

/** The asserted fields of one sample that the parser gets wrong, as "field: want X, got Y". */
function mismatches(file: string): { checked: number; wrong: string[] } {
  const want = expected[file] as Expected;
  const bytes = readFileSync(join(DIR, 'samples', file));
  const got = extracted(parseWhois(decodeAnswer(bytes).text));
  const wrong: string[] = [];
  let checked = 0;
  for (const field of FIELDS) {
    if (!(field in want)) continue;
    checked++;
    const value = got[field];
    const ok =
      JSON.stringify(value) === JSON.stringify(want[field]) ||
      (field === 'registrar' && typeof value === 'string' && (want.registrar_alt ?? []).includes(value));
    if (!ok) wrong.push(`${field}: want ${JSON.stringify(want[field])}, got ${JSON.stringify(value)}`);
  }
  return { checked, wrong };
}

const files = Object.keys(expected).sort();

describe('WHOIS parser on the corpus', () => {
  it('has all 80 samples from 55 TLDs', () => {
    expect(files).toHaveLength(80);
    expect(new Set(files.map((f) => expected[f]?.tld)).size).toBe(55);
  });

  it.each(files)('%s', (file) => {
    expect(mismatches(file).wrong).toEqual([]);
  });

  it('extracts every expected field (score over the whole corpus)', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const file of files) {
      const result = mismatches(file);
      checked += result.checked;
      for (const w of result.wrong) failures.push(`${file} ${w}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(447);
  });
});
