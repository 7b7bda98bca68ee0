// The graph canvas. This component owns the Cytoscape instance (created on mount, destroyed on
// unmount) and keeps it in step with the store by diffing element ids, so each graph.added event
// only adds what is new. New nodes start fanned out around the node they came from, then a force
// layout (LayoutRunner, a slice per frame) settles them among the nodes already there, which stay
// put; nodes the analyst dragged are never moved again.
//
// Readability: the view fits the graph but never zooms out past MIN_FIT_ZOOM, where labels are
// still readable (a bigger graph is panned); key nodes (scanned targets, the selection and its
// neighbours) keep readable labels at any zoom; hovering a node shows its whole value.
//
// Test hook: the container carries data-nodes / data-edges counts and data-layout
// (running | idle), and window.tracegraphGraph (read-only, in every build) lists nodes with their
// position in page coordinates and label size, so browser tests can click nodes like a person
// would and check that labels are readable.
import cytoscape, { type Core, type ElementDefinition, type NodeSingular } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import type { EntityType } from '../../shared/model';
import { applyDiff, diffElements, type GraphData, type NodeData, nodeId } from '../model/graph';
import { type Point, placeNewNodes } from '../model/layout';
import { nodeCaption } from '../model/node-label';
import type { GraphProbe } from '../model/probe';
import { fitViewport, keyLabelFont, LABEL_FONT } from '../model/viewport';
import { useServices } from '../store/context';
import type { AppState, AppStore } from '../store/store';
import { ContextMenu } from './ContextMenu';
import { GraphHoverCard, HOVER_CARD_WIDTH, type HoverAt } from './GraphHoverCard';
import { graphStylesheet, LABEL_MAX_WIDTH } from './graph-style';
import { LayoutRunner } from './layout-runner';

declare global {
  interface Window {
    tracegraphGraph?: GraphProbe;
  }
}

// The legend and the Fit / Tidy buttons float over the top of the canvas: keep the graph below them.
const FIT_INSETS = { top: 48, right: 24, bottom: 24, left: 24 };
/** What sizeKeyLabels overrides on key nodes when zoomed out. */
const KEY_LABEL_STYLE = 'font-size text-max-width';

function withCaption(graph: GraphData, n: NodeData): NodeData & { caption: string } {
  const entity = graph.entities.get(n.entityId);
  return { ...n, caption: entity ? nodeCaption(entity) : n.label };
}

/** What the view centres on when the graph is too big to fit readably: the selection, else the scanned targets. */
function focusOf(cy: Core, keyTargets: readonly string[]): Point | undefined {
  const selected = cy.nodes(':selected');
  if (selected.nonempty()) return { ...selected.first().position() };
  const targets = keyTargets.map((id) => cy.getElementById(id)).filter((n) => n.nonempty());
  if (targets.length === 0) return undefined;
  const x = targets.reduce((s, n) => s + n.position('x'), 0) / targets.length;
  const y = targets.reduce((s, n) => s + n.position('y'), 0) / targets.length;
  return { x, y };
}

/** The scanned targets, the selected node and its neighbours: their labels show at any zoom. */
function keyNodeIds(cy: Core, state: AppState): { all: Set<string>; targets: string[] } {
  const targets: string[] = [];
  for (const run of state.runs.values()) {
    if (run.targetEntityId !== null) targets.push(nodeId(run.targetEntityId));
  }
  const all = new Set(targets);
  if (state.selection.entityId !== null) {
    const selected = cy.getElementById(nodeId(state.selection.entityId));
    if (selected.nonempty()) {
      all.add(selected.id());
      selected.neighborhood('node').forEach((n) => {
        all.add(n.id());
      });
    }
  }
  return { all, targets: [...new Set(targets)] };
}

function labelPx(cy: Core, n: NodeSingular): { fontPx: number; shown: boolean } {
  const font = Number(n.numericStyle('font-size'));
  // Cytoscape decides on the zoom rounded up to a power of two (its label texture level), times
  // the device pixel ratio (drawing-label-text.mjs, eleTextBiggerThanMin): so does this.
  const level = 2 ** Math.ceil(Math.log2(cy.zoom() * window.devicePixelRatio));
  return { fontPx: font * cy.zoom(), shown: font * level >= Number(n.numericStyle('min-zoomed-font-size')) };
}

interface Controller {
  fitView(): void;
  tidy(): void;
  destroy(): void;
}

interface MenuAt {
  entityId: number;
  x: number;
  y: number;
}

interface Callbacks {
  openMenu(m: MenuAt | null): void;
  hover(h: HoverAt | null): void;
}

function mountCytoscape(container: HTMLDivElement, store: AppStore, ui: Callbacks): Controller {
  const cy = cytoscape({
    container,
    style: graphStylesheet(),
    minZoom: 0.1,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
  let rendered = new Map<string, string>();
  let keyTargets: string[] = [];
  // The view follows the graph (fits it as it grows) until the analyst pans or zooms themselves.
  let follow = true;
  let moving = false;
  container.dataset.nodes = '0';
  container.dataset.edges = '0';
  container.dataset.layout = 'idle';

  const setViewport = (change: () => void) => {
    moving = true;
    try {
      change();
    } finally {
      moving = false;
    }
  };
  const fitGraph = () => {
    if (cy.nodes().length === 0) return;
    const view = fitViewport(cy.elements().boundingBox(), cy.width(), cy.height(), FIT_INSETS, focusOf(cy, keyTargets));
    setViewport(() => cy.viewport(view));
  };

  const runner = new LayoutRunner(cy, () => {
    container.dataset.layout = 'idle';
    if (follow) fitGraph();
  });

  const sizeKeyLabels = () => {
    const font = keyLabelFont(cy.zoom());
    const keys = cy.nodes('.key');
    if (font === LABEL_FONT) keys.removeStyle(KEY_LABEL_STYLE);
    else keys.style({ 'font-size': font, 'text-max-width': `${(LABEL_MAX_WIDTH * font) / LABEL_FONT}px` });
  };

  const syncKeys = (state: AppState) => {
    const keys = keyNodeIds(cy, state);
    keyTargets = keys.targets;
    cy.batch(() => {
      cy.nodes('.key')
        .filter((n) => !keys.all.has(n.id()))
        .removeClass('key')
        .removeStyle(KEY_LABEL_STYLE);
      for (const id of keys.all) cy.getElementById(id).addClass('key');
      sizeKeyLabels();
    });
  };

  const syncGraph = (graph: GraphData) => {
    const diff = diffElements(rendered, graph);
    if (diff.addNodes.length + diff.updateNodes.length + diff.addEdges.length + diff.remove.length === 0) return;
    const wasEmpty = cy.nodes().length === 0;
    if (wasEmpty) follow = true;
    // A node that arrived before any of its relations was parked beside the graph; now that one
    // links it, it joins the new nodes (placed by its neighbour, then laid out). Not if dragged,
    // nor a scanned target (a seed waiting for its first results stays where it is).
    const reattached = new Set<string>();
    for (const e of diff.addEdges) {
      for (const id of [e.source, e.target]) {
        const node = cy.getElementById(id);
        if (node.empty() || node.degree(false) > 0 || runner.isPinned(id) || keyTargets.includes(id)) continue;
        reattached.add(id);
      }
    }
    const existing = new Map<string, Point>();
    cy.nodes().forEach((n) => {
      if (!reattached.has(n.id())) existing.set(n.id(), { ...n.position() });
    });
    for (const id of diff.remove) existing.delete(id);
    const edges = [...cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id() })), ...diff.addEdges];
    const arriving = [...diff.addNodes.map((n) => n.id), ...reattached];
    const positions = placeNewNodes(existing, arriving, edges);
    cy.batch(() => {
      for (const id of diff.remove) cy.getElementById(id).remove();
      for (const n of diff.updateNodes) cy.getElementById(n.id).data(withCaption(graph, n));
      const added: ElementDefinition[] = [
        ...diff.addNodes.map((n) => ({
          group: 'nodes' as const,
          data: withCaption(graph, n),
          position: positions.get(n.id),
        })),
        ...diff.addEdges.map((e) => ({ group: 'edges' as const, data: { ...e } })),
      ];
      if (added.length > 0) cy.add(added);
      for (const id of reattached) {
        const p = positions.get(id);
        if (p) cy.getElementById(id).position(p);
      }
    });
    if (wasEmpty && cy.nodes().length > 0) fitGraph();
    if (arriving.length > 0) {
      container.dataset.layout = 'running';
      runner.arrange(arriving);
    }
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
    rendered = applyDiff(rendered, diff);
  };

  const syncSelection = (entityId: number | null) => {
    const want = entityId === null ? null : nodeId(entityId);
    const selected = cy.$('node:selected');
    if (selected.length === 1 && selected.id() === want) return;
    selected.unselect();
    if (want === null) return;
    const node = cy.getElementById(want);
    node.select();
    // Chosen elsewhere (a link in the side panel) and off screen: bring it into view.
    const p = node.renderedPosition();
    if (node.nonempty() && (p.x < 0 || p.y < 0 || p.x > cy.width() || p.y > cy.height())) {
      setViewport(() => cy.center(node));
    }
  };

  cy.on('tap', 'node', (e) => {
    store.getState().select(Number(e.target.data('entityId')));
  });
  cy.on('tap', (e) => {
    ui.openMenu(null);
    if (e.target === cy) store.getState().select(null);
  });
  cy.on('cxttap', 'node', (e) => {
    const box = container.getBoundingClientRect();
    const entityId = Number(e.target.data('entityId'));
    store.getState().select(entityId);
    ui.openMenu({ entityId, x: box.left + e.renderedPosition.x, y: box.top + e.renderedPosition.y });
  });
  cy.on('grab', 'node', () => ui.hover(null));
  cy.on('drag', 'node', (e) => runner.pin(e.target.id()));
  cy.on('mouseover', 'node', (e) => {
    const p = e.target.renderedPosition();
    const leftward = p.x + 16 + HOVER_CARD_WIDTH > cy.width();
    ui.hover({ entityId: Number(e.target.data('entityId')), x: p.x, y: p.y, leftward });
  });
  cy.on('mouseout', 'node', () => ui.hover(null));
  cy.on('viewport', () => {
    ui.openMenu(null);
    ui.hover(null);
    if (!moving) follow = false;
  });
  cy.on('zoom', sizeKeyLabels);

  const initial = store.getState();
  syncGraph(initial.graph);
  syncSelection(initial.selection.entityId);
  syncKeys(initial);
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.graph !== prev.graph) syncGraph(state.graph);
    if (state.graph !== prev.graph || state.selection.entityId !== prev.selection.entityId) {
      syncSelection(state.selection.entityId);
    }
    if (
      state.graph !== prev.graph ||
      state.selection.entityId !== prev.selection.entityId ||
      state.runs !== prev.runs
    ) {
      syncKeys(state);
    }
  });
  window.tracegraphGraph = probe(cy, container, runner);

  return {
    fitView: () => {
      follow = true;
      fitGraph();
    },
    tidy: () => {
      container.dataset.layout = 'running';
      runner.tidy();
    },
    destroy: () => {
      unsubscribe();
      runner.stop();
      if (window.tracegraphGraph) delete window.tracegraphGraph;
      cy.destroy();
    },
  };
}

function probe(cy: Core, container: HTMLElement, runner: LayoutRunner): GraphProbe {
  return {
    nodes: () => {
      const box = container.getBoundingClientRect();
      return cy.nodes().map((n) => {
        const p = n.renderedPosition();
        const label = labelPx(cy, n);
        return {
          id: Number(n.data('entityId')),
          type: n.data('type') as EntityType,
          value: String(n.data('value')),
          label: String(n.data('label')),
          caption: String(n.data('caption')),
          fontPx: label.fontPx,
          labelShown: label.shown,
          x: box.left + p.x,
          y: box.top + p.y,
          graphX: n.position('x'),
          graphY: n.position('y'),
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
    view: () => {
      const box = container.getBoundingClientRect();
      return {
        zoom: cy.zoom(),
        box: { x: box.left, y: box.top, width: box.width, height: box.height },
        layout: runner.running ? 'running' : 'idle',
        lastLayout: runner.last ? { ...runner.last } : null,
      };
    },
  };
}

export function GraphView() {
  const { store } = useServices();
  const containerRef = useRef<HTMLDivElement>(null);
  const controller = useRef<Controller | null>(null);
  const [menu, setMenu] = useState<MenuAt | null>(null);
  const [hover, setHover] = useState<HoverAt | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const c = mountCytoscape(container, store, { openMenu: setMenu, hover: setHover });
    controller.current = c;
    return () => {
      controller.current = null;
      c.destroy();
    };
  }, [store]);

  return (
    <section className="graph-view" aria-label="Entity graph">
      <div ref={containerRef} className="graph-canvas" data-testid="graph" />
      {hover ? <GraphHoverCard {...hover} /> : null}
      <div className="graph-tools" style={{ position: 'absolute', right: 8, top: 8, display: 'flex', gap: 6 }}>
        <button
          type="button"
          className="small"
          title="Fit the graph in view (never smaller than its labels can be read)"
          onClick={() => controller.current?.fitView()}
        >
          Fit
        </button>
        <button
          type="button"
          className="small"
          title="Lay out again every node you have not dragged"
          onClick={() => controller.current?.tidy()}
        >
          Tidy layout
        </button>
      </div>
      {menu ? <ContextMenu {...menu} onClose={() => setMenu(null)} /> : null}
    </section>
  );
}
