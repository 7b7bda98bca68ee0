// Runs the force layout on the Cytoscape canvas a slice per animation frame, so a layout of a few
// hundred nodes never holds the UI thread for more than a few milliseconds (the analyst can pan,
// click and drag while it settles). New nodes start where placeNewNodes fans them out around the
// node they came from, then the forces take over; nodes the analyst dragged are pinned for good.
import type { Core } from 'cytoscape';
import { ForceSimulation, labelBox, type SimNode } from '../model/force-layout';
import { LABEL_FONT } from '../model/viewport';
import { NODE_SIZE } from './graph-style';

/** Simulation per frame, in milliseconds: with moving the nodes after it, well under a 16 ms frame. */
const SLICE_MS = 6;

export interface LayoutStats {
  /** Nodes the last finished layout could move. */
  moved: number;
  /** Nodes on the canvas during that layout. */
  nodes: number;
  /** Computing time of that layout, summed over its slices (frames in between not counted). */
  computeMs: number;
  /** The longest single slice: how long the UI thread was held at once. */
  longestSliceMs: number;
  /** Frames the layout was spread over: a large one never runs in one go. */
  slices: number;
}

export class LayoutRunner {
  private sim: ForceSimulation | null = null;
  private moving = new Set<string>();
  private frame: number | null = null;
  private computeMs = 0;
  private longestSliceMs = 0;
  private slices = 0;
  /** Nodes the analyst dragged: never moved by a layout again. */
  private readonly pinned = new Set<string>();
  last: LayoutStats | null = null;

  constructor(
    private readonly cy: Core,
    private readonly onSettled: () => void,
  ) {}

  get running(): boolean {
    return this.sim !== null;
  }

  /** Lets the forces place `ids` (already on the canvas) among the nodes that stay put. */
  arrange(ids: Iterable<string>): void {
    for (const id of ids) this.moving.add(id);
    this.start();
  }

  /** Lays out again every node the analyst has not dragged, from where they are now. */
  tidy(): void {
    this.cy.nodes().forEach((n) => {
      this.moving.add(n.id());
    });
    this.start(true);
  }

  /** The analyst grabbed a node: it stays where they leave it, now and in every later layout. */
  pin(id: string): void {
    this.pinned.add(id);
    this.moving.delete(id);
    this.sim?.pin(id, { ...this.cy.getElementById(id).position() });
  }

  isPinned(id: string): boolean {
    return this.pinned.has(id);
  }

  stop(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.sim = null;
    this.moving.clear();
  }

  private start(tidy = false): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    for (const id of this.moving) if (this.pinned.has(id) || this.cy.getElementById(id).empty()) this.moving.delete(id);
    const nodes: SimNode[] = this.cy.nodes().map((n) => {
      const box = labelBox(String(n.data('caption') ?? '').length, LABEL_FONT, NODE_SIZE);
      return { id: n.id(), ...n.position(), fixed: !this.moving.has(n.id()), ...box };
    });
    const edges = this.cy.edges().map((e) => ({ source: e.source().id(), target: e.target().id() }));
    const aspect = Math.min(3, Math.max(1 / 3, this.cy.width() / Math.max(this.cy.height(), 1)));
    // A tidy-up starts from a whole settled picture and may travel further than new nodes do.
    this.sim = new ForceSimulation(nodes, edges, tidy ? { temperature: 200, iterations: 300, aspect } : { aspect });
    this.computeMs = 0;
    this.longestSliceMs = 0;
    this.slices = 0;
    this.frame = requestAnimationFrame(() => this.slice());
  }

  private slice(): void {
    const sim = this.sim;
    if (sim === null) return;
    const began = performance.now();
    let done = false;
    while (!done && performance.now() - began < SLICE_MS) done = sim.step(1);
    const positions = sim.positions();
    // Moving a Cytoscape node costs far more than a simulation step: skip the ones that stayed.
    this.cy.batch(() => {
      for (const [id, p] of positions) {
        const node = this.cy.getElementById(id);
        const at = node.position();
        if (Math.abs(at.x - p.x) + Math.abs(at.y - p.y) > 0.5) node.position(p);
      }
    });
    const spent = performance.now() - began;
    this.computeMs += spent;
    this.longestSliceMs = Math.max(this.longestSliceMs, spent);
    this.slices++;
    if (!done) {
      this.frame = requestAnimationFrame(() => this.slice());
      return;
    }
    this.last = {
      moved: positions.size,
      nodes: this.cy.nodes().length,
      computeMs: this.computeMs,
      longestSliceMs: this.longestSliceMs,
      slices: this.slices,
    };
    this.frame = null;
    this.sim = null;
    this.moving.clear();
    this.onSettled();
  }
}
