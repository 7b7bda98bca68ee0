// Every scanner that accepts an entity's type, as a menu; choosing one starts it on the entity.
// Shared by the graph's context menu and the side panel's "Run scanner…" button.
import type { Entity } from '../../shared/model';
import { scannersFor } from '../model/scanners';
import { scanEntity } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { ModeBadge } from './ModeBadge';
import { useAction } from './use-action';

export function ScannerChooser({ entity, onStarted }: { entity: Pick<Entity, 'id' | 'type'>; onStarted: () => void }) {
  const { client, store } = useServices();
  const scanners = useApp((s) => s.scanners);
  const { run, busy, error } = useAction((scannerId: string) => scanEntity(client, store, scannerId, entity.id));
  const applicable = scannersFor(entity.type, scanners);
  return (
    <div className="scanner-chooser">
      {applicable.length === 0 ? <p className="muted menu-empty">No scanner accepts a {entity.type}.</p> : null}
      <div role="menu" aria-label="Scanners">
        {applicable.map((s) => (
          <button
            key={s.id}
            type="button"
            role="menuitem"
            className="menu-item"
            data-scanner-id={s.id}
            title={s.description}
            disabled={busy}
            onClick={async () => {
              if (await run(s.id)) onStarted();
            }}
          >
            <span className="scanner-title">{s.title}</span>
            <ModeBadge mode={s.mode} />
          </button>
        ))}
      </div>
      <ErrorText error={error} />
    </div>
  );
}
