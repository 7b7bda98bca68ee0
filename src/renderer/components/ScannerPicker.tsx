// The scanners the Scan button will run for the typed target's type: the passive ones unless
// switched off here, the active ones (which touch the target) only when switched on.
import type { EntityType } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';
import { isChosen, scannersFor } from '../model/scanners';
import { ModeBadge } from './ModeBadge';

export function ScannerPicker({
  type,
  scanners,
  toggled,
  onToggle,
}: {
  type: EntityType | null;
  scanners: readonly ScannerManifest[];
  toggled: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  const applicable = type ? scannersFor(type, scanners) : [];
  const chosen = applicable.filter((s) => isChosen(s, toggled));
  const summary =
    type === null
      ? 'Scanners'
      : applicable.length === 0
        ? `No scanner accepts ${type}`
        : `${chosen.length} of ${applicable.length} ${type} scanner${applicable.length === 1 ? '' : 's'}`;
  return (
    <details className="scanner-picker">
      <summary data-testid="scanner-summary">{summary}</summary>
      <div className="scanner-picker-list">
        {type === null ? <p className="muted">Type a target to see the scanners that accept it.</p> : null}
        {applicable.map((s) => (
          <label key={s.id} className="scanner-option" title={s.description}>
            <input type="checkbox" checked={isChosen(s, toggled)} onChange={() => onToggle(s.id)} />
            <span className="scanner-title">{s.title}</span>
            <ModeBadge mode={s.mode} />
          </label>
        ))}
      </div>
    </details>
  );
}
