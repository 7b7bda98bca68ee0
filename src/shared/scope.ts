// The scope's verdict on one entity: may active modules run on it, and if not, why. One wording
// for every shell.
import type { ScopeStatus } from './api';
import type { CaseSettings } from './model';

export const PASSIVE_ONLY_REASON = 'the case is locked to passive modules';

export function outOfScopeReason(value: string, scopeDistance: number): string {
  const hops = `${scopeDistance} hop${scopeDistance === 1 ? '' : 's'}`;
  return `${value} is more than ${hops} from the case's seeds; add it to the scope to run active modules on it`;
}

/** @param distance hops from the nearest seed, searched up to the scope distance; null beyond it. */
export function scopeStatus(distance: number | null, settings: CaseSettings, value: string): ScopeStatus {
  if (settings.passiveOnly) return { distance, activeAllowed: false, reason: PASSIVE_ONLY_REASON };
  if (distance === null) {
    return { distance, activeAllowed: false, reason: outOfScopeReason(value, settings.scopeDistance) };
  }
  return { distance, activeAllowed: true, reason: null };
}
