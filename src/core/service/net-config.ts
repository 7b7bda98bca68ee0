// Builds the network settings every shell hands to scanners: resolvers (the system's unless
// told otherwise) and an optional SOCKS5 proxy, checked before any scan starts.
import { getServers } from 'node:dns';
import type { LabWiring, NetConfig } from '../../shared/scanner';

export interface NetSettings {
  resolvers?: string[];
  proxy?: string | null;
  timeoutMs?: number;
  /** Overrides of the third-party service base URLs, by name. */
  endpoints?: Record<string, string>;
  lab?: LabWiring;
}

/** The public services scanners ask, by name; the lab and tests point these at themselves. */
export const DEFAULT_ENDPOINTS: Record<string, string> = {
  crtsh: 'https://crt.sh',
  certspotter: 'https://api.certspotter.com',
  rdap: 'https://rdap.org',
  ianaWhois: 'whois.iana.org',
  wayback: 'https://web.archive.org',
  nvd: 'https://services.nvd.nist.gov/rest/json/cves/2.0',
  spamhausDrop: 'https://www.spamhaus.org/drop',
};

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[0-9a-zA-Z.-]+|[0-9a-fA-F:]+)(?::\d{1,5})?$/;

export function netConfig(settings: NetSettings = {}): NetConfig {
  const resolvers = settings.resolvers?.length ? settings.resolvers : getServers();
  for (const resolver of resolvers) {
    if (!HOST_PORT.test(resolver)) throw new Error(`resolver "${resolver}" is not host or host:port`);
  }
  const proxy = settings.proxy ?? null;
  if (proxy !== null && !/^socks5h?:\/\/([^@/]+@)?[^/:]+:\d{1,5}\/?$/.test(proxy)) {
    throw new Error(`proxy "${proxy}" is not socks5://[user:pass@]host:port`);
  }
  return {
    resolvers: resolvers.length ? resolvers : ['127.0.0.1'],
    proxy,
    timeoutMs: settings.timeoutMs ?? 3000,
    retries: 1,
    endpoints: { ...DEFAULT_ENDPOINTS, ...settings.endpoints },
    ...(settings.lab ? { lab: settings.lab } : {}),
  };
}
