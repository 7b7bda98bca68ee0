// Parsing of the address strings a NetConfig carries: DNS servers and the SOCKS5 proxy URL.
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export interface ProxyConfig extends HostPort {
  username?: string;
  password?: string;
}

function parsePort(text: string, whole: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw new Error(`"${whole}" has an invalid port`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new Error(`"${whole}" has a port outside 1-65535`);
  return port;
}

/**
 * "host", "host:port" or "[v6]:port" (a bare IPv6 address is accepted too). Resolvers must be IP
 * addresses: looking their names up would need a resolver of its own and leak past a proxy.
 */
export function parseServer(text: string, defaultPort = 53): HostPort {
  const trimmed = text.trim();
  let host: string;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], text);
  } else if (isIP(trimmed) === 6) {
    host = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    host = colon === -1 ? trimmed : trimmed.slice(0, colon);
    if (colon !== -1) port = parsePort(trimmed.slice(colon + 1), text);
  }
  if (host === 'localhost') host = '127.0.0.1';
  if (isIP(host) === 0) throw new Error(`DNS server "${text}" must be an IP address, optionally with a port`);
  return { host, port };
}

/** "127.0.0.1:53" or "[::1]:53". */
export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** socks5://[user:pass@]host:port (socks5h:// is accepted as a synonym: names always go to the proxy). */
export function parseProxyUrl(text: string): ProxyConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`proxy "${text}" is not a URL; expected socks5://[user:pass@]host:port`);
  }
  if (url.protocol !== 'socks5:' && url.protocol !== 'socks5h:') {
    throw new Error(`proxy "${url.protocol}//…" is not supported; only socks5:// proxies are`);
  }
  if (url.port === '') throw new Error('the proxy URL needs a port, e.g. socks5://127.0.0.1:1080');
  let host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') host = '127.0.0.1';
  // The proxy's own address is dialled directly; resolving its name locally would be the one leak.
  if (isIP(host) === 0) throw new Error(`the proxy host "${host}" must be an IP address or localhost`);
  const proxy: ProxyConfig = { host, port: parsePort(url.port, text) };
  if (url.username !== '') proxy.username = decodeURIComponent(url.username);
  if (url.password !== '') proxy.password = decodeURIComponent(url.password);
  return proxy;
}
