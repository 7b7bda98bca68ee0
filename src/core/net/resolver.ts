// The stub resolver behind ctx.net.resolver: UDP with TCP fallback on truncation, retries that
// move to the next server, and TCP through the SOCKS5 proxy when one is set (no DNS leaks).
import type { DnsRecordType, DnsResponse, Resolver } from '../../shared/scanner';
import { formatHostPort, type HostPort, type ProxyConfig, parseServer } from './address';
import { SocketConnection } from './connection';
import { Deadline, errorMessage } from './deadline';
import { tcpExchange, udpExchange } from './dns-transport';
import { type BuiltQuery, buildQuery, DNS_RECORD_TYPES, normaliseQueryName } from './dns-wire';
import { type RouteFn, routed } from './lab-route';
import { connectSocks } from './socks';
import { connectTcp } from './tcp';

export interface ResolverSettings {
  servers: HostPort[];
  proxy: ProxyConfig | null;
  timeoutMs: number;
  retries: number;
  route?: RouteFn;
}

export class DnsResolver implements Resolver {
  constructor(private readonly settings: ResolverSettings) {}

  async query(name: string, type: DnsRecordType, signal?: AbortSignal, server?: string): Promise<DnsResponse> {
    if (!DNS_RECORD_TYPES.includes(type)) throw new Error(`unsupported DNS record type "${String(type)}"`);
    const qname = normaliseQueryName(name);
    const { retries } = this.settings;
    const servers = server === undefined ? this.settings.servers : [parseServer(server)];
    if (servers.length === 0) throw new Error('no DNS server is configured');
    const failures: string[] = [];
    for (let attempt = 0; attempt <= retries; attempt++) {
      signal?.throwIfAborted();
      const server = servers[attempt % servers.length] as HostPort;
      try {
        return await this.attempt(server, buildQuery(qname, type), signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        failures.push(errorMessage(error));
      }
    }
    throw new Error(`DNS query ${qname || '.'} ${type} failed: ${summarise(failures)}`);
  }

  private async attempt(server: HostPort, query: BuiltQuery, signal?: AbortSignal): Promise<DnsResponse> {
    const name = formatHostPort(server);
    if (this.settings.proxy) return this.overTcp(server, query, signal, `${name} via SOCKS5 proxy`);
    const deadline = new Deadline(this.settings.timeoutMs, signal, name);
    let response: DnsResponse;
    try {
      const target = await routed(this.settings.route, server, 'udp', deadline.signal);
      response = await udpExchange(target, query, deadline.signal, name);
    } finally {
      deadline.dispose();
    }
    if (!response.truncated) return response;
    try {
      return await this.overTcp(server, query, signal, `${name} over TCP`);
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
    const name = formatHostPort(server);
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
