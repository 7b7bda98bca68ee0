// Every address a scenario names: its hosts, its sites, the A and AAAA data of its zones and its
// resolvers. These are the lab's addresses; scanning one reaches the lab or is refused by it.
import { canonicalIp } from '../../shared/target';
import type { Scenario } from './schema';

export function scenarioAddresses(scenario: Scenario): string[] {
  const named = [
    ...scenario.hosts.map((h) => h.address),
    ...scenario.sites.map((s) => s.address),
    ...scenario.resolvers.map((r) => r.address),
    ...[...scenario.zones, ...scenario.resolvers.flatMap((r) => r.overrides)].flatMap((zone) =>
      zone.records.filter((r) => r.type === 'A' || r.type === 'AAAA').flatMap((r) => r.data),
    ),
  ];
  const addresses = new Set<string>();
  for (const text of named) {
    const ip = typeof text === 'string' ? canonicalIp(text.trim()) : undefined;
    if (ip !== undefined) addresses.add(ip);
  }
  return [...addresses];
}
