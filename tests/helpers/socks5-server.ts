// A tiny SOCKS5 server (RFC 1928, with RFC 1929 username/password) for tests: it records every
// CONNECT it is asked for and relays only to 127.0.0.0/8, so no test traffic can leave loopback.
import { connect, createServer, isIPv4, type Socket } from 'node:net';

export interface SocksConnect {
  /** The destination as the client sent it: a name when the client left resolution to the proxy. */
  host: string;
  port: number;
  addressType: 'ipv4' | 'domain' | 'ipv6';
}

export interface Socks5Server {
  port: number;
  connects: SocksConnect[];
  stop(): Promise<void>;
}

export interface Socks5Options {
  username?: string;
  password?: string;
  /** Names the proxy resolves itself (remote DNS); anything else is "host unreachable". */
  hosts?: Record<string, string>;
}

const REPLY = { ok: 0, notAllowed: 2, hostUnreachable: 4, refused: 5, commandNotSupported: 7, addressNotSupported: 8 };

function reply(client: Socket, code: number): void {
  client.write(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
}

export async function startSocks5Server(options: Socks5Options = {}): Promise<Socks5Server> {
  const connects: SocksConnect[] = [];
  const sockets = new Set<Socket>();
  const needAuth = options.username !== undefined;

  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'relay' = 'greeting';

    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (stage === 'greeting') {
          if (buffer.length < 2) return;
          const count = buffer[1] ?? 0;
          if (buffer.length < 2 + count) return;
          const methods = [...buffer.subarray(2, 2 + count)];
          buffer = buffer.subarray(2 + count);
          const method = needAuth ? (methods.includes(2) ? 2 : 0xff) : methods.includes(0) ? 0 : 0xff;
          client.write(Buffer.from([5, method]));
          if (method === 0xff) {
            client.end();
            return;
          }
          stage = method === 2 ? 'auth' : 'request';
        } else if (stage === 'auth') {
          if (buffer.length < 2) return;
          const userLength = buffer[1] ?? 0;
          if (buffer.length < 3 + userLength) return;
          const passLength = buffer[2 + userLength] ?? 0;
          if (buffer.length < 3 + userLength + passLength) return;
          const user = buffer.subarray(2, 2 + userLength).toString();
          const pass = buffer.subarray(3 + userLength, 3 + userLength + passLength).toString();
          buffer = buffer.subarray(3 + userLength + passLength);
          const ok = user === options.username && pass === options.password;
          client.write(Buffer.from([1, ok ? 0 : 1]));
          if (!ok) {
            client.end();
            return;
          }
          stage = 'request';
        } else if (stage === 'request') {
          if (buffer.length < 5) return;
          const command = buffer[1];
          const addressType = buffer[3];
          let host: string;
          let type: SocksConnect['addressType'];
          let end: number;
          if (addressType === 1) {
            end = 4 + 4;
            if (buffer.length < end + 2) return;
            host = [...buffer.subarray(4, 8)].join('.');
            type = 'ipv4';
          } else if (addressType === 3) {
            const length = buffer[4] ?? 0;
            end = 5 + length;
            if (buffer.length < end + 2) return;
            host = buffer.subarray(5, end).toString();
            type = 'domain';
          } else if (addressType === 4) {
            end = 4 + 16;
            if (buffer.length < end + 2) return;
            host = buffer.subarray(4, 20).toString('hex');
            type = 'ipv6';
          } else {
            reply(client, REPLY.addressNotSupported);
            client.end();
            return;
          }
          const port = buffer.readUInt16BE(end);
          buffer = buffer.subarray(end + 2);
          stage = 'relay';
          if (command !== 1) {
            reply(client, REPLY.commandNotSupported);
            client.end();
            return;
          }
          connects.push({ host, port, addressType: type });
          const address = type === 'domain' ? options.hosts?.[host.toLowerCase()] : type === 'ipv4' ? host : undefined;
          if (address === undefined) {
            reply(client, REPLY.hostUnreachable);
            client.end();
            return;
          }
          if (!isIPv4(address) || !address.startsWith('127.')) {
            reply(client, REPLY.notAllowed);
            client.end();
            return;
          }
          client.off('data', onData);
          client.pause();
          const upstream = connect({ host: address, port });
          sockets.add(upstream);
          upstream.on('close', () => {
            sockets.delete(upstream);
            client.destroy();
          });
          let connected = false;
          upstream.on('error', () => {
            if (client.writable && !connected) reply(client, REPLY.refused);
            client.end();
          });
          upstream.on('connect', () => {
            connected = true;
            reply(client, REPLY.ok);
            if (buffer.length > 0) upstream.write(buffer);
            client.pipe(upstream);
            upstream.pipe(client);
            client.resume();
          });
          client.on('close', () => upstream.destroy());
          return;
        } else {
          return;
        }
      }
    };
    client.on('data', onData);
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    connects,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
