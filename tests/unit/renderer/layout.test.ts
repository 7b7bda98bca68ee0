import { describe, expect, it } from 'vitest';
import { type Point, placeNewNodes } from '../../../src/renderer/model/layout';

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function allApart(points: Point[], min: number): boolean {
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (dist(points[i] as Point, points[j] as Point) < min - 0.5) return false;
    }
  }
  return true;
}

describe('placeNewNodes', () => {
  it('places a first node at the origin and its children around it', () => {
    const edges = [1, 2, 3, 4, 5].map((i) => ({ source: 'e0', target: `e${i}` }));
    const placed = placeNewNodes(new Map(), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'], edges);
    expect(placed.get('e0')).toEqual({ x: 0, y: 0 });
    for (let i = 1; i <= 5; i++) expect(dist(placed.get(`e${i}`) as Point, { x: 0, y: 0 })).toBeCloseTo(170, 0);
    expect(allApart([...placed.values()], 110)).toBe(true);
  });

  it('never moves existing nodes and keeps new ones clear of them', () => {
    const existing = new Map<string, Point>([
      ['e1', { x: 0, y: 0 }],
      ['e2', { x: 140, y: 0 }],
      ['e3', { x: -140, y: 0 }],
    ]);
    const edges = [
      { source: 'e1', target: 'e2' },
      { source: 'e1', target: 'e3' },
      ...Array.from({ length: 30 }, (_, i) => ({ source: 'e2', target: `n${i}` })),
    ];
    const newIds = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const placed = placeNewNodes(existing, newIds, edges);
    expect([...placed.keys()].sort()).toEqual([...newIds].sort());
    expect(placed.has('e1')).toBe(false);
    expect(allApart([...existing.values(), ...placed.values()], 110)).toBe(true);
    // The fan grows away from the rest of the graph (e2 sits to the right of e1).
    const cx = [...placed.values()].reduce((s, p) => s + p.x, 0) / placed.size;
    expect(cx).toBeGreaterThan(140);
  });

  it('chains through new nodes and starts unlinked ones as a new group to the right', () => {
    const existing = new Map<string, Point>([['e1', { x: 0, y: 0 }]]);
    const edges = [
      { source: 'e1', target: 'e2' },
      { source: 'e2', target: 'e3' },
    ];
    const placed = placeNewNodes(existing, ['e3', 'e2', 'e9'], edges);
    expect(placed.size).toBe(3);
    expect((placed.get('e9') as Point).x).toBeGreaterThan(Math.max((placed.get('e2') as Point).x, 0));
    expect(allApart([...existing.values(), ...placed.values()], 110)).toBe(true);
  });

  it('is deterministic', () => {
    const edges = Array.from({ length: 50 }, (_, i) => ({ source: 'root', target: `c${i}` }));
    const ids = ['root', ...edges.map((e) => e.target)];
    expect(placeNewNodes(new Map(), ids, edges)).toEqual(placeNewNodes(new Map(), ids, edges));
    expect(allApart([...placeNewNodes(new Map(), ids, edges).values()], 110)).toBe(true);
  });
});
