// A force-directed layout (Fruchterman-Reingold with cooling) that runs in steps, so the canvas can
// spread it over animation frames, and that never moves a fixed node: incremental runs move only
// the new nodes around the ones already on the canvas, and nodes the analyst dragged stay put.
//
// Why not Cytoscape's `cose`: it cannot hold some nodes of a component still. It skips locked
// nodes while simulating, but then packs each component to the origin (separateComponents in
// cose.mjs) by shifting only the unlocked ones, which tears new nodes away from their fixed
// neighbours; and it computes every run in one go unless animated with its own fit.
//
// Beyond plain FR it knows each node's label box (nodes push apart until their labels stop
// overlapping) and pushes nodes off edges that pass through them, the two things that made the
// old fan layout hard to read; its last iterations only part overlapping labels, and a final pass
// moves a node still covering another's label to the nearest free spot. Neighbours are found
// through a grid, so an iteration costs about (movable nodes × nearby nodes), not n².
// Deterministic: the same input gives the same picture.
import type { Point } from './layout';

export interface SimNode {
  id: string;
  x: number;
  y: number;
  /** Fixed nodes pull and push the others but never move. */
  fixed: boolean;
  /** The node with its label: the box other boxes keep clear of. */
  width: number;
  height: number;
}

export interface SimEdge {
  source: string;
  target: string;
}

export interface ForceOptions {
  /** Ideal edge length between node centres. */
  edgeLength: number;
  iterations: number;
  /** The largest step a node may take on the first iteration; it cools to MIN_STEP. */
  temperature: number;
  /** Free space kept between two label boxes. */
  gap: number;
  /** Distance kept between a node's centre and an edge that does not touch it. */
  edgeClearance: number;
  /** Width over height of the canvas: the pull to the middle is that much stronger vertically, so the picture takes its shape. */
  aspect: number;
}

export const FORCE_DEFAULTS: ForceOptions = {
  edgeLength: 100,
  iterations: 220,
  temperature: 120,
  gap: 10,
  edgeClearance: 26,
  aspect: 1,
};

/** The step never cools below this, so the last iterations can still part overlapping labels. */
const MIN_STEP = 3;
/**
 * How hard two overlapping label boxes push apart, per pixel of overlap: stronger than the springs
 * that pull a hub's many leaves in, so a crowded ring widens instead of stacking labels.
 */
const OVERLAP_PUSH = 6;
/** The share of iterations at the end that only part overlapping labels (see separate). */
const SEPARATE_SHARE = 0.15;
/** How far a node may move in one separating iteration. */
const MAX_SEPARATE_STEP = 20;

/** The final pass looks for a free spot at least this far apart, out to this far (graph units). */
const SPIRAL_STEP = 16;
const SPIRAL_REACH = 5000;

/** The pull to the middle, per pixel of distance: weak, it only keeps unlinked groups from drifting off. */
const GRAVITY = 0.02;

/** The label box of a node whose caption has `chars` characters, for SimNode.width/height. */
export function labelBox(chars: number, fontSize: number, nodeSize: number): { width: number; height: number } {
  // 0.62 em per character is a generous average for a sans-serif at this size (host names are
  // mostly lower case); too wide wastes space, too narrow lets labels touch.
  return { width: Math.max(nodeSize, chars * fontSize * 0.62), height: nodeSize + 4 + fontSize * 1.3 };
}

/** Node indices bucketed by square cells, so each node meets only its near neighbours. */
class CellGrid {
  private readonly cells = new Map<number, number[]>();
  constructor(private readonly size: number) {}

  private key(cx: number, cy: number): number {
    return (cx + 32768) * 65536 + (cy + 32768);
  }

  fill(x: Float64Array, y: Float64Array): void {
    this.cells.clear();
    for (let i = 0; i < x.length; i++) {
      const k = this.key(Math.floor((x[i] as number) / this.size), Math.floor((y[i] as number) / this.size));
      const list = this.cells.get(k);
      if (list) list.push(i);
      else this.cells.set(k, [i]);
    }
  }

  /** The buckets of the 3 × 3 cells around a point: every node within one cell size of it. */
  around(px: number, py: number): number[][] {
    const cx = Math.floor(px / this.size);
    const cy = Math.floor(py / this.size);
    const out: number[][] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = this.cells.get(this.key(cx + dx, cy + dy));
        if (list) out.push(list);
      }
    }
    return out;
  }
}

export class ForceSimulation {
  private readonly ids: string[];
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly w: Float64Array;
  private readonly h: Float64Array;
  private readonly fixed: Uint8Array;
  private readonly movable: number[];
  private readonly edges: Int32Array;
  private readonly options: ForceOptions;
  private readonly centre: Point;
  private readonly index = new Map<string, number>();
  private readonly grid: CellGrid;
  private readonly settleOrder: number[];
  /** Each iteration's displacements, kept between iterations so that stepping allocates nothing. */
  private readonly dispX: Float64Array;
  private readonly dispY: Float64Array;
  private iteration = 0;
  /** How many movable nodes the final pass (settleNext) has checked. */
  private settled = 0;

  constructor(nodes: readonly SimNode[], edges: readonly SimEdge[], options: Partial<ForceOptions> = {}) {
    this.options = { ...FORCE_DEFAULTS, ...options };
    const n = nodes.length;
    this.ids = nodes.map((node) => node.id);
    this.x = Float64Array.from(nodes, (node) => node.x);
    this.y = Float64Array.from(nodes, (node) => node.y);
    this.w = Float64Array.from(nodes, (node) => node.width);
    this.h = Float64Array.from(nodes, (node) => node.height);
    this.fixed = Uint8Array.from(nodes, (node) => (node.fixed ? 1 : 0));
    nodes.forEach((node, i) => {
      this.index.set(node.id, i);
    });
    this.movable = [];
    for (let i = 0; i < n; i++) if (this.fixed[i] === 0) this.movable.push(i);
    const pairs: number[] = [];
    for (const e of edges) {
      const a = this.index.get(e.source);
      const b = this.index.get(e.target);
      if (a !== undefined && b !== undefined && a !== b) pairs.push(a, b);
    }
    this.edges = Int32Array.from(pairs);
    this.dispX = new Float64Array(n);
    this.dispY = new Float64Array(n);
    // The final pass moves leaves before hubs: a hub moved off its crowd drags every edge along.
    const degree = new Uint32Array(n);
    for (const i of pairs) degree[i] = (degree[i] as number) + 1;
    this.settleOrder = [...this.movable].sort((a, b) => (degree[a] as number) - (degree[b] as number) || a - b);
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++) {
      cx += this.x[i] as number;
      cy += this.y[i] as number;
    }
    this.centre = n === 0 ? { x: 0, y: 0 } : { x: cx / n, y: cy / n };
    // One cell reaches as far as repulsion (three edge lengths) and as the widest pair of labels.
    let widest = 0;
    let tallest = 0;
    for (let i = 0; i < n; i++) {
      widest = Math.max(widest, this.w[i] as number);
      tallest = Math.max(tallest, this.h[i] as number);
    }
    const { edgeLength, gap } = this.options;
    this.grid = new CellGrid(Math.max(3 * edgeLength, widest + gap + MAX_SEPARATE_STEP, tallest + gap));
  }

  get done(): boolean {
    return this.settled >= this.settleOrder.length;
  }

  /** Holds a node where it is from now on (the analyst grabbed it). */
  pin(id: string, p: Point): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    this.x[i] = p.x;
    this.y[i] = p.y;
    if (this.fixed[i] === 1) return;
    this.fixed[i] = 1;
    this.movable.splice(this.movable.indexOf(i), 1);
  }

  /** Runs up to `count` iterations; true once the layout has finished. */
  step(count: number): boolean {
    for (let k = 0; k < count && !this.done; k++) {
      if (this.iteration < this.options.iterations) this.iterate();
      else this.settleNext();
    }
    return this.done;
  }

  /** Where the movable nodes are now (fixed ones are where they were given). */
  positions(): Map<string, Point> {
    const out = new Map<string, Point>();
    for (const i of this.movable) out.set(this.ids[i] as string, { x: this.x[i] as number, y: this.y[i] as number });
    return out;
  }

  private iterate(): void {
    if (this.iteration >= this.options.iterations * (1 - SEPARATE_SHARE)) this.separate();
    else this.attractRepel();
    this.iteration++;
  }

  /** Whether node i's label box, put at (px, py), overlaps another's. */
  private overlapsAt(i: number, px: number, py: number, gap: number): boolean {
    const { x, y, w, h } = this;
    for (const list of this.grid.around(px, py)) {
      for (const j of list) {
        if (j === i) continue;
        if (
          Math.abs(px - (x[j] as number)) < ((w[i] as number) + (w[j] as number)) / 2 + gap &&
          Math.abs(py - (y[j] as number)) < ((h[i] as number) + (h[j] as number)) / 2 + gap
        ) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The final pass, one movable node per call: a node still covering another's label (hemmed in
   * by fixed nodes, the forces found no room) moves to the nearest free spot on a spiral around
   * where it is.
   */
  private settleNext(): void {
    const i = this.settleOrder[this.settled] as number;
    this.settled++;
    if (this.fixed[i] === 1) return;
    const px = this.x[i] as number;
    const py = this.y[i] as number;
    const gap = this.options.gap / 2;
    this.grid.fill(this.x, this.y);
    if (!this.overlapsAt(i, px, py, gap)) return;
    // Rings spread out as they grow: near spots are tried finely, far ones coarsely, so even a
    // node in the middle of a packed graph finds room in a bounded number of tries.
    for (let r = SPIRAL_STEP; r <= SPIRAL_REACH; r += Math.max(SPIRAL_STEP, r / 10)) {
      const points = Math.ceil((2 * Math.PI * r) / Math.max(SPIRAL_STEP, r / 10));
      for (let k = 0; k < points; k++) {
        const a = (2 * Math.PI * k) / points;
        const qx = px + r * Math.cos(a);
        const qy = py + r * Math.sin(a);
        if (!this.overlapsAt(i, qx, qy, gap)) {
          this.x[i] = qx;
          this.y[i] = qy;
          return;
        }
      }
    }
  }

  /**
   * The last iterations only part overlapping label boxes, springs off: a node held by several
   * edges next to a fixed one would otherwise settle with its label under its neighbour's.
   */
  private separate(): void {
    const { x, y, w, h, fixed, movable } = this;
    const { gap } = this.options;
    // Filled once per iteration; nodes move at most MAX_SEPARATE_STEP meanwhile, which the cell size allows for.
    this.grid.fill(x, y);
    for (const i of movable) {
      let mx = 0;
      let my = 0;
      for (const list of this.grid.around(x[i] as number, y[i] as number)) {
        for (const j of list) {
          if (j === i) continue;
          let dx = (x[i] as number) - (x[j] as number);
          let dy = (y[i] as number) - (y[j] as number);
          if (dx === 0 && dy === 0) {
            dx = Math.cos(i - j);
            dy = Math.sin(i - j);
          }
          const ox = ((w[i] as number) + (w[j] as number)) / 2 + gap - Math.abs(dx);
          const oy = ((h[i] as number) + (h[j] as number)) / 2 + gap - Math.abs(dy);
          if (ox <= 0 || oy <= 0) continue;
          // Two movable nodes each go half the way; next to a fixed one this node goes all of it.
          const share = fixed[j] === 1 ? 1 : 0.5;
          if (ox < oy) mx += Math.sign(dx) * ox * share;
          else my += Math.sign(dy) * oy * share;
        }
      }
      const len = Math.hypot(mx, my);
      if (len === 0) continue;
      const s = Math.min(len, MAX_SEPARATE_STEP) / len;
      x[i] = (x[i] as number) + mx * s;
      y[i] = (y[i] as number) + my * s;
    }
  }

  private attractRepel(): void {
    const { edgeLength: k, iterations, temperature, gap, edgeClearance } = this.options;
    const { x, y, w, h, fixed, edges, movable, dispX, dispY } = this;
    const k2 = k * k;
    // Beyond three edge lengths repulsion is negligible next to the springs: skip it.
    const cutoff2 = 9 * k2;
    dispX.fill(0);
    dispY.fill(0);

    this.grid.fill(x, y);
    for (const i of movable) {
      const xi = x[i] as number;
      const yi = y[i] as number;
      let fx = 0;
      let fy = 0;
      for (const list of this.grid.around(xi, yi)) {
        for (const j of list) {
          if (j === i) continue;
          let dx = xi - (x[j] as number);
          let dy = yi - (y[j] as number);
          if (dx === 0 && dy === 0) {
            // Two nodes on one spot: part them along a direction fixed by their indices.
            dx = Math.cos(i - j);
            dy = Math.sin(i - j);
          }
          const d2 = dx * dx + dy * dy;
          if (d2 < cutoff2) {
            fx += (dx * k2) / d2;
            fy += (dy * k2) / d2;
          }
          // Overlapping label boxes: push apart along the axis that needs the smaller move.
          const ox = ((w[i] as number) + (w[j] as number)) / 2 + gap - Math.abs(dx);
          const oy = ((h[i] as number) + (h[j] as number)) / 2 + gap - Math.abs(dy);
          if (ox > 0 && oy > 0) {
            if (ox < oy) fx += Math.sign(dx) * ox * OVERLAP_PUSH;
            else fy += Math.sign(dy) * oy * OVERLAP_PUSH;
          }
        }
      }
      fx += (this.centre.x - xi) * GRAVITY;
      fy += (this.centre.y - yi) * GRAVITY * this.options.aspect;
      dispX[i] = fx;
      dispY[i] = fy;
    }

    for (let e = 0; e < edges.length; e += 2) {
      const a = edges[e] as number;
      const b = edges[e + 1] as number;
      const dx = (x[a] as number) - (x[b] as number);
      const dy = (y[a] as number) - (y[b] as number);
      const d = Math.hypot(dx, dy);
      // Spring pull d²/k along the edge.
      const f = d / k;
      if (fixed[a] === 0) {
        dispX[a] = (dispX[a] as number) - dx * f;
        dispY[a] = (dispY[a] as number) - dy * f;
      }
      if (fixed[b] === 0) {
        dispX[b] = (dispX[b] as number) + dx * f;
        dispY[b] = (dispY[b] as number) + dy * f;
      }
      this.clearEdge(a, b, edgeClearance, dispX, dispY);
    }

    const t = Math.max(temperature * (1 - this.iteration / (iterations * (1 - SEPARATE_SHARE))), MIN_STEP);
    for (const i of movable) {
      const dx = dispX[i] as number;
      const dy = dispY[i] as number;
      const len = Math.hypot(dx, dy);
      if (len === 0) continue;
      const s = Math.min(len, t) / len;
      x[i] = (x[i] as number) + dx * s;
      y[i] = (y[i] as number) + dy * s;
    }
  }

  /** Pushes movable nodes sitting on the edge a–b off it, sideways. */
  private clearEdge(a: number, b: number, clearance: number, dispX: Float64Array, dispY: Float64Array): void {
    const { x, y, movable } = this;
    const ax = x[a] as number;
    const ay = y[a] as number;
    const ex = (x[b] as number) - ax;
    const ey = (y[b] as number) - ay;
    const len2 = ex * ex + ey * ey;
    if (len2 === 0) return;
    const minX = Math.min(ax, ax + ex) - clearance;
    const maxX = Math.max(ax, ax + ex) + clearance;
    const minY = Math.min(ay, ay + ey) - clearance;
    const maxY = Math.max(ay, ay + ey) + clearance;
    for (const i of movable) {
      if (i === a || i === b) continue;
      const px = x[i] as number;
      const py = y[i] as number;
      if (px < minX || px > maxX || py < minY || py > maxY) continue;
      const t = ((px - ax) * ex + (py - ay) * ey) / len2;
      if (t <= 0 || t >= 1) continue;
      let nx = px - (ax + t * ex);
      let ny = py - (ay + t * ey);
      let d = Math.hypot(nx, ny);
      if (d >= clearance) continue;
      if (d === 0) {
        // Exactly on the line: step off to its left.
        nx = -ey;
        ny = ex;
        d = Math.sqrt(len2);
      }
      const push = ((clearance - d) * 2) / d;
      dispX[i] = (dispX[i] as number) + nx * push;
      dispY[i] = (dispY[i] as number) + ny * push;
    }
  }
}
