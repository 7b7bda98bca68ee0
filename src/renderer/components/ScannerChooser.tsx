// Every scanner that accepts an entity's type, as a menu, under a Full Scan of the entity;
// choosing one starts it. Active scanners are offered only where the case's scope allows, with
// the reason and an "Add to scope" item where it does not. Shared by the graph's context menu
// and the side panel's "Run scanner…" button.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ScopeStatus } from '../../shared/api';
import type { Entity } from '../../shared/model';
import { scannersFor } from '../model/scanners';
import { addToScope, fullScan, scanEntity } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { ModeBadge } from './ModeBadge';
import { useAction } from './use-action';

export function ScannerChooser({
  entity,
  onStarted,
  autoFocus = false,
}: {
  entity: Pick<Entity, 'id' | 'type'>;
  onStarted: () => void;
  /** Focus the first scanner on mount (menus opened by a click on the canvas). */
  autoFocus?: boolean;
}) {
  const { client, store } = useServices();
  const scanners = useApp((s) => s.scanners);
  const settings = useApp((s) => s.caseSlice.current?.settings);
  const { run, busy, error } = useAction((scannerId: string) => scanEntity(client, store, scannerId, entity.id));
  const full = useAction(() => fullScan(client, store, { entityId: entity.id }));
  const widen = useAction(() => addToScope(client, store, entity.id));
  const [scope, setScope] = useState<ScopeStatus | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: settings and scope changes are refetch triggers
  useEffect(() => {
    let live = true;
    client
      .call('scope.check', { entityId: entity.id })
      .then((status) => live && setScope(status))
      .catch(() => live && setScope(null));
    return () => {
      live = false;
    };
  }, [client, entity.id, settings, widen.busy]);
  const applicable = scannersFor(entity.type, scanners);
  const outOfScope = scope !== null && !scope.activeAllowed;
  const anyBusy = busy || full.busy || widen.busy;
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [autoFocus]);
  // Arrow keys move between scanners, as in any menu.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    if (items.length === 0) return;
    e.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
    items[next]?.focus();
  };
  return (
    <div className="scanner-chooser">
      {applicable.length === 0 ? <p className="muted menu-empty">No scanner accepts a {entity.type}.</p> : null}
      <div role="menu" aria-label="Scanners" ref={menuRef} onKeyDown={onKeyDown}>
        {applicable.length > 0 ? (
          <button
            type="button"
            role="menuitem"
            className="menu-item full-scan-item"
            data-scanner-id="full-scan"
            title="Every module that accepts this entity, in two phases; active ones only within the scope"
            disabled={anyBusy}
            onClick={async () => {
              if (await full.run()) onStarted();
            }}
          >
            <span className="scanner-title">Full Scan</span>
            {outOfScope ? <span className="muted">passive only</span> : null}
          </button>
        ) : null}
        {outOfScope && !settings?.passiveOnly ? (
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            data-scanner-id="add-to-scope"
            title="Make this entity a seed of the case, so active modules may run on it"
            disabled={anyBusy}
            onClick={() => void widen.run()}
          >
            <span className="scanner-title">Add to scope</span>
          </button>
        ) : null}
        {applicable.map((s) => {
          const refused = s.mode === 'active' && outOfScope;
          return (
            <button
              key={s.id}
              type="button"
              role="menuitem"
              className="menu-item"
              data-scanner-id={s.id}
              title={refused ? (scope?.reason ?? s.description) : s.description}
              disabled={anyBusy || refused}
              onClick={async () => {
                if (await run(s.id)) onStarted();
              }}
            >
              <span className="scanner-title">{s.title}</span>
              <ModeBadge mode={s.mode} />
            </button>
          );
        })}
      </div>
      {outOfScope && scope?.reason ? (
        <p className="muted scope-note" data-testid="scope-note">
          Active modules: {scope.reason}
        </p>
      ) : null}
      <ErrorText error={error ?? full.error ?? widen.error} />
    </div>
  );
}
