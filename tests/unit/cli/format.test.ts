import { describe, expect, it } from 'vitest';
import { type ScanReport, safeText, toCsv, toText } from '../../../src/cli/format';
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
