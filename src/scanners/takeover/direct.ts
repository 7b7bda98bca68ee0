// A minimal HTTP/1.1 GET sent to a chosen address with the domain as Host. Needed when the
// client's own lookup of the domain stops at a zone boundary (an authoritative-only resolver does
// not chase a CNAME into another zone) while this scanner has already followed the chain itself.
import type { Connection, HttpResponse, ScanContext } from '../../shared/scanner';

const MAX_HEAD = 64 * 1024;

/** Splits a raw response into status, headers and body; undefined when it is not HTTP. */
export function parseRawResponse(url: string, raw: Buffer, truncated: boolean): HttpResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0 || end > MAX_HEAD) return undefined;
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) return undefined;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1, 257)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  let body = raw.subarray(end + 4);
  const chunked = headers.some(([k, v]) => k.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v));
  if (chunked) body = dechunk(body);
  return { url, status: Number(status[1]), statusText: status[2] ?? '', headers, body, bodyTruncated: truncated };
}

/** Best effort: a truncated or malformed chunked body keeps what decoded cleanly. */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size <= 0) break;
    parts.push(data.subarray(eol + 2, Math.min(eol + 2 + size, data.length)));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export async function fetchDirect(
  ctx: ScanContext,
  scheme: 'http' | 'https',
  name: string,
  address: string,
  options: { timeoutMs: number; maxBodyBytes: number },
): Promise<HttpResponse> {
  const url = `${scheme}://${name}/`;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(options.timeoutMs)]);
  const dial = { host: address, port: scheme === 'https' ? 443 : 80, timeoutMs: options.timeoutMs, signal };
  const connection: Connection =
    scheme === 'https'
      ? await ctx.net.dialTls({ ...dial, servername: name, alpn: ['http/1.1'], rejectUnauthorized: false })
      : await ctx.net.dial(dial);
  try {
    const request =
      `GET / HTTP/1.1\r\nHost: ${name}\r\nUser-Agent: Mozilla/5.0 (compatible; Tracegraph)\r\n` +
      'Accept: text/html,*/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n';
    await connection.write(Buffer.from(request, 'latin1'));
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const limit = MAX_HEAD + options.maxBodyBytes;
    for (let chunk = await connection.read(signal); chunk; chunk = await connection.read(signal)) {
      chunks.push(Buffer.from(chunk));
      size += chunk.byteLength;
      if (size >= limit) {
        truncated = true;
        break;
      }
    }
    const response = parseRawResponse(url, Buffer.concat(chunks).subarray(0, limit), truncated);
    if (!response) throw new Error(`${url} via ${address}: the answer is not HTTP/1.x`);
    return response;
  } finally {
    connection.close();
  }
}
