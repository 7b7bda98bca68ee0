// Builds the network settings every shell hands to scanners: resolvers (the system's unless
// told otherwise) and an optional SOCKS5 proxy, checked before any scan starts.
import { getServers } from 'node:dns';
import type { NetConfig } from '../../shared/scanner';

export interface NetSettings {
  resolvers?: string[];
  proxy?: string | null;
  timeoutMs?: number;
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
  };
}
