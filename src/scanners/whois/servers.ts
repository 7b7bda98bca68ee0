// Where to ask: the shipped TLD -> WHOIS server table (resources/whois/servers.json, built from
// whoisserver-world), the query each registry wants, IANA's "refer:" answer for TLDs the table
// lacks, and the shipped RDAP bootstrap (resources/whois/rdap-dns.json, IANA's format).
import * as z from 'zod';
import rdapBootstrapJson from '../../../resources/whois/rdap-dns.json';
import serversJson from '../../../resources/whois/servers.json';
import { canonicalValue } from '../../shared/target';

const ServerTable = z.object({ tlds: z.record(z.string(), z.string()) });
const RdapBootstrap = z.object({
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())])),
});

// Parsed once per worker; a broken resource is a build error, so failing loudly here is right.
const SERVERS: ReadonlyMap<string, string> = new Map(Object.entries(ServerTable.parse(serversJson).tlds));
const RDAP: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [tlds, urls] of RdapBootstrap.parse(rdapBootstrapJson).services) {
    // IANA lists https first when a registry has both; take the first https one.
    const url = urls.find((u) => u.startsWith('https://')) ?? urls[0];
    if (url) for (const tld of tlds) map.set(tld.toLowerCase(), url.endsWith('/') ? url : `${url}/`);
  }
  return map;
})();

export const IANA_WHOIS = 'whois.iana.org';

/** Registries that want more than the bare name on the query line. */
const QUERY_FORMATS: Readonly<Record<string, (name: string) => string>> = {
  // Verisign: "domain" restricts the lookup to domain objects (a bare name also matches hosts).
  'whois.verisign-grs.com': (name) => `domain ${name}`,
  // DENIC answers registrant-free technical data for "-T dn,ace", and A-labels for IDNs.
  'whois.denic.de': (name) => `-T dn,ace ${name}`,
  // JPRS answers in Japanese unless "/e" asks for English.
  'whois.jprs.jp': (name) => `${name}/e`,
};

export function whoisServerFor(tld: string): string | undefined {
  return SERVERS.get(tld.toLowerCase());
}

export function serverCount(): number {
  return SERVERS.size;
}

export function queryLine(server: string, name: string): string {
  return (QUERY_FORMATS[server.toLowerCase()] ?? ((n: string) => n))(name);
}

/** The RDAP base URL (ending in "/") IANA's bootstrap gives a TLD, if the snapshot has it. */
export function rdapBaseFor(tld: string): string | undefined {
  return RDAP.get(tld.toLowerCase());
}

/** A referral value ("whois.example.com", "whois://whois.example.com:43") as a host name, or undefined. */
export function referralHost(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(?:whois:\/\/)?([^\s/:]+)(?::(\d+))?\/?$/i.exec(value.trim());
  if (!m || (m[2] !== undefined && m[2] !== '43')) return undefined;
  return canonicalValue('domain', m[1] ?? '');
}
