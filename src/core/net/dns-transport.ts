// Sending one DNS query over UDP, or over a TCP connection (direct or through the proxy), and
// waiting for the packet that really answers it.
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Connection, DnsResponse } from '../../shared/scanner';
import { formatHostPort, type HostPort } from './address';
import { abortable, describeSocketError, TimeoutError } from './deadline';
import { type BuiltQuery, checkResponse } from './dns-wire';

/**
 * One UDP exchange. Packets that do not answer the query (another id, another question, garbage)
 * are ignored, as a spoofed packet would be, and the wait goes on until the deadline.
 */
export function udpExchange(
  server: HostPort,
  query: BuiltQuery,
  signal: AbortSignal,
  /** How the server is named in answers and errors (the lab's routed address keeps its scenario name). */
  name = formatHostPort(server),
): Promise<DnsResponse> {
  let ignored: string | undefined;
  return abortable<DnsResponse>(signal, (resolve, reject) => {
    const socket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (error) => {
      // A connected UDP socket reports the ICMP port unreachable as ECONNREFUSED.
      reject(new Error(`${name} ${describeSocketError(error)}`));
    });
    socket.on('message', (message) => {
      const check = checkResponse(message, query, name);
      if (check.ok) resolve(check.response);
      else ignored = check.reason;
    });
    socket.connect(server.port, server.host, () => {
      socket.send(query.bytes, (error) => {
        if (error) reject(new Error(`${name} ${describeSocketError(error)}`));
      });
    });
    return () => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  }).catch((error: unknown) => {
    // Say why the wait ran out when something did arrive: "timed out" alone would mislead.
    if (ignored && error instanceof TimeoutError) throw new TimeoutError(`${error.message} (ignored ${ignored})`);
    throw error;
  });
}

/** The DNS-over-TCP exchange on an open connection: two-byte length prefix each way (RFC 1035 4.2.2). */
export async function tcpExchange(
  connection: Connection,
  query: BuiltQuery,
  server: string,
  signal: AbortSignal,
): Promise<DnsResponse> {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(query.bytes.length);
  await connection.write(Buffer.concat([prefix, query.bytes]));
  let buffered = Buffer.alloc(0);
  // Keep reading whole messages: a server may send something else first; a length prefix bounds each.
  for (;;) {
    const chunk = await connection.read(signal);
    if (chunk === null) throw new Error(`${server} closed the TCP connection before answering`);
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const check = checkResponse(message, query, server);
      if (check.ok) return check.response;
      // On our own TCP connection a wrong answer is not spoofing but a broken server.
      throw new Error(`${server} sent ${check.reason} over TCP`);
    }
  }
}
