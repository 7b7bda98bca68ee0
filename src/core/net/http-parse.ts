// An incremental HTTP/1.x response parser: status line, headers in order, and a body framed by
// Content-Length, chunked encoding or the end of the connection, kept up to a byte limit. The
// server may be hostile: every length is bounded and every malformation is an HttpParseError.

export class HttpParseError extends Error {
  override name = 'HttpParseError';
}

export interface ResponseHead {
  version: string;
  status: number;
  statusText: string;
  headers: [string, string][];
}

export interface ParserOptions {
  maxBodyBytes: number;
  /** A response to HEAD has no body, whatever its headers say. */
  headRequest: boolean;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_HEADERS = 256;
const MAX_CHUNK_LINE = 4096;
const MAX_TRAILER_BYTES = 64 * 1024;

type State =
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'close' }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-end' }
  | { kind: 'trailers' }
  | { kind: 'done' };

/** Index just past the first empty line ("\r\n\r\n" or a lenient "\n\n"), or -1. */
function endOfHead(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Index of the first "\n", or -1. */
function lineEnd(buf: Buffer): number {
  return buf.indexOf(0x0a);
}

export function parseHead(text: string): ResponseHead {
  const lines = text.split(/\r?\n/);
  const statusLine = lines.shift() ?? '';
  const match = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(statusLine.replace(/\r$/, ''));
  if (!match) throw new HttpParseError('not an HTTP/1.x response');
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      // Obsolete line folding (RFC 9112 5.2): one value continued on the next line.
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    // A line with no name is skipped rather than fatal: browsers tolerate it, and so do we.
    if (colon <= 0) continue;
    if (headers.length >= MAX_HEADERS) throw new HttpParseError(`more than ${MAX_HEADERS} header lines`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return {
    version: `${match[1]}.${match[2]}`,
    status: Number(match[3]),
    statusText: match[4] ?? '',
    headers,
  };
}

function headerValues(head: ResponseHead, name: string): string[] {
  return head.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
}

export class ResponseParser {
  private state: State = { kind: 'head' };
  private pending: Buffer = Buffer.alloc(0);
  private readonly chunks: Buffer[] = [];
  private bodyBytes = 0;
  private trailerBytes = 0;
  private truncatedBody = false;
  private finalHead: ResponseHead | null = null;

  constructor(private readonly options: ParserOptions) {}

  get done(): boolean {
    return this.state.kind === 'done';
  }

  get head(): ResponseHead | null {
    return this.finalHead;
  }

  get truncated(): boolean {
    return this.truncatedBody;
  }

  body(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }

  feed(data: Uint8Array): void {
    if (this.state.kind === 'done' || data.length === 0) return;
    this.pending = this.pending.length === 0 ? Buffer.from(data) : Buffer.concat([this.pending, data]);
    // Each step consumes input or waits for more; the loop ends when nothing more can be done.
    while (this.step()) {}
  }

  /** The connection ended: completes a close-delimited body; a premature end marks the body truncated. */
  end(): void {
    switch (this.state.kind) {
      case 'done':
        return;
      case 'head':
        throw new HttpParseError('the connection closed before a complete response head');
      case 'close':
        this.state = { kind: 'done' };
        return;
      case 'trailers':
        this.state = { kind: 'done' };
        return;
      default:
        this.truncatedBody = true;
        this.state = { kind: 'done' };
    }
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = this.options.maxBodyBytes - this.bodyBytes;
    if (bytes.length > room) {
      if (room > 0) this.chunks.push(bytes.subarray(0, room));
      this.bodyBytes += Math.max(room, 0);
      this.truncatedBody = true;
      this.state = { kind: 'done' };
      return;
    }
    this.chunks.push(bytes);
    this.bodyBytes += bytes.length;
  }

  private startBody(head: ResponseHead): void {
    const noBody = this.options.headRequest || head.status < 200 || head.status === 204 || head.status === 304;
    if (noBody) {
      this.state = { kind: 'done' };
      return;
    }
    const transferEncoding = headerValues(head, 'transfer-encoding')
      .join(',')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    if (transferEncoding.length > 0) {
      // Only a final "chunked" frames the body; any other coding runs until the connection closes.
      this.state =
        transferEncoding[transferEncoding.length - 1] === 'chunked' ? { kind: 'chunk-size' } : { kind: 'close' };
      return;
    }
    const lengths = headerValues(head, 'content-length').flatMap((v) => v.split(',').map((s) => s.trim()));
    if (lengths.length > 0) {
      const first = lengths[0] ?? '';
      if (!/^[0-9]{1,15}$/.test(first) || lengths.some((l) => l !== first)) {
        throw new HttpParseError('invalid Content-Length');
      }
      const length = Number(first);
      this.state = length === 0 ? { kind: 'done' } : { kind: 'length', remaining: length };
      return;
    }
    this.state = { kind: 'close' };
  }

  /** One parsing step; false when more input is needed. */
  private step(): boolean {
    const state = this.state;
    switch (state.kind) {
      case 'head': {
        const end = endOfHead(this.pending);
        if (end === -1) {
          if (this.pending.length > MAX_HEAD_BYTES) throw new HttpParseError('the response head is too large');
          return false;
        }
        if (end > MAX_HEAD_BYTES) throw new HttpParseError('the response head is too large');
        const head = parseHead(this.pending.subarray(0, end).toString('latin1'));
        this.pending = this.pending.subarray(end);
        // Interim responses (100 Continue, 103 Early Hints) precede the real one; 101 ends HTTP.
        if (head.status >= 100 && head.status < 200 && head.status !== 101) return true;
        this.finalHead = head;
        this.startBody(head);
        return true;
      }
      case 'length': {
        if (this.pending.length === 0) return false;
        const take = Math.min(state.remaining, this.pending.length);
        const remaining = state.remaining - take;
        const piece = this.pending.subarray(0, take);
        this.pending = this.pending.subarray(take);
        this.state = remaining === 0 ? { kind: 'done' } : { kind: 'length', remaining };
        this.keep(piece);
        if (remaining > 0 && this.bodyBytes >= this.options.maxBodyBytes) {
          this.truncatedBody = true;
          this.state = { kind: 'done' };
        }
        return true;
      }
      case 'close': {
        if (this.pending.length === 0) return false;
        const piece = this.pending;
        this.pending = Buffer.alloc(0);
        this.keep(piece);
        return true;
      }
      case 'chunk-size': {
        const end = lineEnd(this.pending);
        if (end === -1) {
          if (this.pending.length > MAX_CHUNK_LINE) throw new HttpParseError('a chunk-size line is too long');
          return false;
        }
        if (end > MAX_CHUNK_LINE) throw new HttpParseError('a chunk-size line is too long');
        const line = this.pending.subarray(0, end).toString('latin1').replace(/\r$/, '');
        this.pending = this.pending.subarray(end + 1);
        const sizeText = (line.split(';')[0] ?? '').trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpParseError('an invalid chunk size');
        const size = Number.parseInt(sizeText, 16);
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size };
        return true;
      }
      case 'chunk-data': {
        if (this.pending.length === 0) return false;
        const take = Math.min(state.remaining, this.pending.length);
        const remaining = state.remaining - take;
        const piece = this.pending.subarray(0, take);
        this.pending = this.pending.subarray(take);
        this.state = remaining === 0 ? { kind: 'chunk-end' } : { kind: 'chunk-data', remaining };
        this.keep(piece);
        return true;
      }
      case 'chunk-end': {
        if (this.pending.length === 0) return false;
        if (this.pending[0] === 0x0a) {
          this.pending = this.pending.subarray(1);
        } else if (this.pending[0] === 0x0d) {
          if (this.pending.length < 2) return false;
          if (this.pending[1] !== 0x0a) throw new HttpParseError('a chunk is not followed by CRLF');
          this.pending = this.pending.subarray(2);
        } else {
          throw new HttpParseError('a chunk is longer than its size');
        }
        this.state = { kind: 'chunk-size' };
        return true;
      }
      case 'trailers': {
        const end = lineEnd(this.pending);
        if (end === -1) {
          if (this.trailerBytes + this.pending.length > MAX_TRAILER_BYTES)
            throw new HttpParseError('trailers are too large');
          return false;
        }
        const line = this.pending.subarray(0, end).toString('latin1').replace(/\r$/, '');
        this.pending = this.pending.subarray(end + 1);
        this.trailerBytes += end + 1;
        if (this.trailerBytes > MAX_TRAILER_BYTES) throw new HttpParseError('trailers are too large');
        if (line === '') this.state = { kind: 'done' };
        return true;
      }
      case 'done':
        return false;
    }
  }
}
