import { describe, expect, it } from 'vitest';
import { loadScanner, manifests } from '../../../src/scanners/registry';
import { ScannerManifest } from '../../../src/shared/scanner';

describe('scanner registry', () => {
  it('lists valid manifests with unique ids', () => {
    for (const manifest of manifests) expect(ScannerManifest.safeParse(manifest).success).toBe(true);
    expect(new Set(manifests.map((m) => m.id)).size).toBe(manifests.length);
  });

  it("loads each scanner's code with the manifest the list shows", async () => {
    for (const manifest of manifests) {
      const scanner = await loadScanner(manifest.id);
      expect(scanner?.manifest).toBe(manifest);
      expect(typeof scanner?.run).toBe('function');
    }
    expect(await loadScanner('nope')).toBeUndefined();
  });

  it('registers every scanner folder', async () => {
    const { readdirSync } = await import('node:fs');
    const folders = readdirSync(new URL('../../../src/scanners/', import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'kit')
      .map((d) => d.name)
      .sort();
    expect(manifests.map((m) => m.id).sort()).toEqual(folders);
  });
});
