// Every scanner that accepts an entity's type, as a menu; choosing one starts it on the entity.
// Shared by the graph's context menu and the side panel's "Run scanner…" button.
import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { Entity } from '../../shared/model';
import { scannersFor } from '../model/scanners';
import { scanEntity } from '../store/actions';
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
  const { run, busy, error } = useAction((scannerId: string) => scanEntity(client, store, scannerId, entity.id));
  const applicable = scannersFor(entity.type, scanners);
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
