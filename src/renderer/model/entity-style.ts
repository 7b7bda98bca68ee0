// How each entity type looks in the graph: a colour and a shape per type, so type is readable
// without colour too. Chosen for contrast on the dark background.
import type { EntityType } from '../../shared/model';

export type NodeShape =
  | 'round-rectangle'
  | 'ellipse'
  | 'rectangle'
  | 'hexagon'
  | 'diamond'
  | 'octagon'
  | 'tag'
  | 'star'
  | 'round-tag'
  | 'barrel'
  | 'vee'
  | 'triangle';

export interface EntityStyle {
  color: string;
  shape: NodeShape;
}

export const ENTITY_STYLES: Record<EntityType, EntityStyle> = {
  domain: { color: '#4ea1ff', shape: 'round-rectangle' },
  ip: { color: '#ff9f43', shape: 'ellipse' },
  netblock: { color: '#ffd43b', shape: 'rectangle' },
  asn: { color: '#b197fc', shape: 'hexagon' },
  registrar: { color: '#f783ac', shape: 'diamond' },
  organization: { color: '#c8a47e', shape: 'octagon' },
  email: { color: '#51cf66', shape: 'tag' },
  certificate: { color: '#20c997', shape: 'star' },
  url: { color: '#66d9e8', shape: 'round-tag' },
  service: { color: '#ff6b6b', shape: 'barrel' },
  technology: { color: '#dee2e6', shape: 'vee' },
  location: { color: '#a9e34b', shape: 'triangle' },
};

export const SEVERITY_COLORS = {
  info: '#8aa4c8',
  low: '#7fd18b',
  medium: '#ffd43b',
  high: '#ff922b',
  critical: '#ff4d4f',
} as const;
