// The card under the pointer when it rests on a node: the entity's type and whole value, which the
// canvas caption cuts short. React text nodes only: the value is scan data and may be hostile.
import { ENTITY_STYLES } from '../model/entity-style';
import { nodeDetail } from '../model/node-label';
import { useApp } from '../store/context';

export interface HoverAt {
  entityId: number;
  /** Where the node is, relative to the graph view. */
  x: number;
  y: number;
  /** The node is near the right edge: the card opens to its left. */
  leftward: boolean;
}

/** The card's widest, in CSS pixels. */
export const HOVER_CARD_WIDTH = 420;

export function GraphHoverCard({ entityId, x, y, leftward }: HoverAt) {
  const entity = useApp((s) => s.graph.entities.get(entityId));
  if (!entity) return null;
  return (
    <div
      className="graph-hover-card"
      data-testid="graph-hover"
      role="tooltip"
      style={{
        position: 'absolute',
        ...(leftward ? { right: `calc(100% - ${x - 16}px)` } : { left: x + 16 }),
        top: y + 12,
        maxWidth: HOVER_CARD_WIDTH,
        padding: '5px 8px',
        background: 'rgba(20, 23, 28, 0.95)',
        border: '1px solid #2a303a',
        borderRadius: 4,
        fontSize: 12,
        color: '#e8ebef',
        pointerEvents: 'none',
        overflowWrap: 'anywhere',
        zIndex: 5,
      }}
    >
      <div style={{ color: ENTITY_STYLES[entity.type].color, fontSize: 11 }}>{entity.type}</div>
      {nodeDetail(entity).map((line, i) => (
        // Lines are fixed in order (value, ASCII form, subject): the index is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div key={i}>{line}</div>
      ))}
    </div>
  );
}
