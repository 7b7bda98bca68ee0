// The lab's HTTP/1.1 server side, written on raw streams rather than node:http so a scenario
// controls every byte: header order and values as given (hostile ones too, which node:http
// refuses to send), responses cut off with a reset, trickled or never finished. One request per
// connection, answered with "Connection: close".
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ByteSource,
  resetAfter,
  sourceLength,
  sourcePrefix,
  writeEndlessly,
  writeSlowly,
  writeSource,
} from '../connections';
import { type Payload, payloadBytes } from '../scenario/bytes';
import type { Behaviour, Route } from '../scenario/schema';

/** A request head larger than this is refused (431), as servers commonly do at 8-64 KiB. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** How long a finished connection waits for the client to close before it is dropped. */
const LINGER_MS = 5_000;
/** The reset behaviour sends at most this much of the body before the RST. */
const RESET_BODY_LIMIT = 64 * 1024;
/** Frames of an endless body are at least this large, so the loop is not one write per byte. */
const ENDLESS_FRAME = 16 * 1024;

export interface RequestHead {
  method: string;
  target: string;
  headers: [string, string][];
}

/** A route made ready to send: the head's bytes computed once at start. */
export interface CompiledRoute {
  path: string;
  behaviour: Behaviour;
  status: number;
  /** Status line and headers, up to and including the blank line. */
  head: Buffer;
  /** The same for an endless (chunked) body. */
  chunkedHead: Buffer;
  body: Buffer;
  repeat: number;
}

const hasHeader = (headers: readonly (readonly [string, Payload])[], name: string): boolean =>
  headers.some(([n]) => n.toLowerCase() === name);

const CRLF = Buffer.from('\r\n');

function compileHead(status: number, route: Route, framing: string[]): Buffer {
  const lines = [Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`)];
  // Written as given (strings in UTF-8, bytes as they are): the lab does not tidy what a hostile
  // scenario sends.
  const header = (name: string, value: Payload): void => {
    lines.push(Buffer.concat([Buffer.from(`${name}: `), payloadBytes(value)]));
  };
  for (const [name, value] of route.headers) header(name, value);
  for (const cookie of route.cookies) header('Set-Cookie', cookie);
  if (route.redirect !== undefined && !hasHeader(route.headers, 'location')) header('Location', route.redirect);
  // A route that sets its own framing headers gets exactly those (a hostile mismatch included).
  if (!hasHeader(route.headers, 'content-length') && !hasHeader(route.headers, 'transfer-encoding')) {
    for (const line of framing) lines.push(Buffer.from(line));
  }
  if (!hasHeader(route.headers, 'connection')) header('Connection', 'close');
  return Buffer.concat([...lines.flatMap((line) => [line, CRLF]), CRLF]);
}

export function compileRoute(route: Route): CompiledRoute {
  const status = route.status ?? (route.redirect !== undefined ? 301 : 200);
  const body = payloadBytes(route.body);
  return {
    path: route.path,
    behaviour: route.behaviour,
    status,
    head: compileHead(status, route, [`Content-Length: ${body.length * route.repeat}`]),
    chunkedHead: compileHead(status, route, ['Transfer-Encoding: chunked']),
    body,
    repeat: route.repeat,
  };
}

export const NOT_FOUND = compileRoute({
  path: '',
  headers: [['Content-Type', 'text/plain; charset=utf-8']],
  cookies: [],
  body: 'Not Found\n',
  repeat: 1,
  status: 404,
  behaviour: 'normal',
});

const plainAnswer = (status: number, text: string) =>
  compileRoute({
    path: '',
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    cookies: [],
    body: `${text}\n`,
    repeat: 1,
    status,
    behaviour: 'normal',
  });
const BAD_REQUEST = plainAnswer(400, 'Bad Request');
const HEAD_TOO_LARGE = plainAnswer(431, 'Request Header Fields Too Large');

/** A site's routes, looked up the way the scenario format says. */
export class RouteTable {
  private readonly plain = new Map<string, CompiledRoute>();
  private readonly withQuery = new Map<string, CompiledRoute>();
  /** Routes that reflect a query parameter into Location, compiled again per request. */
  private readonly reflecting = new Map<CompiledRoute, Route>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const table = route.path.includes('?') ? this.withQuery : this.plain;
      // The first route for a path wins, like the first matching location block.
      if (table.has(route.path)) continue;
      const compiled = compileRoute(route);
      table.set(route.path, compiled);
      if (route.redirectParam !== undefined) this.reflecting.set(compiled, route);
    }
  }

  /** Exact match; the query string counts only for routes whose path carries one. */
  match(target: string): CompiledRoute | undefined {
    const path = requestPath(target);
    const queryAt = path.indexOf('?');
    const exact = queryAt >= 0 ? this.withQuery.get(path) : undefined;
    const route = exact ?? this.plain.get(queryAt >= 0 ? path.slice(0, queryAt) : path);
    const source = route && this.reflecting.get(route);
    return source ? reflectRedirect(source, path) : route;
  }
}

/**
 * An open redirect's answer: the route with the request's `redirectParam` value as its Location
 * (the route's own `redirect` when the parameter is absent or carries control characters).
 */
function reflectRedirect(route: Route, path: string): CompiledRoute {
  const queryAt = path.indexOf('?');
  const param = route.redirectParam ?? '';
  const value = queryAt >= 0 ? new URLSearchParams(path.slice(queryAt + 1)).get(param) : null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a reflected value must not split the response head
  if (value === null || /[\x00-\x1f\x7f]/.test(value)) return compileRoute(route);
  const headers = route.headers.filter(([name]) => name.toLowerCase() !== 'location');
  return compileRoute({ ...route, headers, redirect: value });
}

/** The origin-form path of a request target (absolute-form, as sent to proxies, is reduced). */
function requestPath(target: string): string {
  const absolute = /^https?:\/\/[^/?#]*/i.exec(target);
  const path = absolute ? target.slice(absolute[0].length) || '/' : target;
  const hash = path.indexOf('#');
  return hash >= 0 ? path.slice(0, hash) : path;
}

/** The host name a request asks for (Host header, port and trailing dot removed), lowercased. */
export function requestHost(head: RequestHead): string | null {
  const value = head.headers.find(([name]) => name.toLowerCase() === 'host')?.[1]?.trim();
  if (!value) return null;
  const host = value.startsWith('[') ? value.slice(1, value.indexOf(']')) : value.replace(/:\d*$/, '');
  return host.toLowerCase().replace(/\.$/, '');
}

function parseHead(text: string): RequestHead | null {
  const lines = text.split('\r\n');
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d\.\d$/.exec(lines[0] ?? '');
  if (!match?.[1] || !match[2]) return null;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { method: match[1].toUpperCase(), target: match[2], headers };
}

type HeadResult = { head: RequestHead } | { error: CompiledRoute } | null;

/** Reads one request head; whatever follows (a body) is read and dropped. */
export function readRequestHead(stream: Duplex): Promise<HeadResult> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (result: HeadResult): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      // Keep reading (and dropping): unread input at close makes the kernel send RST, and the
      // client could lose the answer.
      stream.on('data', () => {});
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0 && end <= MAX_HEAD_BYTES) {
        const head = parseHead(buffered.subarray(0, end).toString('latin1'));
        finish(head ? { head } : { error: BAD_REQUEST });
      } else if (buffered.length > MAX_HEAD_BYTES) {
        finish({ error: HEAD_TOO_LARGE });
      }
    };
    const onEnd = (): void => finish(null);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
  });
}

const hasBody = (method: string, status: number): boolean =>
  method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;

function endGracefully(stream: Duplex, socket: Socket): void {
  stream.end();
  // The client closes after reading the answer; if it does not, drop it after a while.
  socket.setTimeout(LINGER_MS, () => socket.destroy());
}

/**
 * Sends a route's answer to `stream` (the socket, or TLS on it), misbehaving as the route says.
 * `socket` is the TCP connection under it: resets and timeouts act there.
 */
export async function respond(stream: Duplex, socket: Socket, method: string, route: CompiledRoute): Promise<void> {
  const withBody = hasBody(method, route.status);
  const source: ByteSource = {
    head: route.behaviour === 'endless' && withBody ? route.chunkedHead : route.head,
    chunk: route.body,
    repeat: withBody ? route.repeat : 0,
  };
  switch (route.behaviour) {
    case 'hang':
      // Never answer, and never time out: the client has to give up by itself.
      socket.setTimeout(0);
      return;
    case 'reset': {
      const bodyBytes = route.body.length * source.repeat;
      const sent = bodyBytes > 0 ? Math.min(Math.ceil(bodyBytes / 2), RESET_BODY_LIMIT) : 0;
      const partial =
        bodyBytes > 0
          ? sourcePrefix(source, source.head.length + sent)
          : source.head.subarray(0, source.head.length >> 1);
      resetAfter(stream, socket, partial);
      return;
    }
    case 'slow':
      socket.setTimeout(0);
      writeSlowly(stream, socket, source);
      return;
    case 'endless': {
      stream.write(source.head);
      if (!withBody) return endGracefully(stream, socket);
      socket.setTimeout(0);
      const filler = route.body.length > 0 ? route.body : Buffer.from('endless ');
      const data = Buffer.concat(Array(Math.ceil(ENDLESS_FRAME / filler.length)).fill(filler));
      const frame = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
      await writeEndlessly(stream, socket, frame);
      return;
    }
    default:
      if (sourceLength(source) > 0 && !(await writeSource(stream, socket, source))) return;
      endGracefully(stream, socket);
  }
}

/** Serves one connection: read a request, pick the route, answer. */
export async function serveRequest(
  stream: Duplex,
  socket: Socket,
  pick: (head: RequestHead) => CompiledRoute,
): Promise<void> {
  const result = await readRequestHead(stream);
  if (result === null || socket.destroyed) return;
  if ('error' in result) {
    await respond(stream, socket, 'GET', result.error);
    return;
  }
  const route = pick(result.head);
  await respond(stream, socket, result.head.method, route);
}
