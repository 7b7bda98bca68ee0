// Passive (asks third parties) or active (touches the target): the analyst must always see which.
import type { ScannerManifest } from '../../shared/scanner';

export function ModeBadge({ mode }: { mode: ScannerManifest['mode'] }) {
  return (
    <span
      className={`badge mode-${mode}`}
      title={mode === 'active' ? 'Active: touches the target itself' : 'Passive: asks third parties only'}
    >
      {mode}
    </span>
  );
}
