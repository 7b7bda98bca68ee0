// Routing for the lab: scenario addresses are labels that map to loopback listeners. A packet to
// any address outside 127.0.0.0/8 that the lab does not serve is refused or silently dropped,
// never sent: scanning the lab cannot touch the real internet.
import ipaddr from 'ipaddr.js';
import type { LabWiring } from '../../shared/scanner';
import { formatHostPort, type HostPort } from './address';

export type Proto = 'tcp' | 'udp';
export type RouteDecision = HostPort | 'refuse' | 'drop';
/** Where a connection to `target` really goes; undefined means "as addressed". */
export type RouteFn = (target: HostPort, proto: Proto) => RouteDecision | undefined;

function canonical(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address.toLowerCase();
}

function isLoopback(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

export function labRoute(wiring: LabWiring): RouteFn {
  const table = new Map<string, RouteDecision>();
  for (const route of wiring.routes) {
    table.set(`${route.proto} ${canonical(route.address)} ${route.port}`, route.to);
  }
  return (target, proto) => {
    const decision = table.get(`${proto} ${canonical(target.host)} ${target.port}`);
    if (decision !== undefined) return decision;
    // Loopback is where the lab's own servers (and tests' servers) listen.
    if (isLoopback(target.host)) return undefined;
    return wiring.unrouted;
  };
}

/** Applies a route: the real destination, an immediate refusal, or silence until the deadline. */
export async function routed(
  route: RouteFn | undefined,
  target: HostPort,
  proto: Proto,
  signal: AbortSignal,
): Promise<HostPort> {
  const decision = route?.(target, proto) ?? target;
  if (decision === 'refuse') throw new Error(`connect to ${formatHostPort(target)}: connection refused`);
  if (decision === 'drop') {
    // A filtered port: nothing answers; the caller's deadline ends the wait.
    await new Promise<never>((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  return decision as HostPort;
}
