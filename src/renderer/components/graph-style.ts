// The Cytoscape stylesheet: one colour and shape per entity type, light labels outlined in the
// background colour so they stay legible over edges. Nodes show their short caption; the selected
// one its longer label. Key nodes (class `key`: the scanned targets, the selection and its
// neighbours) keep their label at any zoom; GraphView sizes it for the zoom.
import type { StylesheetJson } from 'cytoscape';
import { ENTITY_TYPES } from '../../shared/model';
import { ENTITY_STYLES } from '../model/entity-style';
import { HIDE_LABEL_PX, LABEL_FONT } from '../model/viewport';

/** Node diameter in graph units; the layout sizes label boxes from it. */
export const NODE_SIZE = 26;
/** Widest a caption is drawn at LABEL_FONT, in graph units (a key label scaled up scales it too). */
export const LABEL_MAX_WIDTH = 200;

const BACKGROUND = '#14171c';

export function graphStylesheet(): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: NODE_SIZE,
        height: NODE_SIZE,
        'background-color': '#888',
        'border-width': 1.5,
        'border-color': '#0b0d10',
        label: 'data(caption)',
        color: '#e8ebef',
        'font-size': LABEL_FONT,
        'font-family': 'system-ui, sans-serif',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-outline-color': BACKGROUND,
        'text-outline-width': 2,
        'text-wrap': 'ellipsis',
        'text-max-width': `${LABEL_MAX_WIDTH}px`,
        'min-zoomed-font-size': HIDE_LABEL_PX,
      },
    },
    {
      selector: 'node.key',
      style: { 'min-zoomed-font-size': 0, 'z-index': 5 },
    },
    ...ENTITY_TYPES.map((type) => ({
      selector: `node[type = "${type}"]`,
      style: { 'background-color': ENTITY_STYLES[type].color, shape: ENTITY_STYLES[type].shape },
    })),
    {
      selector: 'node:selected',
      // The selected node shows its longer label (others their caption, to keep the canvas readable).
      style: {
        label: 'data(label)',
        'border-width': 4,
        'border-color': '#ffffff',
        'overlay-opacity': 0,
        'text-max-width': '600px',
        'z-index': 10,
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.2,
        'line-color': '#56606e',
        'target-arrow-color': '#56606e',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 8,
        color: '#8a94a3',
        'text-rotation': 'autorotate',
        'text-outline-color': BACKGROUND,
        'text-outline-width': 2,
        // Relation names only once zoomed in past 1 (Cytoscape rounds the zoom up to a power of two
        // for this test): at the fitted zoom they are clutter. Hover a node for the details.
        'min-zoomed-font-size': 9,
      },
    },
    {
      selector: 'edge:selected',
      style: { 'line-color': '#cfd6df', 'target-arrow-color': '#cfd6df', width: 2 },
    },
  ];
}
