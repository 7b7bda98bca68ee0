import { describe, expect, it } from 'vitest';
import { assessmentLines, type ScanReport, safeText, toCsv, toText } from '../../../src/cli/format';
import type { Assessment } from '../../../src/shared/assessment';
import { computeGrade, scoreCategory } from '../../../src/shared/grade';
import type { Entity } from '../../../src/shared/model';

const at = '2026-11-22T00:00:00.000Z';
const entity = (id: number, type: Entity['type'], value: string): Entity => ({
  id,
  type,
  value,
  props: {},
  firstSeen: at,
  lastSeen: at,
});

const report = (entities: Entity[]): ScanReport => ({
  target: 'x.test',
  case: null,
  runs: [],
  entities,
  relations: [],
  findings: [],
  assessment: {
    entity: entity(1, 'domain', 'x.test'),
    grade: computeGrade({}),
    signals: [],
    pivots: [],
    pivotTotals: {},
    absences: [],
    scannersRun: [],
  },
});

describe('CLI output of hostile values', () => {
  it('keeps CSV cells from starting a spreadsheet formula and quotes separators', () => {
    const csv = toCsv(
      report([entity(1, 'organization', '=HYPERLINK("http://evil")'), entity(2, 'organization', 'A, "B"')]),
    );
    const lines = csv.trim().split('\n');
    expect(lines[1]).toBe(`entity,organization,"'=HYPERLINK(""http://evil"")",,,,${at},${at}`);
    expect(lines[2]).toBe(`entity,organization,"A, ""B""",,,,${at},${at}`);
  });

  it('never writes terminal escapes or bidi overrides to a terminal', () => {
    const text = toText(report([entity(1, 'organization', 'evil\u001b[2J\u202eexe.txt')]));
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    expect(safeText('a\u0007b')).toBe('a\uFFFDb');
  });
});

describe('CLI assessment text', () => {
  it('shows the grade with every point lost, unknown categories, signals, pivots and absences as plain text', () => {
    const a: Assessment = {
      entity: entity(1, 'domain', 'x.test'),
      grade: computeGrade({
        dnssec: scoreCategory('dnssec', 'dnssec', [{ points: 10, reason: 'zone not signed\u001b[31m' }]),
        email: scoreCategory('email', 'email-security', [{ points: 10 / 3, reason: 'no DMARC\n(quoted error)' }]),
      }),
      signals: [{ level: 'red', text: 'Spoofable <script>', source: 'email', about: 'x.test' }],
      pivots: [
        {
          entityId: 2,
          type: 'ip',
          value: '104.16.0.1',
          role: 'address',
          shared: 60,
          class: 'shared infrastructure',
          weak: 'CDN-fronted (Cloudflare): shared by unrelated sites, a weak pivot',
        },
      ],
      pivotTotals: { address: 1, 'SAN domain': 50 },
      absences: [{ text: 'No MX records: the domain receives no mail', source: 'dns' }],
      scannersRun: ['dns'],
    };
    a.pivots.push(
      ...Array.from({ length: 12 }, (_, i) => ({
        entityId: 10 + i,
        type: 'domain' as const,
        value: `san${i}.x.test`,
        role: 'SAN domain',
        shared: 0,
        class: 'unique' as const,
        weak: null,
      })),
    );
    const text = assessmentLines(a).join('\n');
    expect(text).toContain('Grade: F (33/100 over the categories known)');
    expect(text).toContain('Email security: 6.67/10');
    expect(text).toContain('    -3.33: no DMARC (quoted error)\n');
    expect(text).toContain('DNSSEC: 0/10');
    expect(text).toContain('-10: zone not signed');
    expect(text).toContain('SSL certificate: unknown (not scanned)');
    expect(text).toContain('RED    Spoofable <script> (x.test)');
    expect(text).toContain('address: 104.16.0.1 (shared infrastructure: 60 others share it; CDN-fronted (Cloudflare)');
    expect(text).toContain('No MX records: the domain receives no mail [dns]');
    // Ten SAN domains are shown, then how many more the case holds.
    expect(text).toContain('SAN domain: san9.x.test');
    expect(text).not.toContain('san10.x.test');
    expect(text).toContain('SAN domain: … and 40 more');
    expect(text.includes('\u001b')).toBe(false);
  });
});
