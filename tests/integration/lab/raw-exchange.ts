// A raw client for the lab's listeners: what a fresh connection gets back, byte for byte, and how
// the exchange ended, with no client library in between to decode or tidy anything.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RawResult {
  data: Buffer;
  error: string | null;
  /** How the exchange ended: the server closed, an error, or our own deadline. */
  ended: 'close' | 'error' | 'timeout';
}

/**
 * Sends `request` (nothing when null: a banner comes unasked) on a fresh connection and collects
 * what comes back until the end, `maxBytes`, or `ms`.
 */
export function exchange(
  socket: Socket | TLSSocket,
  request: string | null,
  ms: number,
  maxBytes = Infinity,
): Promise<RawResult> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let error: string | null = null;
    const finish = (ended: RawResult['ended']): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(parts), error, ended });
    };
    const timer = setTimeout(() => finish('timeout'), ms);
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) finish('close');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      finish('error');
    });
    socket.on('close', () => finish('close'));
    if (request !== null) socket.write(request);
  });
}
