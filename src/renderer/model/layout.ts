// Where new nodes start: on rings around the node that led to them, pointing away from the rest of
// the graph; nodes already on the canvas never move. The force layout (force-layout.ts) then
// settles them from there, so a good start means few iterations and a picture that grows out of
// the old one. Deterministic, so the same graph always looks the same.
export interface Point {
  x: number;
  y: number;
}

export interface PlaceOptions {
  /** Minimum distance between node centres. */
  spacing: number;
  /** Radius of the first ring around an anchor. */
  radius: number;
}

// Wide enough apart that two neighbours' labels (at most ~140 px, see graph-style) do not touch.
const DEFAULTS: PlaceOptions = { spacing: 110, radius: 170 };

/** A uniform grid of placed points for near-neighbour checks without scanning everything. */
class Grid {
  private readonly cells = new Map<string, Point[]>();
  constructor(private readonly size: number) {}
  private key(cx: number, cy: number): string {
    return `${cx},${cy}`;
  }
  add(p: Point): void {
    const k = this.key(Math.floor(p.x / this.size), Math.floor(p.y / this.size));
    const list = this.cells.get(k);
    if (list) list.push(p);
    else this.cells.set(k, [p]);
  }
  isFree(p: Point, min: number): boolean {
    const cx = Math.floor(p.x / this.size);
    const cy = Math.floor(p.y / this.size);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const q of this.cells.get(this.key(cx + dx, cy + dy)) ?? []) {
          if (Math.hypot(q.x - p.x, q.y - p.y) < min) return false;
        }
      }
    }
    return true;
  }
}

function centroid(points: Iterable<Point>): Point | undefined {
  let x = 0;
  let y = 0;
  let n = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
    n++;
  }
  return n === 0 ? undefined : { x: x / n, y: y / n };
}

/**
 * Positions for `newIds`, given the positions already on the canvas and the edges between all
 * nodes. Nodes linked to a placed node fan out around it; unlinked ones start a new group to
 * the right of everything.
 */
export function placeNewNodes(
  existing: ReadonlyMap<string, Point>,
  newIds: readonly string[],
  edges: readonly { source: string; target: string }[],
  options: Partial<PlaceOptions> = {},
): Map<string, Point> {
  const { spacing, radius } = { ...DEFAULTS, ...options };
  const placed = new Map(existing);
  const result = new Map<string, Point>();
  const grid = new Grid(spacing);
  for (const p of existing.values()) grid.add(p);

  const adjacency = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = adjacency.get(a);
    if (list) list.push(b);
    else adjacency.set(a, [b]);
  };
  for (const e of edges) {
    if (e.source === e.target) continue;
    link(e.source, e.target);
    link(e.target, e.source);
  }

  const put = (id: string, p: Point) => {
    placed.set(id, p);
    result.set(id, p);
    grid.add(p);
  };

  const pending = newIds.filter((id, i) => !existing.has(id) && newIds.indexOf(id) === i);
  while (pending.length > 0) {
    // Group every pending node that touches a placed node under its first placed neighbour.
    const groups = new Map<string, string[]>();
    const rest: string[] = [];
    for (const id of pending) {
      const anchor = (adjacency.get(id) ?? []).find((n) => placed.has(n));
      if (anchor === undefined) rest.push(id);
      else {
        const g = groups.get(anchor);
        if (g) g.push(id);
        else groups.set(anchor, [id]);
      }
    }
    if (groups.size === 0) {
      // Nothing links to the canvas: start a new group to the right of the graph.
      const seed = rest.shift() as string;
      let maxX = Number.NEGATIVE_INFINITY;
      let sumY = 0;
      for (const p of placed.values()) {
        maxX = Math.max(maxX, p.x);
        sumY += p.y;
      }
      let p: Point = placed.size === 0 ? { x: 0, y: 0 } : { x: maxX + radius * 2, y: sumY / placed.size };
      while (!grid.isFree(p, spacing)) p = { x: p.x, y: p.y + spacing };
      put(seed, p);
      pending.splice(0, pending.length, ...rest);
      continue;
    }
    for (const [anchorId, members] of groups) {
      const anchor = placed.get(anchorId) as Point;
      // Point away from the anchor's other neighbours (or the graph's centre), so fans grow outward.
      const others = (adjacency.get(anchorId) ?? []).filter((n) => placed.has(n)).map((n) => placed.get(n) as Point);
      const from = centroid(others) ?? centroid(placed.values()) ?? anchor;
      const dx = anchor.x - from.x;
      const dy = anchor.y - from.y;
      const outward = dx === 0 && dy === 0 ? 0 : Math.atan2(dy, dx);
      const isSeed = others.length === 0 || (dx === 0 && dy === 0);
      let ring = 0;
      let index = 0;
      while (index < members.length) {
        const r = radius + ring * spacing;
        // How many fit on this ring at `spacing` apart; a lone anchor gets a full circle, others a half.
        const arc = isSeed ? 2 * Math.PI : Math.PI;
        const capacity = Math.max(1, Math.floor((arc * r) / spacing));
        const count = Math.min(capacity, members.length - index);
        for (let k = 0; k < count; k++) {
          const id = members[index + k] as string;
          const angle = isSeed
            ? outward + (2 * Math.PI * k) / count
            : outward + (count === 1 ? 0 : -arc / 2 + (arc * (k + 0.5)) / count);
          let p: Point = { x: anchor.x + r * Math.cos(angle), y: anchor.y + r * Math.sin(angle) };
          // Step outward along the same ray until the spot is free.
          let step = 1;
          while (!grid.isFree(p, spacing) && step < 200) {
            const rr = r + step * (spacing / 2);
            p = { x: anchor.x + rr * Math.cos(angle), y: anchor.y + rr * Math.sin(angle) };
            step++;
          }
          put(id, { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
        }
        index += count;
        ring++;
      }
    }
    pending.splice(0, pending.length, ...rest);
  }
  return result;
}
