// One handcrafted handshake over ctx.net.dial: send a ClientHello, read until the server's
// answer is complete, close. Bounded in bytes and time whatever the server does.
import type { Net } from '../../shared/scanner';
import { timeoutSignal } from '../kit/timeout-signal';
import { type FlightResult, parseServerFlight } from './server-flight';

export interface Target {
  host: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** What a server may send before its answer is complete: a ServerHello alone is ~100 bytes. */
const MAX_HELLO_BYTES = 64 * 1024;
/** With its certificates (one with 5,000 SANs is ~150 KB). */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

export type Exchange = FlightResult & { complete: true };

export async function exchange(
  net: Net,
  target: Target,
  hello: Uint8Array,
  wantCertificates: boolean,
): Promise<Exchange> {
  const signal = timeoutSignal(target.signal, target.timeoutMs);
  const connection = await net.dial({ host: target.host, port: target.port, timeoutMs: target.timeoutMs, signal });
  const limit = wantCertificates ? MAX_CERTIFICATE_BYTES : MAX_HELLO_BYTES;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    await connection.write(hello);
    for (;;) {
      const chunk = await connection.read(signal);
      if (chunk !== null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      const ended = chunk === null || size >= limit;
      const result = parseServerFlight(Buffer.concat(chunks, Math.min(size, limit)), wantCertificates, ended);
      if (result.complete) return result;
    }
  } catch (error) {
    target.signal.throwIfAborted();
    // A reset after the answer began, or silence: what arrived is all there is.
    if (size > 0 || signal.aborted) {
      const result = parseServerFlight(Buffer.concat(chunks, Math.min(size, limit)), wantCertificates, true);
      if (result.complete && result.answer.kind !== 'unexpected') return result;
    }
    if (signal.aborted) throw new Error(`no answer from ${connection.remote} within ${target.timeoutMs} ms`);
    throw error;
  } finally {
    connection.close();
  }
}
