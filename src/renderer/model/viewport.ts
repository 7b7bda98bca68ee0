// How far the canvas may zoom out when it fits the graph, and how big key labels are drawn when the
// analyst zooms out further: the numbers behind "labels are readable at the fitted zoom".
// Pure, so the policy is unit-tested without a browser.
import type { Point } from './layout';

/** Node label size in graph units (the stylesheet's font-size). */
export const LABEL_FONT = 12;
/** The smallest on-screen label size, in CSS pixels, that still reads comfortably. */
export const READABLE_PX = 9;
/** Fitting never zooms out past this: a bigger graph is panned, not shrunk to unreadable dots. */
export const MIN_FIT_ZOOM = READABLE_PX / LABEL_FONT;
/** Nor in past this: a handful of nodes would otherwise be blown up to giant size. */
export const MAX_FIT_ZOOM = 1.4;
/**
 * Ordinary node labels are not drawn below this size (clutter when zoomed far out). Cytoscape
 * compares it with the font size times the zoom rounded up to a power of two, so with LABEL_FONT
 * they go at a zoom of 0.5 and below; key nodes keep theirs (keyLabelFont).
 */
export const HIDE_LABEL_PX = 7;

export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Viewport {
  zoom: number;
  pan: Point;
}

/** Space kept free at each side of the canvas, in pixels (overlays such as the legend sit there). */
export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The viewport that fits `bounds` (graph units) into a canvas of `width` × `height` pixels inside
 * `insets`, within [MIN_FIT_ZOOM, MAX_FIT_ZOOM]. When the graph is too big to fit at a readable
 * zoom, the view shows the part around `focus` (what the analyst is working on) instead.
 */
export function fitViewport(bounds: Bounds, width: number, height: number, insets: Insets, focus?: Point): Viewport {
  const bw = Math.max(bounds.x2 - bounds.x1, 1);
  const bh = Math.max(bounds.y2 - bounds.y1, 1);
  const innerW = Math.max(width - insets.left - insets.right, 1);
  const innerH = Math.max(height - insets.top - insets.bottom, 1);
  const fit = Math.min(innerW / bw, innerH / bh);
  const zoom = Math.min(MAX_FIT_ZOOM, Math.max(MIN_FIT_ZOOM, fit));
  // Along each axis: the middle when the graph fits, else the focus, moved so the view does not
  // run past the graph's edge while part of it is cut off on the other side.
  const along = (lo: number, hi: number, inner: number, at: number | undefined): number => {
    const half = inner / zoom / 2;
    if (at === undefined || hi - lo <= 2 * half) return (lo + hi) / 2;
    return Math.min(hi - half, Math.max(lo + half, at));
  };
  const centre = {
    x: along(bounds.x1, bounds.x2, innerW, focus?.x),
    y: along(bounds.y1, bounds.y2, innerH, focus?.y),
  };
  return {
    zoom,
    pan: { x: insets.left + innerW / 2 - centre.x * zoom, y: insets.top + innerH / 2 - centre.y * zoom },
  };
}

/**
 * The font size (graph units) for a key node's label at `zoom`: the normal size while that reads,
 * else large enough to stay READABLE_PX on screen, so seeds and the selection keep their names
 * however far the analyst zooms out.
 */
export function keyLabelFont(zoom: number): number {
  return LABEL_FONT * zoom >= READABLE_PX ? LABEL_FONT : READABLE_PX / zoom;
}
