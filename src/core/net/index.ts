// ctx.net: the only way scanners reach the network. Built from plain NetConfig data inside each
// worker; every connection and DNS query honours the proxy, deadlines and abort signals.
import type {
  Connection,
  DialOptions,
  HttpRequest,
  HttpResponse,
  Net,
  NetConfig,
  TlsDialOptions,
} from '../../shared/scanner';
import { formatHostPort, type HostPort, type ProxyConfig, parseProxyUrl, parseServer } from './address';
import { SocketConnection, TlsConnection } from './connection';
import { Deadline } from './deadline';
import { Dialer } from './dialer';
import { httpRequest } from './http';
import { labRoute, type RouteFn } from './lab-route';
import { DnsResolver } from './resolver';
import { upgradeTls } from './tls';
import { labTraceroute } from './traceroute';

export type { HostPort, ProxyConfig } from './address';
export type { RouteFn } from './lab-route';

export interface NetOptions {
  /** Where connections to an address really go (the lab maps scenario IPs to loopback servers). */
  route?: RouteFn;
  /** The scan policy every TCP connection's address must pass (active scans); see Dialer. */
  refuses?: (ip: string) => string | undefined;
}

type TlsConnectionApi = Connection & { peerCertificatesDer(): Uint8Array[]; alpn(): string | null };

/**
 * Builds the Net for a config. Never throws: a bad resolver or proxy setting makes each use fail
 * with the reason, so a worker reports it as the run's error instead of crashing.
 */
export function createNet(config: NetConfig, options: NetOptions = {}): Net {
  let configError: Error | null = null;
  let servers: HostPort[] = [];
  let proxy: ProxyConfig | null = null;
  try {
    servers = config.resolvers.map((r) => parseServer(r));
    proxy = config.proxy ? parseProxyUrl(config.proxy) : null;
  } catch (error) {
    configError = error instanceof Error ? error : new Error(String(error));
  }
  const timeoutMs = config.timeoutMs;
  const route = options.route ?? (config.lab ? labRoute(config.lab) : undefined);
  const routing = route ? { route } : {};
  const resolver = new DnsResolver({ servers, proxy, timeoutMs, retries: config.retries, ...routing });
  const dialer = new Dialer({
    proxy,
    timeoutMs,
    resolver,
    ...routing,
    ...(options.refuses ? { refuses: options.refuses } : {}),
  });
  const check = (): void => {
    if (configError) throw new Error(`network settings: ${configError.message}`);
  };

  const dialSocket = async (dial: DialOptions, what: string) => {
    const deadline = new Deadline(dial.timeoutMs ?? timeoutMs, dial.signal, what);
    return {
      deadline,
      socket: await dialer.connect(dial.host, dial.port, deadline.signal).catch((error: unknown) => {
        deadline.dispose();
        throw error;
      }),
    };
  };

  return {
    resolver: {
      query: async (name, type, signal, server, options) => {
        check();
        return resolver.query(name, type, signal, server, options);
      },
    },
    async dial(dial: DialOptions): Promise<Connection> {
      check();
      const remote = formatHostPort(dial);
      const { deadline, socket } = await dialSocket(dial, `connect to ${remote}`);
      deadline.dispose();
      return new SocketConnection(socket, remote);
    },
    async dialTls(dial: TlsDialOptions): Promise<TlsConnectionApi> {
      check();
      const remote = formatHostPort(dial);
      const { deadline, socket } = await dialSocket(dial, `TLS connect to ${remote}`);
      try {
        const tlsSocket = await upgradeTls(
          socket,
          { servername: dial.servername ?? dial.host, ...(dial.alpn ? { alpn: dial.alpn } : {}) },
          remote,
          deadline.signal,
        );
        return new TlsConnection(tlsSocket, remote);
      } catch (error) {
        socket.destroy();
        throw error;
      } finally {
        deadline.dispose();
      }
    },
    async http(request: HttpRequest): Promise<HttpResponse> {
      check();
      return httpRequest(request, dialer);
    },
    endpoint(name: string): string {
      const url = config.endpoints?.[name];
      if (!url) throw new Error(`no endpoint is configured for "${name}"`);
      return url;
    },
    apiKey(name: string): string | undefined {
      return config.apiKeys?.[name] || undefined;
    },
    async traceroute(target, traceOptions = {}) {
      check();
      if (!config.lab) throw new Error('traceroute runs only against the lab in this version');
      return labTraceroute(config.lab, target, traceOptions.maxHops ?? 30);
    },
  };
}
