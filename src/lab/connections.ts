// Plumbing shared by the lab's TCP listeners (web sites, port banners, WHOIS, the API): listening on
// loopback, keeping every connection so stop() can destroy it, and the deliberate misbehaviours
// of the hostile scenario. Scanners reset and abandon connections all the time, so every error
// here is absorbed by destroying the socket, never thrown.
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Writable } from 'node:stream';

/** Loopback only: the lab never listens where another machine could reach it. */
export const LAB_HOST = '127.0.0.1';

export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(0, LAB_HOST, () => {
      server.off('error', onError);
      // Errors after listening (rare: EMFILE on accept) must not crash the process.
      server.on('error', () => {});
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function closeServer(server: Server): Promise<void> {
  if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Resolves once handles closed in this turn of the event loop are really gone: a server's
 * 'close' comes before libuv's close phase, and stop() promises that nothing is left.
 */
export async function handlesReleased(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Every live connection of a listener, so stopping it leaves no socket and no timer behind. */
export class Connections {
  private readonly sockets = new Set<Socket>();

  add(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** Runs `stop` when the socket closes; timers that write to it must not outlive it. */
export function onClose(socket: Socket, stop: () => void): void {
  if (socket.destroyed) stop();
  else socket.once('close', stop);
}

/** A byte sequence given as a head, then a chunk repeated: a large body is never materialised. */
export interface ByteSource {
  head: Buffer;
  chunk: Buffer;
  repeat: number;
}

export function sourceLength(source: ByteSource): number {
  return source.head.length + source.chunk.length * source.repeat;
}

function byteAt(source: ByteSource, index: number): number {
  if (index < source.head.length) return source.head[index] ?? 0;
  return source.chunk[(index - source.head.length) % source.chunk.length] ?? 0;
}

/** The first `count` bytes of a source. */
export function sourcePrefix(source: ByteSource, count: number): Buffer {
  const parts = [source.head.subarray(0, count)];
  let left = count - source.head.length;
  while (left > 0 && source.chunk.length > 0) {
    const part = source.chunk.subarray(0, left);
    parts.push(part);
    left -= part.length;
  }
  return Buffer.concat(parts);
}

/** Waits until the stream takes more data; false when the socket closes first. */
function drained(stream: Writable, socket: Socket): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      stream.off('drain', onDrain);
      socket.off('close', onSocketClose);
      resolve(ok && !socket.destroyed);
    };
    const onDrain = (): void => done(true);
    const onSocketClose = (): void => done(false);
    stream.once('drain', onDrain);
    socket.once('close', onSocketClose);
  });
}

/** Writes a source with backpressure, in blocks of at least 64 KiB for small repeated chunks. */
export async function writeSource(stream: Writable, socket: Socket, source: ByteSource): Promise<boolean> {
  if (!stream.write(source.head) && !(await drained(stream, socket))) return false;
  if (source.chunk.length === 0 || source.repeat === 0) return !socket.destroyed;
  const perBlock = Math.max(1, Math.floor(65536 / source.chunk.length));
  const block = perBlock > 1 ? Buffer.concat(Array(perBlock).fill(source.chunk)) : source.chunk;
  let left = source.repeat;
  while (left > 0) {
    if (socket.destroyed) return false;
    const count = Math.min(left, perBlock);
    left -= count;
    const data = count === perBlock ? block : block.subarray(0, count * source.chunk.length);
    if (!stream.write(data) && !(await drained(stream, socket))) return false;
  }
  return true;
}

/** 'slow': one byte a second (the first at once), then the end of the stream. */
export function writeSlowly(stream: Writable, socket: Socket, source: ByteSource, intervalMs = 1000): void {
  const total = sourceLength(source);
  let index = 0;
  const tick = (): void => {
    if (socket.destroyed) return;
    if (index >= total) {
      clearInterval(timer);
      stream.end();
      return;
    }
    stream.write(Buffer.from([byteAt(source, index++)]));
  };
  const timer = setInterval(tick, intervalMs);
  onClose(socket, () => clearInterval(timer));
  tick();
}

/**
 * 'reset': sends `partial`, gives the peer a moment to read it, then resets the connection
 * (SO_LINGER 0, so the kernel sends RST instead of FIN). The reset goes on the TCP socket
 * itself, below any TLS layer.
 */
export function resetAfter(stream: Writable, socket: Socket, partial: Buffer): void {
  const reset = (): void => {
    if (!socket.destroyed) socket.resetAndDestroy();
  };
  const timer = setTimeout(reset, 2000);
  onClose(socket, () => clearTimeout(timer));
  const afterWrite = (): void => {
    // Written to the kernel is not yet read by the peer; on loopback a short pause is enough.
    clearTimeout(timer);
    const pause = setTimeout(reset, 50);
    onClose(socket, () => clearTimeout(pause));
  };
  if (partial.length === 0) afterWrite();
  else stream.write(partial, afterWrite);
}

/** 'endless': writes frames for as long as the peer reads them, yielding between writes. */
export async function writeEndlessly(stream: Writable, socket: Socket, frame: Buffer): Promise<void> {
  while (!socket.destroyed) {
    if (!stream.write(frame)) {
      if (!(await drained(stream, socket))) return;
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
