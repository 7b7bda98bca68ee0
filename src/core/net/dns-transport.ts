// Sending one DNS query over a TCP connection (direct or through the proxy) and reading the
// message that answers it. UDP, with its shared sockets, is in dns-udp.ts.
import type { Connection, DnsResponse } from '../../shared/scanner';
import { type BuiltQuery, checkResponse } from './dns-wire';

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
