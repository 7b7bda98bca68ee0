// startLab(scenario): the simulated internet on loopback. It starts every server a scenario
// needs (authoritative DNS, the public resolvers' views, WHOIS, web and TLS sites, open ports,
// the third-party API server), writes the GeoIP database, and returns the network settings that
// route scanners to all of it. Scenario addresses are labels: nothing is sent to them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetSettings } from '../core/service/net-config';
import { PUBLIC_RESOLVERS } from '../shared/public-resolvers';
import type { LabRoute, LabWiring } from '../shared/scanner';
import { canonicalIp } from '../shared/target';
import { startApiServer } from './api/server';
import { signZones } from './dns/dnssec';
import { type DnsServer, startDnsServer } from './dns/server';
import { withSoa, type ZoneInput } from './dns/zone';
import { dnsblZones } from './dnsbl/zones';
import { writeGeoDb } from './geo/mmdb-writer';
import { startPortListeners } from './ports/listeners';
import { scenarioAddresses } from './scenario/addresses';
import type { Scenario } from './scenario/schema';
import { createLabCa } from './tls/ca';
import { startWebLab } from './web/server';
import { startWhoisLab } from './whois/server';

export interface LabListener {
  service: string;
  scenario: string;
  local: string;
}

export interface Lab {
  scenario: Scenario;
  /** What scanners need to reach the lab: resolvers, endpoints and wiring. */
  net: Required<Pick<NetSettings, 'resolvers' | 'endpoints' | 'lab'>>;
  /** The lab's GeoIP database (MaxMind DB format). */
  geoDb: string;
  /** PEM of the lab's root CA, which signed the scenario's certificates. */
  caPem: string;
  listeners: LabListener[];
  stop(): Promise<void>;
}

interface Stoppable {
  stop(): Promise<void>;
}

function describeRoutes(service: string, routes: LabRoute[]): LabListener[] {
  return routes
    .filter((r) => typeof r.to === 'object')
    .map((r) => ({
      service,
      scenario: `${r.address}:${r.port}/${r.proto}`,
      local: typeof r.to === 'object' ? `${r.to.host}:${r.to.port}` : r.to,
    }));
}

function resolverZones(zones: ZoneInput[], overrides: ZoneInput[]): ZoneInput[] {
  const replaced = new Map(overrides.map((z) => [z.origin.toLowerCase().replace(/\.$/, ''), z]));
  return zones.map((zone) => {
    const override = replaced.get(zone.origin.toLowerCase().replace(/\.$/, ''));
    if (!override) return zone;
    // An override replaces the records it names (same owner and type) and keeps the rest.
    const key = (r: { name: string; type: string }) => `${r.name.toLowerCase()} ${r.type}`;
    const names = new Set(override.records.map(key));
    return { ...zone, records: [...zone.records.filter((r) => !names.has(key(r))), ...override.records] };
  });
}

function dnsRoutes(address: string, port: number): LabRoute[] {
  return (['udp', 'tcp'] as const).map((proto) => ({ address, port: 53, proto, to: { host: '127.0.0.1', port } }));
}

export interface LabOptions {
  /** A fixed port for the authoritative DNS server (for people using dig); random by default. */
  dnsPort?: number;
}

async function listening<T>(what: string, port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const where = port ? `127.0.0.1:${port}` : '127.0.0.1';
    throw new Error(
      `lab ${what}: cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function startLab(scenario: Scenario, options: LabOptions = {}): Promise<Lab> {
  const started: Stoppable[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tracegraph-lab-'));
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ca = createLabCa();
    const web = await startWebLab(scenario.sites, ca);
    started.push(web);
    const served = new Set(web.routes.map((r) => `${r.address}:${r.port}`));
    const ports = await startPortListeners(scenario.hosts, served);
    started.push(ports);
    const addresses = scenarioAddresses(scenario);
    const whois = await startWhoisLab(scenario.whois, new Set(addresses));
    started.push(whois);
    const api = await startApiServer({
      rdap: scenario.rdap,
      ct: scenario.ct,
      wayback: scenario.wayback,
      drop: scenario.drop,
      cves: scenario.cves,
    });
    started.push(api);

    // A signed parent signs its signed children's DS records, so chains of trust are real.
    const signed = signZones(scenario.zones.map(withSoa), scenario.dnssec);
    const ds = signed.ds;
    const allZones = [...signed.zones, ...[...whois.zones, ...dnsblZones(scenario.dnsbl)].map(withSoa)];
    // The lab is the whole simulated internet: a name under none of its zones does not exist.
    const outside = 'nxdomain';
    const dns = await listening('DNS server', options.dnsPort, () =>
      startDnsServer({ zones: allZones, ds, outside, ...(options.dnsPort ? { port: options.dnsPort } : {}) }),
    );
    started.push(dns);

    const resolverRoutes: LabRoute[] = [];
    const resolverServers: DnsServer[] = [];
    for (const resolver of scenario.resolvers) {
      const server = await startDnsServer({ zones: resolverZones(allZones, resolver.overrides), ds, outside });
      started.push(server);
      resolverServers.push(server);
      resolverRoutes.push(...dnsRoutes(resolver.address, server.address.port));
    }
    // The well-known public resolvers a scenario leaves out answer as the zones say.
    const described = new Set(scenario.resolvers.map((r) => canonicalIp(r.address)));
    for (const resolver of PUBLIC_RESOLVERS) {
      if (!described.has(resolver.address)) resolverRoutes.push(...dnsRoutes(resolver.address, dns.address.port));
    }

    const geoDb = join(dir, 'lab-geo.mmdb');
    writeGeoDb(scenario.geo, geoDb);

    const wiring: LabWiring = {
      routes: [...web.routes, ...ports.routes, ...whois.routes, ...resolverRoutes],
      addresses,
      unrouted: 'refuse',
      traceroutes: scenario.traceroute.map((path) => ({
        target: path.target,
        hops: path.hops.map((hop, i) => ({ ttl: i + 1, address: hop.address, rttMs: hop.rttMs })),
      })),
    };
    const dnsAddress = `127.0.0.1:${dns.address.port}`;
    return {
      scenario,
      net: { resolvers: [dnsAddress], endpoints: api.endpoints, lab: wiring },
      geoDb,
      caPem: ca.rootPem,
      listeners: [
        { service: 'dns (authoritative)', scenario: 'resolver', local: dnsAddress },
        ...describeRoutes(
          'dns (public resolver)',
          resolverRoutes.filter((r) => r.proto === 'udp'),
        ),
        ...describeRoutes('web', web.routes),
        ...describeRoutes('port', ports.routes),
        ...describeRoutes('whois', whois.routes),
        ...Object.entries(api.endpoints).map(([name, url]) => ({
          service: `api (${name})`,
          scenario: name,
          local: url,
        })),
      ],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
