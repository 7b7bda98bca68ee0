// The read-only view of the graph canvas that GraphView exposes as window.tracegraphGraph in every
// build, for browser tests (and curious analysts in devtools): what is drawn and where, nothing
// that can change it. Kept DOM-free so Node-side tests can import the types.
import type { EntityType } from '../../shared/model';

export interface GraphProbeNode {
  id: number;
  type: EntityType;
  value: string;
  /** The longer label the selected node shows. */
  label: string;
  /** The short caption every node shows. */
  caption: string;
  /** The label's on-screen font size in CSS pixels (font size × zoom). */
  fontPx: number;
  /** Whether the canvas draws the label at this zoom (Cytoscape hides those below min-zoomed-font-size). */
  labelShown: boolean;
  /** Centre of the node in page (client) coordinates. */
  x: number;
  y: number;
  /** Centre of the node in graph coordinates (unchanged by pan and zoom). */
  graphX: number;
  graphY: number;
  selected: boolean;
}

export interface GraphProbeEdge {
  id: number;
  from: number;
  to: number;
  kind: string;
}

export interface GraphProbeView {
  zoom: number;
  /** The canvas in page coordinates. */
  box: { x: number; y: number; width: number; height: number };
  layout: 'running' | 'idle';
  /** The last finished layout: nodes it moved, nodes on the canvas, computing time, longest frame slice. */
  lastLayout: { moved: number; nodes: number; computeMs: number; longestSliceMs: number; slices: number } | null;
}

export interface GraphProbe {
  nodes(): GraphProbeNode[];
  edges(): GraphProbeEdge[];
  view(): GraphProbeView;
}
