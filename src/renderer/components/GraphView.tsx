// The graph canvas. This component owns the Cytoscape instance (created on mount, destroyed on
// unmount) and keeps it in step with the store by diffing element ids, so each graph.added event
// only adds what is new; new nodes are placed around the node they came from and old ones stay put.
//
// Test hook: the container carries data-nodes / data-edges counts, and window.tracegraphGraph
// (read-only, in every build) lists nodes with their position in page coordinates so browser
// tests can click and right-click them like a person would.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import type { EntityType } from '../../shared/model';
import { applyDiff, diffElements, type GraphData } from '../model/graph';
import { placeNewNodes } from '../model/layout';
import type { GraphProbe } from '../model/probe';
import { useServices } from '../store/context';
import type { AppStore } from '../store/store';
import { ContextMenu } from './ContextMenu';
import { graphStylesheet } from './graph-style';

declare global {
  interface Window {
    tracegraphGraph?: GraphProbe;
  }
}

/** Fit a freshly loaded graph, without blowing a handful of nodes up to giant size. */
function fitView(cy: Core): void {
  cy.fit(undefined, 50);
  if (cy.zoom() > 1.4) {
    cy.zoom(1.4);
    cy.center();
  }
}

function syncGraph(cy: Core, rendered: Map<string, string>, graph: GraphData, container: HTMLElement) {
  const diff = diffElements(rendered, graph);
  if (diff.addNodes.length + diff.updateNodes.length + diff.addEdges.length + diff.remove.length === 0) {
    return rendered;
  }
  const wasEmpty = cy.nodes().length === 0;
  const existing = new Map<string, { x: number; y: number }>();
  cy.nodes().forEach((n) => {
    existing.set(n.id(), { ...n.position() });
  });
  for (const id of diff.remove) existing.delete(id);
  const edges = [...cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id() })), ...diff.addEdges];
  const positions = placeNewNodes(
    existing,
    diff.addNodes.map((n) => n.id),
    edges,
  );
  cy.batch(() => {
    for (const id of diff.remove) cy.getElementById(id).remove();
    for (const n of diff.updateNodes) cy.getElementById(n.id).data(n);
    const added: ElementDefinition[] = [
      ...diff.addNodes.map((n) => ({ group: 'nodes' as const, data: { ...n }, position: positions.get(n.id) })),
      ...diff.addEdges.map((e) => ({ group: 'edges' as const, data: { ...e } })),
    ];
    if (added.length > 0) cy.add(added);
  });
  if (wasEmpty && cy.nodes().length > 0) fitView(cy);
  else if (diff.addNodes.length > 0) {
    // Bring new nodes into view when they (or their labels, hence the margins) landed outside it.
    const ext = cy.extent();
    const mx = 80 / cy.zoom();
    const my = 30 / cy.zoom();
    const outside = diff.addNodes.some((n) => {
      const p = positions.get(n.id);
      return p !== undefined && (p.x < ext.x1 + mx || p.x > ext.x2 - mx || p.y < ext.y1 + my || p.y > ext.y2 - my);
    });
    if (outside) fitView(cy);
  }
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  return applyDiff(rendered, diff);
}

function syncSelection(cy: Core, entityId: number | null) {
  const want = entityId === null ? null : `e${entityId}`;
  const selected = cy.$('node:selected');
  if (selected.length === 1 && selected.id() === want) return;
  selected.unselect();
  if (want !== null) cy.getElementById(want).select();
}

function probe(cy: Core, container: HTMLElement): GraphProbe {
  return {
    nodes: () => {
      const box = container.getBoundingClientRect();
      return cy.nodes().map((n) => {
        const p = n.renderedPosition();
        return {
          id: Number(n.data('entityId')),
          type: n.data('type') as EntityType,
          value: String(n.data('value')),
          label: String(n.data('label')),
          x: box.left + p.x,
          y: box.top + p.y,
          selected: n.selected(),
        };
      });
    },
    edges: () =>
      cy.edges().map((e) => ({
        id: Number(e.data('relationId')),
        from: Number(e.source().data('entityId')),
        to: Number(e.target().data('entityId')),
        kind: String(e.data('kind')),
      })),
  };
}

function mountCytoscape(container: HTMLDivElement, store: AppStore, openMenu: (m: MenuAt | null) => void) {
  const cy = cytoscape({
    container,
    style: graphStylesheet(),
    minZoom: 0.1,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
  let rendered = new Map<string, string>();
  container.dataset.nodes = '0';
  container.dataset.edges = '0';

  cy.on('tap', 'node', (e) => {
    store.getState().select(Number(e.target.data('entityId')));
  });
  cy.on('tap', (e) => {
    openMenu(null);
    if (e.target === cy) store.getState().select(null);
  });
  cy.on('cxttap', 'node', (e) => {
    const box = container.getBoundingClientRect();
    const entityId = Number(e.target.data('entityId'));
    store.getState().select(entityId);
    openMenu({ entityId, x: box.left + e.renderedPosition.x, y: box.top + e.renderedPosition.y });
  });
  cy.on('viewport', () => openMenu(null));

  rendered = syncGraph(cy, rendered, store.getState().graph, container);
  syncSelection(cy, store.getState().selection.entityId);
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.graph !== prev.graph) rendered = syncGraph(cy, rendered, state.graph, container);
    if (state.graph !== prev.graph || state.selection.entityId !== prev.selection.entityId) {
      syncSelection(cy, state.selection.entityId);
    }
  });
  window.tracegraphGraph = probe(cy, container);

  return () => {
    unsubscribe();
    if (window.tracegraphGraph) delete window.tracegraphGraph;
    cy.destroy();
  };
}

interface MenuAt {
  entityId: number;
  x: number;
  y: number;
}

export function GraphView() {
  const { store } = useServices();
  const containerRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    return mountCytoscape(container, store, setMenu);
  }, [store]);

  return (
    <section className="graph-view" aria-label="Entity graph">
      <div ref={containerRef} className="graph-canvas" data-testid="graph" />
      {menu ? <ContextMenu {...menu} onClose={() => setMenu(null)} /> : null}
    </section>
  );
}
