import type { JsonValue } from '../../shared/model';

/** A numeric option of at least 1, capped at `max`; anything else gives the fallback. */
export function numberOption(value: JsonValue | undefined, fallback: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.min(Math.floor(value), max)
    : fallback;
}
