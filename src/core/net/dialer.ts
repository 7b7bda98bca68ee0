// Opening connections for scanners: through the SOCKS5 proxy when one is set (names resolved by
// the proxy), otherwise directly, with names resolved by our own resolver (never the OS's).
import { isIP, type Socket } from 'node:net';
import type { Resolver } from '../../shared/scanner';
import { formatHostPort, type ProxyConfig } from './address';
import { errorMessage } from './deadline';
import { type RouteFn, routed } from './lab-route';
import { connectSocks } from './socks';
import { connectTcp } from './tcp';

export interface DialerSettings {
  proxy: ProxyConfig | null;
  timeoutMs: number;
  resolver: Resolver;
  route?: RouteFn;
}

const MAX_ADDRESSES_TRIED = 4;

export class Dialer {
  constructor(private readonly settings: DialerSettings) {}

  /** A connected socket to host:port, or an Error naming the target and what went wrong. */
  async connect(host: string, port: number, signal: AbortSignal): Promise<Socket> {
    const { proxy, timeoutMs } = this.settings;
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (proxy) {
      const target = await routed(this.settings.route, { host: bare, port }, 'tcp', signal);
      return connectSocks(proxy, target.host, target.port, signal, timeoutMs);
    }
    const addresses = isIP(bare) !== 0 ? [bare] : await this.addressesOf(bare, signal);
    const failures: string[] = [];
    for (const address of addresses.slice(0, MAX_ADDRESSES_TRIED)) {
      try {
        const target = await routed(this.settings.route, { host: address, port }, 'tcp', signal);
        return await connectTcp(target.host, target.port, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        failures.push(errorMessage(error));
      }
    }
    throw new Error(failures.join('; ') || `connect to ${formatHostPort({ host: bare, port })}: no address`);
  }

  private async addressesOf(name: string, signal: AbortSignal): Promise<string[]> {
    const addresses: string[] = [];
    const problems: string[] = [];
    for (const type of ['A', 'AAAA'] as const) {
      try {
        const response = await this.settings.resolver.query(name, type, signal);
        for (const record of response.answers) {
          if (record.type === type && isIP(record.data) !== 0) addresses.push(record.data);
        }
        if (response.rcode !== 'NOERROR') problems.push(`${type}: ${response.rcode}`);
      } catch (error) {
        if (signal.aborted) throw error;
        problems.push(errorMessage(error));
      }
      if (addresses.length > 0) break;
    }
    if (addresses.length === 0) {
      throw new Error(
        `cannot resolve ${name}${problems.length > 0 ? ` (${problems.join('; ')})` : ': no address records'}`,
      );
    }
    return addresses;
  }
}
