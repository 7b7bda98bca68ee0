// The read-only view of the graph canvas that GraphView exposes as window.tracegraphGraph in every
// build, for browser tests (and curious analysts in devtools): what is drawn and where, nothing
// that can change it. Kept DOM-free so Node-side tests can import the types.
import type { EntityType } from '../../shared/model';

export interface GraphProbeNode {
  id: number;
  type: EntityType;
  value: string;
  label: string;
  /** Centre of the node in page (client) coordinates. */
  x: number;
  y: number;
  selected: boolean;
}

export interface GraphProbeEdge {
  id: number;
  from: number;
  to: number;
  kind: string;
}

export interface GraphProbe {
  nodes(): GraphProbeNode[];
  edges(): GraphProbeEdge[];
}
