// The scanner-facing Connection over a Node socket (plain TCP, TLS, or tunnelled through SOCKS).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Connection } from '../../shared/scanner';
import { abortable, describeSocketError } from './deadline';

/** Bytes buffered ahead of the reader before the socket is paused (back-pressure). */
const HIGH_WATER_BYTES = 256 * 1024;

interface Waiter {
  wake(): void;
}

export class SocketConnection implements Connection {
  readonly remote: string;
  protected readonly socket: Socket;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: Error | null = null;
  private readonly waiters = new Set<Waiter>();

  constructor(socket: Socket, remote: string) {
    this.socket = socket;
    this.remote = remote;
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      if (this.queuedBytes > HIGH_WATER_BYTES) socket.pause();
      this.wakeAll();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wakeAll();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wakeAll();
    });
    // A reset or a broken pipe must never become an uncaught exception; the reader sees it.
    socket.on('error', (error) => {
      this.failure ??= new Error(`connection to ${remote}: ${describeSocketError(error)}`);
      this.wakeAll();
    });
    // The socket may have been paused by whoever handed it over (the SOCKS handshake does).
    socket.resume();
  }

  private wakeAll(): void {
    for (const waiter of this.waiters) waiter.wake();
  }

  private take(): Uint8Array | null | undefined {
    const chunk = this.queue.shift();
    if (chunk) {
      this.queuedBytes -= chunk.length;
      if (this.queuedBytes <= HIGH_WATER_BYTES && this.socket.isPaused()) this.socket.resume();
      return chunk;
    }
    if (this.failure) throw this.failure;
    if (this.ended) return null;
    return undefined;
  }

  async read(signal?: AbortSignal): Promise<Uint8Array | null> {
    const ready = this.take();
    if (ready !== undefined) return ready;
    const waitSignal = signal ?? new AbortController().signal;
    await abortable<void>(waitSignal, (resolve) => {
      const waiter: Waiter = { wake: () => resolve() };
      this.waiters.add(waiter);
      return () => {
        this.waiters.delete(waiter);
      };
    });
    return this.read(signal);
  }

  write(data: Uint8Array): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable) {
      return Promise.reject(this.failure ?? new Error(`connection to ${this.remote} is closed`));
    }
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => {
        if (error) reject(new Error(`write to ${this.remote}: ${describeSocketError(error)}`));
        else resolve();
      });
    });
  }

  close(): void {
    this.ended = true;
    this.socket.destroy();
    this.wakeAll();
  }
}

export class TlsConnection extends SocketConnection {
  private readonly tlsSocket: TLSSocket;

  constructor(socket: TLSSocket, remote: string) {
    super(socket, remote);
    this.tlsSocket = socket;
  }

  /** The chain as the peer sent it (leaf first), each certificate as DER. */
  peerCertificatesDer(): Uint8Array[] {
    const chain: Uint8Array[] = [];
    const seen = new Set<string>();
    let cert = this.tlsSocket.getPeerCertificate(true);
    // Node links issuerCertificate to itself at a self-signed root; the seen set stops there.
    while (cert?.raw && chain.length < 32) {
      const fingerprint = cert.fingerprint256;
      if (seen.has(fingerprint)) break;
      seen.add(fingerprint);
      chain.push(new Uint8Array(cert.raw));
      cert = cert.issuerCertificate;
    }
    return chain;
  }

  alpn(): string | null {
    const protocol = this.tlsSocket.alpnProtocol;
    return typeof protocol === 'string' ? protocol : null;
  }
}
