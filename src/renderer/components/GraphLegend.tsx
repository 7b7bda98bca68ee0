// Which colour and shape stands for which entity type, for the types present in the graph.
import { ENTITY_TYPES, type EntityType } from '../../shared/model';
import { ENTITY_STYLES } from '../model/entity-style';
import { useApp } from '../store/context';

function typesIn(entities: Iterable<{ type: EntityType }>): Set<EntityType> {
  const set = new Set<EntityType>();
  for (const e of entities) set.add(e.type);
  return set;
}

export function GraphLegend() {
  const graph = useApp((s) => s.graph);
  const present = typesIn(graph.entities.values());
  const types = ENTITY_TYPES.filter((t) => present.has(t));
  if (types.length === 0) {
    return <p className="graph-hint muted">The graph is empty. Scan a target to start.</p>;
  }
  return (
    <ul className="graph-legend" aria-label="Legend">
      {types.map((t) => (
        <li key={t}>
          <span
            className={`legend-swatch shape-${ENTITY_STYLES[t].shape}`}
            style={{ background: ENTITY_STYLES[t].color }}
          />
          {t}
        </li>
      ))}
    </ul>
  );
}
