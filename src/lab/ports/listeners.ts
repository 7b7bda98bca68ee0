// The scenario's open ports: a loopback TCP listener per open TCP port that greets with its
// banner (or misbehaves as told), and a UDP responder per open UDP port. Closed ports are routed
// to 'refuse' and filtered ones to 'drop', so a port scan through ctx.net sees the scenario's
// port states without any listener for them.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { LabRoute } from '../../shared/scanner';
import {
  Connections,
  closeServer,
  handlesReleased,
  LAB_HOST,
  listen,
  resetAfter,
  writeEndlessly,
  writeSlowly,
} from '../connections';
import { payloadBytes } from '../scenario/bytes';
import type { Host, PortSpec } from '../scenario/schema';

export interface PortLab {
  /** A route for every port of every host, except those `served` by someone else. */
  routes: LabRoute[];
  stop(): Promise<void>;
}

/** A client that connected and went quiet is dropped after this long (never for 'hang'). */
const IDLE_MS = 60_000;
/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65_507;
/** Frames of an endless banner are at least this large. */
const ENDLESS_FRAME = 16 * 1024;

function canonical(address: string): string {
  return ipaddr.process(address).toString();
}

/** "address:port" (IPv6 addresses unbracketed or bracketed) in canonical form. */
function servedKey(entry: string): string {
  const colon = entry.lastIndexOf(':');
  const address = entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(address) ? `${canonical(address)}:${entry.slice(colon + 1)}` : entry;
}

function greet(socket: Socket, spec: PortSpec): void {
  const banner = payloadBytes(spec.banner ?? '');
  // What the client sends is read and dropped: unread input at close turns FIN into RST.
  socket.on('data', () => {});
  switch (spec.behaviour) {
    case 'hang':
      socket.setTimeout(0);
      return;
    case 'reset':
      resetAfter(socket, socket, banner.subarray(0, banner.length >> 1));
      return;
    case 'slow':
      socket.setTimeout(0);
      writeSlowly(socket, socket, { head: banner, chunk: Buffer.alloc(0), repeat: 0 });
      return;
    case 'endless': {
      socket.setTimeout(0);
      const filler = banner.length > 0 ? banner : Buffer.from('endless ');
      writeEndlessly(socket, socket, Buffer.concat(Array(Math.ceil(ENDLESS_FRAME / filler.length)).fill(filler))).catch(
        () => socket.destroy(),
      );
      return;
    }
    default:
      if (banner.length > 0) socket.write(banner);
  }
}

function bindUdp(): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind(0, LAB_HOST, () => {
      socket.off('error', onError);
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

export async function startPortListeners(
  hosts: readonly Host[],
  served: ReadonlySet<string> = new Set(),
): Promise<PortLab> {
  const skip = new Set([...served].map(servedKey));
  const servers: Server[] = [];
  const udpSockets: UdpSocket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const connections = new Connections();
  const routes: LabRoute[] = [];
  const seen = new Set<string>();
  let stopped = false;

  const stop = async (): Promise<void> => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const closing = [...servers.map((s) => closeServer(s)), ...udpSockets.map((s) => closeUdp(s))];
    connections.destroyAll();
    await Promise.all(closing);
    await handlesReleased();
  };

  const openTcp = async (spec: PortSpec): Promise<number> => {
    const server = createServer((socket) => {
      if (stopped) {
        socket.destroy();
        return;
      }
      connections.add(socket);
      socket.setNoDelay(true);
      socket.setTimeout(IDLE_MS, () => socket.destroy());
      greet(socket, spec);
    });
    servers.push(server);
    return listen(server);
  };

  const openUdp = async (spec: PortSpec): Promise<number> => {
    const socket = await bindUdp();
    udpSockets.push(socket);
    const banner = spec.banner === undefined ? null : payloadBytes(spec.banner).subarray(0, MAX_DATAGRAM);
    socket.on('message', (message, peer) => {
      if (stopped || spec.behaviour === 'hang') return;
      const send = (): void => {
        if (!stopped) socket.send(banner ?? message, peer.port, peer.address, () => {});
      };
      if (spec.behaviour !== 'slow') return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, 1000);
      timers.add(timer);
    });
    return (socket.address() as { port: number }).port;
  };

  try {
    for (const host of hosts) {
      const address = canonical(host.address);
      for (const spec of host.ports) {
        const key = `${spec.proto} ${address}:${spec.port}`;
        // The first entry for a port wins; a site's port belongs to the web lab.
        if (seen.has(key) || (spec.proto === 'tcp' && skip.has(`${address}:${spec.port}`))) continue;
        seen.add(key);
        const route = { address: host.address, port: spec.port, proto: spec.proto };
        if (spec.state === 'closed') routes.push({ ...route, to: 'refuse' });
        else if (spec.state === 'filtered') routes.push({ ...route, to: 'drop' });
        else {
          const port = spec.proto === 'tcp' ? await openTcp(spec) : await openUdp(spec);
          routes.push({ ...route, to: { host: LAB_HOST, port } });
        }
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { routes, stop };
}
