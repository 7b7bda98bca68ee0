// The Cytoscape stylesheet: one colour and shape per entity type, light labels outlined in the
// background colour so they stay legible over edges.
import type { StylesheetJson } from 'cytoscape';
import { ENTITY_TYPES } from '../../shared/model';
import { ENTITY_STYLES } from '../model/entity-style';

const BACKGROUND = '#14171c';

export function graphStylesheet(): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: 26,
        height: 26,
        'background-color': '#888',
        'border-width': 1.5,
        'border-color': '#0b0d10',
        label: 'data(label)',
        color: '#e8ebef',
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-outline-color': BACKGROUND,
        'text-outline-width': 2,
        'text-wrap': 'ellipsis',
        'text-max-width': '140px',
        'min-zoomed-font-size': 6,
      },
    },
    ...ENTITY_TYPES.map((type) => ({
      selector: `node[type = "${type}"]`,
      style: { 'background-color': ENTITY_STYLES[type].color, shape: ENTITY_STYLES[type].shape },
    })),
    {
      selector: 'node:selected',
      // The selected node shows its whole label (others are cut to keep the canvas readable).
      style: {
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
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'edge:selected',
      style: { 'line-color': '#cfd6df', 'target-arrow-color': '#cfd6df', width: 2 },
    },
  ];
}
