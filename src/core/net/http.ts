// A small HTTP/1.1 client over our own dialer (so the proxy and the lab's routing apply): one
// request per connection, no redirects followed, the body kept up to a limit, one total deadline.
import type { Socket } from 'node:net';
import type { HttpRequest, HttpResponse } from '../../shared/scanner';
import { SocketConnection, TlsConnection } from './connection';
import { Deadline } from './deadline';
import type { Dialer } from './dialer';
import { ResponseParser } from './http-parse';
import { upgradeTls } from './tls';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: header values must not carry these
const UNSAFE_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Headers the client manages itself; a caller's value would desynchronise the framing. */
const MANAGED = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export function buildRequestHead(
  url: URL,
  method: string,
  headers: Record<string, string>,
  bodyLength: number | null,
): string {
  const lines = [`${method} ${url.pathname || '/'}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  const given = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new Error(`invalid HTTP header name "${name.slice(0, 60)}"`);
    if (UNSAFE_VALUE.test(value)) throw new Error(`the value of HTTP header ${name} contains control characters`);
    const lower = name.toLowerCase();
    if (MANAGED.has(lower)) continue;
    given.add(lower);
    lines.push(`${name}: ${value}`);
  }
  if (!given.has('user-agent')) lines.push('User-Agent: Tracegraph/0.1');
  if (!given.has('accept')) lines.push('Accept: */*');
  // Bodies are evidence: ask for them as stored, not compressed.
  if (!given.has('accept-encoding')) lines.push('Accept-Encoding: identity');
  if (bodyLength !== null) lines.push(`Content-Length: ${bodyLength}`);
  lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function httpRequest(request: HttpRequest, dialer: Dialer): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new Error(`"${request.url.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported URL scheme "${url.protocol}"; only http and https are fetched`);
  }
  const method = request.method ?? 'GET';
  if (!['GET', 'HEAD', 'POST'].includes(method)) throw new Error(`unsupported HTTP method "${method}"`);
  const maxBodyBytes = request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)
    throw new Error('maxBodyBytes must be a non-negative integer');
  const timeoutMs = request.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const body = request.body !== undefined ? Buffer.from(request.body, 'utf8') : null;
  const head = buildRequestHead(
    url,
    method,
    request.headers ?? {},
    body !== null || method === 'POST' ? (body?.length ?? 0) : null,
  );

  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const remote = `${url.host}`;
  const deadline = new Deadline(timeoutMs, request.signal, `HTTP ${method} ${url.origin}`);
  let connection: SocketConnection | undefined;
  let socket: Socket | undefined;
  try {
    socket = await dialer.connect(host, port, deadline.signal);
    if (url.protocol === 'https:') {
      const tlsSocket = await upgradeTls(socket, { servername: host, alpn: ['http/1.1'] }, remote, deadline.signal);
      connection = new TlsConnection(tlsSocket, remote);
    } else {
      connection = new SocketConnection(socket, remote);
    }
    await connection.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'));
    const parser = new ResponseParser({ maxBodyBytes, headRequest: method === 'HEAD' });
    while (!parser.done) {
      const chunk = await connection.read(deadline.signal);
      if (chunk === null) parser.end();
      else parser.feed(chunk);
    }
    const responseHead = parser.head;
    if (!responseHead) throw new Error(`${remote} sent no response`);
    return {
      url: url.href,
      status: responseHead.status,
      statusText: responseHead.statusText,
      headers: responseHead.headers,
      body: parser.body(),
      bodyTruncated: parser.truncated,
    };
  } catch (error) {
    if (deadline.signal.aborted || !(error instanceof Error)) throw error;
    throw new Error(`HTTP ${method} ${url.href}: ${error.message}`);
  } finally {
    // Closing, not draining: whatever is left of an over-long body is never read.
    connection?.close();
    socket?.destroy();
    deadline.dispose();
  }
}
