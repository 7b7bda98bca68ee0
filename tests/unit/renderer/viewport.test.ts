import { describe, expect, it } from 'vitest';
import {
  fitViewport,
  keyLabelFont,
  LABEL_FONT,
  MAX_FIT_ZOOM,
  MIN_FIT_ZOOM,
  READABLE_PX,
} from '../../../src/renderer/model/viewport';

const NO_INSETS = { top: 0, right: 0, bottom: 0, left: 0 };

describe('fitViewport', () => {
  it('keeps fitted labels readable', () => {
    expect(LABEL_FONT * MIN_FIT_ZOOM).toBeGreaterThanOrEqual(READABLE_PX);
  });

  it('fits a small graph, centred', () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 400, y2: 200 }, 900, 450, NO_INSETS);
    expect(v.zoom).toBeCloseTo(2.25 > MAX_FIT_ZOOM ? MAX_FIT_ZOOM : 2.25);
    expect(v.pan.x + 200 * v.zoom).toBeCloseTo(450);
    expect(v.pan.y + 100 * v.zoom).toBeCloseTo(225);
  });

  it('fits a medium graph exactly inside the insets', () => {
    const insets = { top: 48, right: 24, bottom: 24, left: 24 };
    // 1000 × 428 pixels inside the insets: the width decides.
    const v = fitViewport({ x1: -500, y1: -200, x2: 500, y2: 200 }, 1048, 500, insets);
    expect(v.zoom).toBeCloseTo(1);
    expect(v.pan.x - 500).toBeCloseTo(24);
    expect(v.pan.y - 200).toBeCloseTo(48 + 14);
  });

  it('does not shrink a big graph below the readable zoom, and shows the part around the focus', () => {
    const bounds = { x1: -3000, y1: -3000, x2: 3000, y2: 3000 };
    const v = fitViewport(bounds, 900, 450, NO_INSETS, { x: 1000, y: -500 });
    expect(v.zoom).toBe(MIN_FIT_ZOOM);
    // The focus is in the middle of the canvas.
    expect(v.pan.x + 1000 * v.zoom).toBeCloseTo(450);
    expect(v.pan.y - 500 * v.zoom).toBeCloseTo(225);
  });

  it('does not look past the edge of the graph to centre a focus near it', () => {
    const bounds = { x1: 0, y1: 0, x2: 3000, y2: 3000 };
    const v = fitViewport(bounds, 900, 450, NO_INSETS, { x: 10, y: 10 });
    // The graph's top-left corner sits at the canvas's top-left corner.
    expect(v.pan.x).toBeCloseTo(0);
    expect(v.pan.y).toBeCloseTo(0);
  });
});

describe('keyLabelFont', () => {
  it('is the normal size while that reads, and READABLE_PX on screen when zoomed further out', () => {
    expect(keyLabelFont(1)).toBe(LABEL_FONT);
    expect(keyLabelFont(MIN_FIT_ZOOM)).toBe(LABEL_FONT);
    for (const zoom of [0.5, 0.2, 0.1]) expect(keyLabelFont(zoom) * zoom).toBeCloseTo(READABLE_PX);
  });
});
