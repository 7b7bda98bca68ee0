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
  /** API keys by service name; by default those of the environment (see apiKeysFromEnv). */
  apiKeys?: Record<string, string>;
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

/**
 * API keys from the environment: `TRACEGRAPH_<SERVICE>_API_KEY` (TRACEGRAPH_NVD_API_KEY gives
 * the key for "nvd"). The environment, not a case file: a key must not travel with exported evidence.
 */
export function apiKeysFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^TRACEGRAPH_([A-Z0-9]+)_API_KEY$/.exec(name);
    if (match?.[1] && value?.trim()) keys[match[1].toLowerCase()] = value.trim();
  }
  return keys;
}

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
    apiKeys: settings.apiKeys ?? apiKeysFromEnv(process.env),
    ...(settings.lab ? { lab: settings.lab } : {}),
  };
}
