// Traceroute in the lab: the scenario's path to an address, hop by hop. An address the scenario
// gives no path for is reached in one hop, as on a flat network.
import ipaddr from 'ipaddr.js';
import type { LabWiring, TracerouteHop } from '../../shared/scanner';

export function labTraceroute(wiring: LabWiring, target: string, maxHops: number): TracerouteHop[] {
  if (!ipaddr.isValid(target)) throw new Error(`traceroute needs an IP address, not "${target}"`);
  const wanted = ipaddr.process(target).toString();
  const path = wiring.traceroutes.find(
    (p) => ipaddr.isValid(p.target) && ipaddr.process(p.target).toString() === wanted,
  );
  const hops = path ? path.hops : [{ ttl: 1, address: wanted, rttMs: [1] }];
  return hops.slice(0, Math.max(1, maxHops));
}
