// Pure graph functions: merging what the backend sends into the renderer's copy of the case
// graph, and working out which Cytoscape elements to add, update or remove.
import type { Entity, EntityType, Relation, RelationKind } from '../../shared/model';

export interface GraphData {
  entities: ReadonlyMap<number, Entity>;
  relations: ReadonlyMap<number, Relation>;
}

export const EMPTY_GRAPH: GraphData = { entities: new Map(), relations: new Map() };

/** Canvas labels are cut here: scan data can be arbitrarily long. */
export const MAX_LABEL = 48;

export const nodeId = (entityId: number): string => `e${entityId}`;
export const edgeId = (relationId: number): string => `r${relationId}`;

/** The entity id behind a node id, or undefined for anything else. */
export function entityIdOf(elementId: string): number | undefined {
  const m = /^e([0-9]+)$/.exec(elementId);
  return m ? Number(m[1]) : undefined;
}

/** The name to show: the Unicode form of an IDN when the scanner recorded one. */
export function displayValue(entity: Pick<Entity, 'value' | 'props'>): string {
  const unicode = entity.props.unicode;
  return typeof unicode === 'string' && unicode !== '' ? unicode : entity.value;
}

export function shortLabel(text: string, max = MAX_LABEL): string {
  // Control characters would render as boxes or reorder text; show them as spaces.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters on purpose
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A graph with the given entities and relations added or replaced (by id). Unchanged input is returned as is. */
export function mergeGraph(
  graph: GraphData,
  added: { entities: readonly Entity[]; relations: readonly Relation[] },
): GraphData {
  if (added.entities.length === 0 && added.relations.length === 0) return graph;
  const entities = new Map(graph.entities);
  for (const e of added.entities) entities.set(e.id, e);
  const relations = new Map(graph.relations);
  for (const r of added.relations) relations.set(r.id, r);
  return { entities, relations };
}

export interface NodeData {
  id: string;
  entityId: number;
  type: EntityType;
  value: string;
  label: string;
}

export interface EdgeData {
  id: string;
  relationId: number;
  source: string;
  target: string;
  kind: RelationKind;
  label: string;
}

/** What is on the canvas: element id → a signature that changes when its data must be redrawn. */
export type Rendered = ReadonlyMap<string, string>;

export interface ElementDiff {
  addNodes: NodeData[];
  updateNodes: NodeData[];
  addEdges: EdgeData[];
  /** Element ids to take off the canvas (edges and nodes). */
  remove: string[];
}

export function nodeData(entity: Entity): NodeData {
  return {
    id: nodeId(entity.id),
    entityId: entity.id,
    type: entity.type,
    value: entity.value,
    label: shortLabel(displayValue(entity)),
  };
}

export function edgeData(relation: Relation): EdgeData {
  return {
    id: edgeId(relation.id),
    relationId: relation.id,
    source: nodeId(relation.from),
    target: nodeId(relation.to),
    kind: relation.kind,
    label: relation.kind.replace(/_/g, ' '),
  };
}

const nodeSignature = (n: NodeData): string => `${n.type}\u0000${n.label}`;

/**
 * Compares what is rendered with the graph. Edges whose ends are not both present are held
 * back (they appear once both nodes exist); removed elements are listed for removal.
 */
export function diffElements(rendered: Rendered, graph: GraphData): ElementDiff {
  const diff: ElementDiff = { addNodes: [], updateNodes: [], addEdges: [], remove: [] };
  const wanted = new Set<string>();
  for (const entity of graph.entities.values()) {
    const data = nodeData(entity);
    wanted.add(data.id);
    const before = rendered.get(data.id);
    if (before === undefined) diff.addNodes.push(data);
    else if (before !== nodeSignature(data)) diff.updateNodes.push(data);
  }
  for (const relation of graph.relations.values()) {
    if (!graph.entities.has(relation.from) || !graph.entities.has(relation.to)) continue;
    const data = edgeData(relation);
    wanted.add(data.id);
    if (!rendered.has(data.id)) diff.addEdges.push(data);
  }
  for (const id of rendered.keys()) if (!wanted.has(id)) diff.remove.push(id);
  // Stable order keeps layouts deterministic whatever order the maps were filled in.
  diff.addNodes.sort((a, b) => a.entityId - b.entityId);
  diff.addEdges.sort((a, b) => a.relationId - b.relationId);
  return diff;
}

/** The rendered map after applying a diff. */
export function applyDiff(rendered: Rendered, diff: ElementDiff): Map<string, string> {
  const next = new Map(rendered);
  for (const id of diff.remove) next.delete(id);
  for (const n of diff.addNodes) next.set(n.id, nodeSignature(n));
  for (const n of diff.updateNodes) next.set(n.id, nodeSignature(n));
  for (const e of diff.addEdges) next.set(e.id, e.kind);
  return next;
}

/** Entities linked to one entity, with the relation and its direction, for the side panel. */
export function neighbours(
  graph: GraphData,
  entityId: number,
): { relation: Relation; other: Entity; outgoing: boolean }[] {
  const out: { relation: Relation; other: Entity; outgoing: boolean }[] = [];
  for (const r of graph.relations.values()) {
    const outgoing = r.from === entityId;
    if (!outgoing && r.to !== entityId) continue;
    const other = graph.entities.get(outgoing ? r.to : r.from);
    if (other) out.push({ relation: r, other, outgoing });
  }
  return out.sort(
    (a, b) => a.relation.kind.localeCompare(b.relation.kind) || a.other.value.localeCompare(b.other.value),
  );
}
