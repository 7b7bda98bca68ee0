// Which scanners apply to what: the follow-up menu on a node is every scanner that accepts the
// node's type; the target bar defaults to all of them.
import type { EntityType } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';

/** Scanners that accept the type, passive ones first, then by title. */
export function scannersFor(type: EntityType, scanners: readonly ScannerManifest[]): ScannerManifest[] {
  return scanners
    .filter((s) => s.accepts.includes(type))
    .sort((a, b) => (a.mode === b.mode ? a.title.localeCompare(b.title) : a.mode === 'passive' ? -1 : 1));
}

/**
 * The scanners a Scan button runs: every one that accepts the type, minus those the analyst
 * switched off (kept by id so the choice survives retyping the target).
 */
export function chosenScanners(
  type: EntityType,
  scanners: readonly ScannerManifest[],
  switchedOff: ReadonlySet<string>,
): ScannerManifest[] {
  return scannersFor(type, scanners).filter((s) => !switchedOff.has(s.id));
}
