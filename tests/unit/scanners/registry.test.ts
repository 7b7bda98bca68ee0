import { describe, expect, it } from 'vitest';
import { findScanner, scanners } from '../../../src/scanners/registry';
import { ScannerManifest } from '../../../src/shared/scanner';

describe('scanner registry', () => {
  it('lists valid manifests with unique ids and finds scanners by id', () => {
    for (const scanner of scanners) expect(ScannerManifest.safeParse(scanner.manifest).success).toBe(true);
    expect(new Set(scanners.map((s) => s.manifest.id)).size).toBe(scanners.length);
    expect(findScanner('dns')?.manifest.id).toBe('dns');
    expect(findScanner('nope')).toBeUndefined();
  });
});
