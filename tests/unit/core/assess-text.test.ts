// The assessment of an address as the CLI prints it: the categories an address cannot have read
// "not applicable", apart from those merely not scanned yet.
import { describe, expect, it } from 'vitest';
import { assessmentLines } from '../../../src/cli/format';
import { assess } from '../../../src/core/assessment/assess';
import { gradePropKey, scoreCategory } from '../../../src/shared/grade';
import type { Entity } from '../../../src/shared/model';

const T = '2026-01-01T00:00:00.000Z';
const entity = (id: number, type: Entity['type'], value: string, props: Entity['props'] = {}): Entity => ({
  id,
  type,
  value,
  props,
  firstSeen: T,
  lastSeen: T,
});

describe('the printed assessment', () => {
  it('tells not applicable categories from unknown ones', () => {
    const target = entity(1, 'ip', '192.0.2.1', { [gradePropKey('ssl')]: scoreCategory('ssl', 'tls-cert', []) });
    const lines = assessmentLines(
      assess({ target, graph: { entities: [target], relations: [] }, findings: [], runs: [] }),
    );
    expect(lines).toContain('  DNSSEC: not applicable');
    expect(lines).toContain('  Email security: not applicable');
    expect(lines).toContain('  Open ports: unknown (not scanned)');
    expect(lines).toContain('  SSL certificate: 25/25');
    expect(lines[0]).toBe('Grade: A (100/100 over the categories known)');
  });
});
