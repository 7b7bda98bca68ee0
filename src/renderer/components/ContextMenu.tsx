// The node's right-click menu: a plain positioned popup holding the scanner list. Closes on
// Escape, on a click elsewhere, or once a scan has started.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { shortLabel } from '../model/graph';
import { useApp } from '../store/context';
import { ScannerChooser } from './ScannerChooser';

export function ContextMenu({
  entityId,
  x,
  y,
  onClose,
}: {
  entityId: number;
  x: number;
  y: number;
  onClose: () => void;
}) {
  const entity = useApp((s) => s.graph.entities.get(entityId));
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });

  // Keep the menu inside the window once its size is known.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPos({
      left: Math.max(4, Math.min(x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(y, window.innerHeight - height - 4)),
    });
  }, [x, y]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    const onDown = (e: MouseEvent) => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) onClose();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onDown, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onDown, true);
    };
  }, [onClose]);

  if (!entity) return null;
  return (
    <div ref={ref} className="context-menu" data-testid="context-menu" style={{ left: pos.left, top: pos.top }}>
      <div className="context-menu-head">
        <span className={`type-chip type-${entity.type}`}>{entity.type}</span>
        <span className="context-menu-title">{shortLabel(entity.value, 40)}</span>
      </div>
      <ScannerChooser entity={entity} onStarted={onClose} autoFocus />
    </div>
  );
}
