// Reading the `resolvers` and `recordTypes` options. User input: every parser reports what is
// wrong instead of throwing deep inside a scan.
import ipaddr from 'ipaddr.js';
import type { DnsRecordType } from '../../shared/scanner';

export interface ResolverSpec {
  /** Shown in props and findings; unique within a run. */
  name: string;
  /** What ctx.net.resolver.query takes as `server`: "1.2.3.4", "1.2.3.4:5353" or "[::1]:53". */
  server: string;
  address: string;
  port: number;
}

export const COMPARABLE_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME', 'CAA'];
const MAX_NAME = 64;

/** "address", "address:port", "[v6]:port" or a bare v6 address; undefined when not an IP. */
export function parseServer(text: string): { address: string; port: number } | undefined {
  let host = text;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4port = /^([0-9.]+):(\d{1,5})$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (v4port) {
    host = v4port[1] ?? '';
    port = Number(v4port[2]);
  }
  if (!ipaddr.isValid(host) || port < 1 || port > 65535) return undefined;
  // ipaddr.isValid accepts shorthand like "8.8" (inet_aton forms); only dotted quads are meant.
  if (ipaddr.IPv4.isValid(host) && !ipaddr.IPv4.isValidFourPartDecimal(host)) return undefined;
  return { address: ipaddr.process(host).toString(), port };
}

function serverText(address: string, port: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === 53 && !address.includes(':') ? address : `${host}:${port}`;
}

/** Parses the resolver list; names default to the address, and duplicates get the address appended. */
export function parseResolvers(entries: readonly string[]): { resolvers: ResolverSpec[]; errors: string[] } {
  const resolvers: ResolverSpec[] = [];
  const errors: string[] = [];
  const servers = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim();
    const eq = entry.lastIndexOf('=');
    const label = eq >= 0 ? entry.slice(0, eq).trim() : '';
    const parsed = parseServer((eq >= 0 ? entry.slice(eq + 1) : entry).trim());
    if (!parsed) {
      errors.push(`resolver "${raw.slice(0, 100)}" is not "name=address[:port]" with an IP address`);
      continue;
    }
    const server = serverText(parsed.address, parsed.port);
    if (servers.has(server)) continue;
    servers.add(server);
    let name = (label || (parsed.port === 53 ? parsed.address : server)).slice(0, MAX_NAME);
    if (resolvers.some((r) => r.name === name)) name = `${name} (${server})`;
    resolvers.push({ name, server, ...parsed });
  }
  return { resolvers, errors };
}

export function parseRecordTypes(entries: readonly string[]): { types: DnsRecordType[]; errors: string[] } {
  const types: DnsRecordType[] = [];
  const errors: string[] = [];
  for (const raw of entries) {
    const type = COMPARABLE_TYPES.find((t) => t === raw.trim().toUpperCase());
    if (type === undefined)
      errors.push(`record type "${raw.slice(0, 20)}" is not one of ${COMPARABLE_TYPES.join(', ')}`);
    else if (!types.includes(type)) types.push(type);
  }
  return { types, errors };
}
