import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequestHead } from '../../../src/core/net/http';
import { HttpParseError, ResponseParser } from '../../../src/core/net/http-parse';

/** Feeds `bytes` cut at the given points, then ends the stream; returns the parser or the error. */
function parse(bytes: Buffer, cuts: number[], maxBodyBytes = 1 << 20, headRequest = false) {
  const parser = new ResponseParser({ maxBodyBytes, headRequest });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  try {
    for (const point of [...points, bytes.length]) {
      if (parser.done) break;
      parser.feed(bytes.subarray(at, point));
      at = point;
    }
    parser.end();
    return { parser };
  } catch (error) {
    return { error };
  }
}

function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= body.length) break;
    const piece = body.subarray(at, at + Math.max(1, size));
    parts.push(Buffer.from(`${piece.length.toString(16)};ext=1\r\n`), piece, Buffer.from('\r\n'));
    at += piece.length;
  }
  if (at < body.length) {
    parts.push(Buffer.from(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\nX-Trailer: 1\r\n\r\n'));
  return Buffer.concat(parts);
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });
const body = fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b));

describe('ResponseParser', () => {
  it('throws nothing but HttpParseError on arbitrary bytes, cut anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), cuts, fc.nat(5000), (bytes, points, max) => {
        const result = parse(Buffer.from(bytes), points, max);
        if ('error' in result) expect(result.error).toBeInstanceOf(HttpParseError);
        else expect(result.parser.body().length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but HttpParseError on arbitrary bodies behind a valid head', () => {
    const heads = fc.constantFrom(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n',
      'HTTP/1.1 200 OK\r\n\r\n',
      'HTTP/1.1 100 Continue\r\n\r\n',
    );
    fc.assert(
      fc.property(heads, fc.string({ maxLength: 200 }), cuts, (head, rest, points) => {
        const result = parse(Buffer.from(head + rest, 'latin1'), points, 64);
        if ('error' in result) expect(result.error).toBeInstanceOf(HttpParseError);
        else expect(result.parser.body().length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes chunked bodies whatever the chunk sizes and read boundaries', () => {
    fc.assert(
      fc.property(body, fc.array(fc.integer({ min: 1, max: 700 })), cuts, (content, sizes, points) => {
        const wire = Buffer.concat([
          Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
          chunked(content, sizes),
        ]);
        const { parser } = parse(wire, points);
        expect(parser?.truncated).toBe(false);
        expect(Buffer.from(parser?.body() ?? []).equals(content)).toBe(true);
      }),
    );
  });

  it('keeps at most maxBodyBytes and says when it cut', () => {
    fc.assert(
      fc.property(
        body,
        fc.nat(4000),
        fc.constantFrom('length', 'chunked', 'close'),
        cuts,
        (content, max, framing, points) => {
          const head =
            framing === 'length'
              ? `HTTP/1.1 200 OK\r\nContent-Length: ${content.length}\r\n\r\n`
              : framing === 'chunked'
                ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
                : 'HTTP/1.0 200 OK\r\n\r\n';
          const wire = Buffer.concat([Buffer.from(head), framing === 'chunked' ? chunked(content, [500]) : content]);
          const { parser } = parse(wire, points, max);
          const kept = Buffer.from(parser?.body() ?? []);
          expect(kept.equals(content.subarray(0, Math.min(max, content.length)))).toBe(true);
          expect(parser?.truncated).toBe(content.length > max);
        },
      ),
    );
  });

  it('reads the head: status, reason, ordered headers, folding, interim responses', () => {
    const wire = Buffer.from(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found Here\r\nServer: x\r\nX-Long: a\r\n  b\r\nbroken line\r\nset-cookie: 1\r\nSet-Cookie: 2\r\nContent-Length: 2\r\n\r\nokEXTRA',
    );
    const { parser } = parse(wire, [3, 30, 31]);
    expect(parser?.head).toEqual({
      version: '1.1',
      status: 404,
      statusText: 'Not Found Here',
      headers: [
        ['Server', 'x'],
        ['X-Long', 'a b'],
        ['set-cookie', '1'],
        ['Set-Cookie', '2'],
        ['Content-Length', '2'],
      ],
    });
    expect(Buffer.from(parser?.body() ?? []).toString()).toBe('ok');
  });

  it('has no body for HEAD, 204 and 304, and rejects conflicting lengths', () => {
    expect(
      parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'), [], 100, true).parser?.body().length,
    ).toBe(0);
    expect(parse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), []).parser?.done).toBe(true);
    expect(parse(Buffer.from('HTTP/1.1 304 Not Modified\r\n\r\n'), []).parser?.done).toBe(true);
    expect(
      parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'), []).error,
    ).toBeInstanceOf(HttpParseError);
    expect(parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'), []).error).toBeInstanceOf(
      HttpParseError,
    );
    expect(parse(Buffer.from('SSH-2.0-x\r\n\r\n'), []).error).toBeInstanceOf(HttpParseError);
    expect(parse(Buffer.from('HTTP/1.1 200 OK\r\n'), []).error).toBeInstanceOf(HttpParseError);
  });

  it('marks a body cut short by the connection as truncated', () => {
    const { parser } = parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), []);
    expect(Buffer.from(parser?.body() ?? []).toString()).toBe('abc');
    expect(parser?.truncated).toBe(true);
  });

  it('bounds the head and chunk lines', () => {
    const huge = Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect(parse(huge, [1000, 40_000]).error).toBeInstanceOf(HttpParseError);
    const manyHeaders = Buffer.from(`HTTP/1.1 200 OK\r\n${'A: b\r\n'.repeat(300)}\r\n`);
    expect(parse(manyHeaders, []).error).toBeInstanceOf(HttpParseError);
    const longChunk = Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`);
    expect(parse(longChunk, []).error).toBeInstanceOf(HttpParseError);
  });
});

describe('buildRequestHead', () => {
  it('never lets a header value or name add a line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }), (name, value) => {
        let head: string;
        try {
          head = buildRequestHead(new URL('http://example.com/a?b'), 'GET', { [name]: value }, null);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          return;
        }
        const lines = head.split('\r\n');
        expect(lines[0]).toBe('GET /a?b HTTP/1.1');
        expect(lines.filter((l) => l === '')).toHaveLength(2);
        expect(head.endsWith('\r\n\r\n')).toBe(true);
        expect(lines.every((l) => !l.includes('\n') && !l.includes('\r'))).toBe(true);
      }),
    );
  });

  it('manages Host, Connection and Content-Length itself', () => {
    const head = buildRequestHead(
      new URL('http://example.com:8080/'),
      'POST',
      { Host: 'evil', Connection: 'keep-alive', 'Content-Length': '99', Accept: 'text/html' },
      3,
    );
    expect(head).toBe(
      'POST / HTTP/1.1\r\nHost: example.com:8080\r\nAccept: text/html\r\nUser-Agent: Tracegraph/0.1\r\nAccept-Encoding: identity\r\nContent-Length: 3\r\nConnection: close\r\n\r\n',
    );
  });
});
