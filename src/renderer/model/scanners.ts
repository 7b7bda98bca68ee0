// Which scanners apply to what: the follow-up menu on a node is every scanner that accepts the
// node's type; the target bar defaults to the passive ones (active scanners touch the target, so
// the analyst switches them on).
import type { EntityType } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';

/** Scanners that accept the type, passive ones first, then by title. */
export function scannersFor(type: EntityType, scanners: readonly ScannerManifest[]): ScannerManifest[] {
  return scanners
    .filter((s) => s.accepts.includes(type))
    .sort((a, b) => (a.mode === b.mode ? a.title.localeCompare(b.title) : a.mode === 'passive' ? -1 : 1));
}

/** Whether the target bar runs a scanner: passive ones unless toggled off, active ones only when toggled on. */
export function isChosen(scanner: ScannerManifest, toggled: ReadonlySet<string>): boolean {
  return (scanner.mode === 'passive') !== toggled.has(scanner.id);
}

/** The scanners a Scan button runs (toggles kept by id, so they survive retyping the target). */
export function chosenScanners(
  type: EntityType,
  scanners: readonly ScannerManifest[],
  toggled: ReadonlySet<string>,
): ScannerManifest[] {
  return scannersFor(type, scanners).filter((s) => isChosen(s, toggled));
}
