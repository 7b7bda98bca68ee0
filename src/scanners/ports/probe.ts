// One port: a TCP connect through ctx.net.dial, then, when it is open, what the server says
// within a short wait. Nothing that changes state is sent: HTTP ports get one HEAD / at most, TLS
// ports nothing (they speak second), every other port nothing. Bounded in bytes and time whatever
// the server does (floods, trickles, hangs, resets).
import type { Connection, Net } from '../../shared/scanner';
import { timeoutSignal } from '../kit/timeout-signal';
import { greetingComplete, headComplete } from './banner-end';
import type { PortEntry } from './port-table';
import { failedConnectState, type PortState } from './states';
import { bracketed } from './targets';

/** Bytes of a greeting kept; the connection is closed past them. */
export const MAX_BANNER_BYTES = 1024;
/** An HTTP head names its server after the status line and maybe a few cookies. */
export const MAX_HEAD_BYTES = 4096;

export interface ProbeTarget {
  address: string;
  port: number;
  /** The Host header of an HTTP probe: the domain scanned, or the address. */
  host: string;
  entry: PortEntry;
}

export interface ProbeTiming {
  connectTimeoutMs: number;
  bannerTimeoutMs: number;
}

/** How reading an open port ended. */
export type ReadEnd = 'complete' | 'closed' | 'limit' | 'timeout' | 'reset' | 'not read';

export interface PortResult {
  address: string;
  port: number;
  state: PortState;
  /** Milliseconds until the connect succeeded or failed. */
  connectMs: number;
  /** Why the port is not open, as the dialler said. */
  reason?: string;
  /** What was sent after connecting, when anything was. */
  sent?: string;
  /** What the server said, at most MAX_BANNER_BYTES (MAX_HEAD_BYTES for HTTP). */
  banner?: Uint8Array;
  readEnd?: ReadEnd;
  readNote?: string;
}

function headRequest(host: string): string {
  return `HEAD / HTTP/1.0\r\nHost: ${bracketed(host)}\r\nUser-Agent: Mozilla/5.0 (compatible; Tracegraph)\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

async function readBanner(
  connection: Connection,
  http: boolean,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Pick<PortResult, 'banner' | 'readEnd' | 'readNote'>> {
  const limit = http ? MAX_HEAD_BYTES : MAX_BANNER_BYTES;
  const deadline = timeoutSignal(signal, timeoutMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const result = (readEnd: ReadEnd, readNote?: string) => ({
    ...(size > 0 ? { banner: new Uint8Array(Buffer.concat(chunks, size)) } : {}),
    readEnd,
    ...(readNote ? { readNote } : {}),
  });
  try {
    for (;;) {
      const chunk = await connection.read(deadline);
      if (chunk === null) return result('closed');
      const kept = chunk.subarray(0, limit - size);
      chunks.push(kept);
      size += kept.length;
      if (size >= limit) return result('limit');
      const sofar = Buffer.concat(chunks, size);
      if (http ? headComplete(sofar) : greetingComplete(sofar)) return result('complete');
    }
  } catch (error) {
    signal.throwIfAborted();
    if (deadline.aborted) return result('timeout');
    return result('reset', (error instanceof Error ? error.message : String(error)).slice(0, 300));
  }
}

/** Connects to one port and reads what it says; never throws but when `signal` is aborted. */
export async function probePort(
  net: Net,
  target: ProbeTarget,
  timing: ProbeTiming,
  signal: AbortSignal,
): Promise<PortResult> {
  const base = { address: target.address, port: target.port };
  const started = performance.now();
  let connection: Connection;
  try {
    connection = await net.dial({
      host: target.address,
      port: target.port,
      timeoutMs: timing.connectTimeoutMs,
      signal,
    });
  } catch (error) {
    signal.throwIfAborted();
    return { ...base, ...failedConnectState(error), connectMs: Math.round(performance.now() - started) };
  }
  const connectMs = Math.round(performance.now() - started);
  try {
    if (target.entry.probe === 'tls' || timing.bannerTimeoutMs === 0) {
      return { ...base, state: 'open', connectMs, readEnd: 'not read' };
    }
    let sent: string | undefined;
    if (target.entry.probe === 'http') {
      sent = headRequest(target.host);
      try {
        await connection.write(new TextEncoder().encode(sent));
      } catch (error) {
        signal.throwIfAborted();
        const note = (error instanceof Error ? error.message : String(error)).slice(0, 300);
        return { ...base, state: 'open', connectMs, sent, readEnd: 'reset', readNote: note };
      }
    }
    const read = await readBanner(connection, target.entry.probe === 'http', timing.bannerTimeoutMs, signal);
    return { ...base, state: 'open', connectMs, ...(sent ? { sent } : {}), ...read };
  } finally {
    connection.close();
  }
}
