// A port-43 WHOIS query (RFC 3912) over ctx.net: one line out, read until the server closes.
// Servers are not trusted to behave: the answer is cut at a byte limit, the whole exchange has
// one deadline, and a server that never closes ends with what it sent so far.
import type { Net } from '../../shared/scanner';

export const WHOIS_PORT = 43;
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface WhoisAnswer {
  host: string;
  query: string;
  bytes: Uint8Array;
  /** The answer as text: UTF-8 when it is valid UTF-8, else read as Latin-1 (legacy servers). */
  text: string;
  utf8: boolean;
  /** Reading stopped at maxBytes. */
  truncated: boolean;
  /** The deadline passed before the server closed; `bytes` is what had arrived. */
  timedOut: boolean;
  elapsedMs: number;
}

export interface QueryOptions {
  timeoutMs: number;
  maxBytes?: number;
  signal: AbortSignal;
}

export function decodeAnswer(bytes: Uint8Array): { text: string; utf8: boolean } {
  try {
    // stream: a multi-byte character cut by the byte limit is not an encoding error.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true }), utf8: true };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), utf8: false };
  }
}

/**
 * Asks `host` one query; rejects when no connection could be made or nothing at all came back,
 * with a reason that leaves naming the server to the caller.
 */
export async function queryWhois(net: Net, host: string, query: string, options: QueryOptions): Promise<WhoisAnswer> {
  const maxBytes = options.maxBytes ?? MAX_ANSWER_BYTES;
  const started = Date.now();
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new Error(`no end of answer after ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const onAbort = (): void => deadline.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  let timedOut = false;
  try {
    const connection = await net.dial({
      host,
      port: WHOIS_PORT,
      timeoutMs: options.timeoutMs,
      signal: deadline.signal,
    });
    try {
      await connection.write(new TextEncoder().encode(`${query}\r\n`));
      for (;;) {
        let chunk: Uint8Array | null;
        try {
          chunk = await connection.read(deadline.signal);
        } catch (error) {
          if (options.signal.aborted) throw error;
          if (!deadline.signal.aborted) throw error;
          timedOut = true;
          break;
        }
        if (chunk === null) break;
        const room = maxBytes - total;
        if (chunk.byteLength >= room) {
          chunks.push(chunk.subarray(0, room));
          total += room;
          truncated = true;
          break;
        }
        chunks.push(chunk);
        total += chunk.byteLength;
      }
    } finally {
      connection.close();
    }
  } catch (error) {
    if (options.signal.aborted) throw error;
    // A reset after some bytes still leaves an answer to read.
    if (total === 0) throw error;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
  if (total === 0) {
    throw new Error(
      timedOut ? `no answer within ${options.timeoutMs} ms` : 'the server closed the connection without answering',
    );
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const { text, utf8 } = decodeAnswer(bytes);
  return { host, query, bytes, text, utf8, truncated, timedOut, elapsedMs: Date.now() - started };
}

/** Keeps queries to one server apart within a run, so a referral chain never hammers a host. */
export class ServerPacer {
  private readonly last = new Map<string, number>();
  constructor(private readonly minIntervalMs: number) {}

  async wait(host: string, signal: AbortSignal): Promise<void> {
    const previous = this.last.get(host);
    const delay = previous === undefined ? 0 : previous + this.minIntervalMs - Date.now();
    if (delay > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.last.set(host, Date.now());
  }
}
