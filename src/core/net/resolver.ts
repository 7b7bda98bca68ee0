// The stub resolver behind ctx.net.resolver: UDP (shared sockets, see dns-udp.ts) with TCP
// fallback on truncation, retries that move to the next server, and TCP through the SOCKS5 proxy
// when one is set (no DNS leaks).
import {
  DNS_RECORD_TYPES,
  type DnsQueryOptions,
  type DnsRecordType,
  type DnsResponse,
  type Resolver,
} from '../../shared/scanner';
import { formatHostPort, type HostPort, type ProxyConfig, parseServer } from './address';
import { SocketConnection } from './connection';
import { Deadline, errorMessage } from './deadline';
import { tcpExchange } from './dns-transport';
import { UdpPool, type UdpPoolOptions } from './dns-udp';
import { type BuiltQuery, buildQuery, normaliseQueryName } from './dns-wire';
import { type RouteFn, routed } from './lab-route';
import { connectSocks } from './socks';
import { connectTcp } from './tcp';

export interface ResolverSettings {
  servers: HostPort[];
  proxy: ProxyConfig | null;
  timeoutMs: number;
  retries: number;
  route?: RouteFn;
  /** Socket reuse tuning (tests shorten the idle time); defaults in dns-udp.ts. */
  udp?: Omit<UdpPoolOptions, 'timeoutMs'>;
}

export class DnsResolver implements Resolver {
  private readonly udp: UdpPool;
  /** "host:port" of each configured server, worked out once rather than per query. */
  private readonly names = new WeakMap<HostPort, string>();

  constructor(private readonly settings: ResolverSettings) {
    this.udp = new UdpPool({ ...settings.udp, timeoutMs: settings.timeoutMs });
  }

  /** UDP sockets open now (they close on their own when idle; this is for tests and diagnostics). */
  get openUdpSockets(): number {
    return this.udp.openSockets;
  }

  /** Closes the UDP sockets now instead of when idle; queries in flight on them fail. */
  close(): void {
    this.udp.close();
  }

  async query(
    name: string,
    type: DnsRecordType,
    signal?: AbortSignal,
    server?: string,
    options?: DnsQueryOptions,
  ): Promise<DnsResponse> {
    if (!DNS_RECORD_TYPES.includes(type)) throw new Error(`unsupported DNS record type "${String(type)}"`);
    const qname = normaliseQueryName(name);
    const { retries } = this.settings;
    const servers = server === undefined ? this.settings.servers : [parseServer(server)];
    if (servers.length === 0) throw new Error('no DNS server is configured');
    const dnssec = options?.dnssec === true;
    const failures: string[] = [];
    for (let attempt = 0; attempt <= retries; attempt++) {
      signal?.throwIfAborted();
      const server = servers[attempt % servers.length] as HostPort;
      try {
        return await this.attempt(server, qname, type, signal, dnssec);
      } catch (error) {
        if (signal?.aborted) throw error;
        failures.push(errorMessage(error));
      }
    }
    throw new Error(`DNS query ${qname || '.'} ${type} failed: ${summarise(failures)}`);
  }

  private nameOf(server: HostPort): string {
    let name = this.names.get(server);
    if (name === undefined) {
      name = formatHostPort(server);
      this.names.set(server, name);
    }
    return name;
  }

  private async attempt(
    server: HostPort,
    qname: string,
    type: DnsRecordType,
    signal: AbortSignal | undefined,
    dnssec: boolean,
  ): Promise<DnsResponse> {
    const name = this.nameOf(server);
    if (this.settings.proxy) {
      return this.overTcp(server, buildQuery(qname, type, undefined, dnssec), signal, `${name} via SOCKS5 proxy`);
    }
    // The route is asked on every attempt: the lab may rewire between queries.
    const decision = this.settings.route?.(server, 'udp') ?? server;
    let target: HostPort;
    if (typeof decision === 'object') {
      target = decision;
    } else {
      // Refused or dropped: fail or stay silent under a deadline, as a connection would.
      const deadline = new Deadline(this.settings.timeoutMs, signal, name);
      try {
        target = await routed(() => decision, server, 'udp', deadline.signal);
      } finally {
        deadline.dispose();
      }
    }
    const response = await this.udp.exchange(target, qname, type, name, signal, dnssec);
    if (!response.truncated) return response;
    try {
      return await this.overTcp(server, buildQuery(qname, type, undefined, dnssec), signal, `${name} over TCP`);
    } catch (error) {
      if (signal?.aborted) throw error;
      // The truncated answer is still an answer (and says so); better than none.
      return response;
    }
  }

  private async overTcp(
    server: HostPort,
    query: BuiltQuery,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<DnsResponse> {
    const name = this.nameOf(server);
    const deadline = new Deadline(this.settings.timeoutMs, signal, what);
    const proxy = this.settings.proxy;
    let connection: SocketConnection | undefined;
    try {
      const target = await routed(this.settings.route, server, 'tcp', deadline.signal);
      const socket = proxy
        ? await connectSocks(proxy, target.host, target.port, deadline.signal, this.settings.timeoutMs)
        : await connectTcp(target.host, target.port, deadline.signal);
      connection = new SocketConnection(socket, name);
      return await tcpExchange(connection, query, name, deadline.signal);
    } catch (error) {
      if (deadline.timedOut || signal?.aborted) throw error;
      throw new Error(`${what}: ${errorMessage(error)}`);
    } finally {
      connection?.close();
      deadline.dispose();
    }
  }
}

/** "a (2 times); b": repeated failures of the same server said once. */
function summarise(failures: string[]): string {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return [...counts].map(([text, count]) => (count > 1 ? `${text} (${count} times)` : text)).join('; ');
}
