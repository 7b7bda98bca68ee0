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
  /**
   * Why an address must not be contacted (the scan policy of an active scan), checked on the
   * address each connection actually goes to, after resolution: a name that resolves to a
   * public address when a scanner checks it and to an internal one when it connects (DNS
   * rebinding) is still refused.
   */
  refuses?: (ip: string) => string | undefined;
}

const MAX_ADDRESSES_TRIED = 4;

export class Dialer {
  constructor(private readonly settings: DialerSettings) {}

  /** A connected socket to host:port, or an Error naming the target and what went wrong. */
  async connect(host: string, port: number, signal: AbortSignal): Promise<Socket> {
    const { proxy, timeoutMs, refuses } = this.settings;
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (proxy) {
      // The proxy resolves names itself; with a policy, the name's addresses (asked through the
      // proxy too) must all pass first.
      if (refuses) this.checkAll(isIP(bare) !== 0 ? [bare] : await this.addressesOf(bare, signal), port, refuses);
      const target = await routed(this.settings.route, { host: bare, port }, 'tcp', signal);
      return connectSocks(proxy, target.host, target.port, signal, timeoutMs);
    }
    const addresses = isIP(bare) !== 0 ? [bare] : await this.addressesOf(bare, signal);
    const failures: string[] = [];
    for (const address of addresses.slice(0, MAX_ADDRESSES_TRIED)) {
      const refusal = refuses?.(address);
      if (refusal !== undefined) {
        failures.push(`connect to ${formatHostPort({ host: address, port })}: refused by the scan policy: ${refusal}`);
        continue;
      }
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

  private checkAll(addresses: readonly string[], port: number, refuses: (ip: string) => string | undefined): void {
    const refused = addresses.flatMap((address) => {
      const reason = refuses(address);
      return reason === undefined ? [] : [`${formatHostPort({ host: address, port })}: ${reason}`];
    });
    if (refused.length > 0) throw new Error(`connect refused by the scan policy: ${refused.join('; ')}`);
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
