import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import type { Connection } from '../../../src/shared/scanner';

const fixtures = join(import.meta.dirname, 'fixtures');
const cert = readFileSync(join(fixtures, 'test-cert.pem'));
const key = readFileSync(join(fixtures, 'test-key.pem'));
const net = createNet({ resolvers: ['127.0.0.1:1'], proxy: null, timeoutMs: 2000, retries: 0 });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function readAll(connection: Connection): Promise<string> {
  let text = '';
  for (let chunk = await connection.read(); chunk !== null; chunk = await connection.read()) {
    text += Buffer.from(chunk).toString();
  }
  return text;
}

describe('dial', () => {
  it('connects, writes, reads and sees the end of the stream', async () => {
    const port = await listen(
      createServer((socket) => {
        socket.on('data', (data) => socket.end(`echo:${data.toString()}`));
      }),
    );
    const connection = await net.dial({ host: '127.0.0.1', port });
    expect(connection.remote).toBe(`127.0.0.1:${port}`);
    await connection.write(Buffer.from('hello'));
    expect(await readAll(connection)).toBe('echo:hello');
    expect(await connection.read()).toBeNull();
    connection.close();
    await expect(connection.write(Buffer.from('late'))).rejects.toThrow(/closed/);
  });

  it('reports a refused connection with the target', async () => {
    const port = await listen(createServer());
    cleanups.splice(0).forEach((c) => {
      c();
    });
    await expect(net.dial({ host: '127.0.0.1', port })).rejects.toThrow(
      `connect to 127.0.0.1:${port}: connection refused`,
    );
  });

  it('reports a reset while reading as an error, not a crash', async () => {
    const port = await listen(
      createServer((socket) => {
        socket.write('partial');
        setTimeout(() => socket.resetAndDestroy(), 20);
      }),
    );
    const connection = await net.dial({ host: '127.0.0.1', port });
    expect(Buffer.from((await connection.read()) ?? []).toString()).toBe('partial');
    await expect(connection.read()).rejects.toThrow(/connection reset/);
    connection.close();
  });

  it('honours an abort while waiting for data', async () => {
    const port = await listen(createServer(() => {}));
    const connection = await net.dial({ host: '127.0.0.1', port });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 30);
    await expect(connection.read(controller.signal)).rejects.toThrow('enough');
    connection.close();
  });

  it('refuses an already aborted dial and a host name it cannot resolve', async () => {
    const controller = new AbortController();
    controller.abort(new Error('aborted before'));
    await expect(net.dial({ host: '127.0.0.1', port: 9, signal: controller.signal })).rejects.toThrow('aborted before');
    await expect(net.dial({ host: 'nowhere.test', port: 80 })).rejects.toThrow(/cannot resolve nowhere\.test/);
  });
});

describe('dialTls', () => {
  it('negotiates TLS with SNI and ALPN and exposes the peer certificate as DER', async () => {
    let seenServername: string | false | null = false;
    const server = createTlsServer({ cert, key, ALPNProtocols: ['h2', 'http/1.1'] }, (socket: TLSSocket) => {
      seenServername = socket.servername;
      socket.end('over tls');
    });
    const port = await listen(server);
    const connection = await net.dialTls({ host: '127.0.0.1', port, servername: 'app.nova.test', alpn: ['http/1.1'] });
    expect(connection.alpn()).toBe('http/1.1');
    const chain = connection.peerCertificatesDer();
    expect(chain).toHaveLength(1);
    expect(Buffer.from(chain[0] ?? []).equals(new X509Certificate(cert).raw)).toBe(true);
    expect(await readAll(connection)).toBe('over tls');
    expect(seenServername).toBe('app.nova.test');
    connection.close();
  });

  it('sends no SNI for an IP address and accepts an untrusted certificate', async () => {
    let seenServername: string | false | null = 'unset';
    const port = await listen(
      createTlsServer({ cert, key }, (socket: TLSSocket) => {
        seenServername = socket.servername;
        socket.end();
      }),
    );
    const connection = await net.dialTls({ host: '127.0.0.1', port });
    expect(connection.alpn()).toBeNull();
    await readAll(connection);
    expect(seenServername).toBe(false);
    connection.close();
  });

  it('times out a server that accepts TCP but never speaks TLS', async () => {
    const port = await listen(createServer(() => {}));
    const started = Date.now();
    await expect(net.dialTls({ host: '127.0.0.1', port, timeoutMs: 200 })).rejects.toThrow(
      `TLS connect to 127.0.0.1:${port} timed out after 200 ms`,
    );
    // Bounded, not hanging; the slack is for a loaded machine, not a claim about speed.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a handshake failure with the remote', async () => {
    const port = await listen(createServer((socket) => socket.end('SSH-2.0-not-tls\r\n')));
    await expect(net.dialTls({ host: '127.0.0.1', port })).rejects.toThrow(`TLS handshake with 127.0.0.1:${port}`);
  });
});
