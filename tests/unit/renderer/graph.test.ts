import { describe, expect, it } from 'vitest';
import {
  applyDiff,
  diffElements,
  displayValue,
  EMPTY_GRAPH,
  entityIdOf,
  MAX_LABEL,
  mergeGraph,
  neighbours,
  shortLabel,
} from '../../../src/renderer/model/graph';
import { entity, relation } from './fixtures';

describe('mergeGraph', () => {
  it('adds entities and relations by id and replaces ones it already has', () => {
    const g1 = mergeGraph(EMPTY_GRAPH, { entities: [entity(1, 'domain', 'a.com')], relations: [] });
    const g2 = mergeGraph(g1, {
      entities: [entity(1, 'domain', 'a.com', { x: 1 }), entity(2, 'ip', '185.220.101.47')],
      relations: [relation(10, 1, 2)],
    });
    expect([...g2.entities.keys()]).toEqual([1, 2]);
    expect(g2.entities.get(1)?.props).toEqual({ x: 1 });
    expect(g2.relations.get(10)?.to).toBe(2);
    // The earlier graph is not mutated: stores compare by identity.
    expect(g1.entities.size).toBe(1);
  });

  it('returns the same graph for an empty batch', () => {
    expect(mergeGraph(EMPTY_GRAPH, { entities: [], relations: [] })).toBe(EMPTY_GRAPH);
  });
});

describe('labels', () => {
  it('shows the Unicode form of an IDN when the entity has one', () => {
    expect(displayValue(entity(1, 'domain', 'xn--bcher-kva.de', { unicode: 'bücher.de' }))).toBe('bücher.de');
    expect(displayValue(entity(1, 'domain', 'a.com', { unicode: 42 }))).toBe('a.com');
  });

  it('cuts long labels and blanks control and bidi characters', () => {
    const long = 'a'.repeat(200);
    expect(shortLabel(long)).toHaveLength(MAX_LABEL);
    expect(shortLabel(long).endsWith('…')).toBe(true);
    expect(shortLabel('evil\u202ecom.exe\nx')).toBe('evil com.exe x');
  });

  it('maps node ids back to entity ids', () => {
    expect(entityIdOf('e42')).toBe(42);
    expect(entityIdOf('r42')).toBeUndefined();
  });
});

describe('diffElements', () => {
  const graph = mergeGraph(EMPTY_GRAPH, {
    entities: [entity(2, 'ip', '185.220.101.47'), entity(1, 'domain', 'nova-parcels.com')],
    relations: [relation(10, 1, 2), relation(11, 1, 3, 'has_ns')],
  });

  it('adds every node and each edge whose ends both exist, in id order', () => {
    const diff = diffElements(new Map(), graph);
    expect(diff.addNodes.map((n) => n.id)).toEqual(['e1', 'e2']);
    expect(diff.addNodes[0]).toMatchObject({ entityId: 1, type: 'domain', label: 'nova-parcels.com' });
    // Relation 11 points at entity 3, which has not arrived yet: held back.
    expect(diff.addEdges.map((e) => e.id)).toEqual(['r10']);
    expect(diff.addEdges[0]).toMatchObject({ source: 'e1', target: 'e2', label: 'resolves to' });
    expect(diff.remove).toEqual([]);
  });

  it('adds only what is new on the next event, and the held edge once its node arrives', () => {
    const rendered = applyDiff(new Map(), diffElements(new Map(), graph));
    const next = mergeGraph(graph, { entities: [entity(3, 'domain', 'ns1.nova-parcels.com')], relations: [] });
    const diff = diffElements(rendered, next);
    expect(diff.addNodes.map((n) => n.id)).toEqual(['e3']);
    expect(diff.addEdges.map((e) => e.id)).toEqual(['r11']);
    expect(diff.updateNodes).toEqual([]);
    expect(diffElements(applyDiff(rendered, diff), next)).toEqual({
      addNodes: [],
      updateNodes: [],
      addEdges: [],
      remove: [],
    });
  });

  it('updates a node whose label changed and removes what left the graph', () => {
    const rendered = applyDiff(new Map(), diffElements(new Map(), graph));
    const changed = mergeGraph(EMPTY_GRAPH, {
      entities: [entity(1, 'domain', 'nova-parcels.com', { unicode: 'nova-parcels.com (x)' })],
      relations: [],
    });
    const diff = diffElements(rendered, changed);
    expect(diff.updateNodes.map((n) => n.id)).toEqual(['e1']);
    expect(diff.remove.sort()).toEqual(['e2', 'r10']);
  });
});

describe('neighbours', () => {
  it('lists linked entities with direction, by relation kind', () => {
    const graph = mergeGraph(EMPTY_GRAPH, {
      entities: [entity(1, 'domain', 'a.com'), entity(2, 'ip', '185.220.101.47'), entity(3, 'domain', 'ns.a.com')],
      relations: [relation(10, 1, 2), relation(11, 1, 3, 'has_ns'), relation(12, 2, 1, 'ptr_to')],
    });
    expect(neighbours(graph, 1).map((n) => [n.relation.kind, n.other.id, n.outgoing])).toEqual([
      ['has_ns', 3, true],
      ['ptr_to', 2, false],
      ['resolves_to', 2, true],
    ]);
  });
});
