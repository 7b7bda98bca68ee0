// What the scope says when it keeps an active module off a target: one wording for every shell.

export const PASSIVE_ONLY_REASON = 'the case is locked to passive modules';

export function outOfScopeReason(value: string, scopeDistance: number): string {
  const hops = `${scopeDistance} hop${scopeDistance === 1 ? '' : 's'}`;
  return `${value} is more than ${hops} from the case's seeds; add it to the scope to run active modules on it`;
}
