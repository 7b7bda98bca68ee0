// The lab's authoritative DNS server: UDP and TCP on the same loopback port, answering from
// scenario zones. Every socket it opens is closed by stop(); socket errors never escape.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { answerQuery } from './answer';
import { attachDelegations, type CompiledZone, compileZone, type DelegationRecordInput, type ZoneInput } from './zone';

export interface DnsServerOptions {
  host?: string;
  /** 0 (the default) picks a free port, the same for UDP and TCP. */
  port?: number;
  zones: ZoneInput[];
  /**
   * DS records (and RRSIGs over them) as the parents publish them, owned by the apex of a served
   * zone, absolute names: DS queries at that apex are answered from these (signZone's `ds`).
   */
  ds?: DelegationRecordInput[];
  /** Names under no served zone: refused (the default, as an authoritative server does) or NXDOMAIN. */
  outside?: 'refuse' | 'nxdomain';
}

export interface DnsServer {
  address: { host: string; port: number };
  /** Queries answered per transport, so tests can tell what travelled how. */
  readonly queries: { udp: number; tcp: number };
  stop(): Promise<void>;
}

/** An idle TCP client is dropped after this long, so a stuck peer cannot hold a socket forever. */
const TCP_IDLE_MS = 10_000;
/** Bytes buffered from one TCP client while waiting for a whole message (2-byte length + 65535). */
const TCP_MAX_BUFFER = 2 + 65535;
const PORT_ATTEMPTS = 20;

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function listenTcp(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const zones: CompiledZone[] = options.zones.map((zone) => compileZone(zone));
  attachDelegations(zones, options.ds ?? []);
  const queries = { udp: 0, tcp: 0 };
  const clients = new Set<Socket>();

  const tcpServer = createServer((client) => {
    clients.add(client);
    client.setTimeout(TCP_IDLE_MS, () => client.destroy());
    client.on('error', () => client.destroy());
    client.on('close', () => clients.delete(client));
    let buffered = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > TCP_MAX_BUFFER * 4) {
        client.destroy();
        return;
      }
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        const reply = answerQuery(zones, message, 'tcp', options.outside);
        if (!reply) continue;
        queries.tcp++;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        client.write(Buffer.concat([prefix, reply]));
      }
    });
  });
  tcpServer.on('error', () => {});

  // Port 0 picks a free UDP port; TCP then has to get the same one, which another process may hold.
  let udp: UdpSocket | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : PORT_ATTEMPTS) && !udp; attempt++) {
    const candidate = await bindUdp(host, options.port ?? 0);
    try {
      await listenTcp(tcpServer, host, candidate.address().port);
      udp = candidate;
    } catch (error) {
      lastError = error;
      await closeUdp(candidate);
    }
  }
  if (!udp) throw lastError instanceof Error ? lastError : new Error('could not bind the DNS server');
  const udpSocket = udp;
  udpSocket.on('error', () => {});
  udpSocket.on('message', (message, remote) => {
    const reply = answerQuery(zones, message, 'udp', options.outside);
    if (!reply) return;
    queries.udp++;
    udpSocket.send(reply, remote.port, remote.address, () => {
      // A client that went away makes send fail; that is its business, not the server's.
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    address: { host, port: udpSocket.address().port },
    queries,
    stop(): Promise<void> {
      stopped ??= (async () => {
        for (const client of clients) client.destroy();
        await Promise.all([closeUdp(udpSocket), new Promise<void>((resolve) => tcpServer.close(() => resolve()))]);
      })();
      return stopped;
    },
  };
}
