// Records the destination of every TCP connect and UDP connect or send made in this process, so a
// test can check that nothing left 127.0.0.0/8. Install before the traffic, restore after.
import dgram from 'node:dgram';
import net from 'node:net';

export interface SocketRecorder {
  /** Destinations in the order sockets were pointed at them. */
  contacted: string[];
  restore(): void;
}

export function recordSockets(): SocketRecorder {
  const contacted: string[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const originalUdpConnect = dgram.Socket.prototype.connect;
  const originalUdpSend = dgram.Socket.prototype.send;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its normalised [options, callback] array; sockets opened directly pass options.
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; path?: string } | number;
    if (typeof first === 'object' && first.path === undefined) contacted.push(String(first.host ?? 'localhost'));
    else if (typeof first !== 'object') contacted.push(String(args[1] ?? 'localhost'));
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function (this: dgram.Socket, ...args: unknown[]) {
    contacted.push(String(args[1]));
    return (originalUdpConnect as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.connect;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    const address = args.find((a, i) => i > 0 && typeof a === 'string' && /[.:]/.test(a));
    if (typeof address === 'string') contacted.push(address);
    return (originalUdpSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;
  return {
    contacted,
    restore() {
      net.Socket.prototype.connect = originalConnect;
      dgram.Socket.prototype.connect = originalUdpConnect;
      dgram.Socket.prototype.send = originalUdpSend;
    },
  };
}
