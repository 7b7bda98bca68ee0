// Reads what a server sends back to a ClientHello: its ServerHello (or HelloRetryRequest) and,
// below TLS 1.3, the Certificate message that follows in the clear; or an alert. The bytes are
// the server's, so hostile: every length is checked against what is there, nothing is read
// past the buffer, and anything that is not TLS is an answer of its own, never an exception.

const RECORD_HEADER = 5;
/** A record's body is at most 2^14 bytes plus 2,048 of expansion (RFC 5246 6.2.3). */
const MAX_RECORD_BODY = 16384 + 2048;
const ALERT = 0x15;
const HANDSHAKE = 0x16;
const SERVER_HELLO = 0x02;
const CERTIFICATE = 0x0b;
const SUPPORTED_VERSIONS = 0x002b;
const KEY_SHARE = 0x0033;
/** The ServerHello random that marks a HelloRetryRequest: SHA-256 of "HelloRetryRequest". */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
/** Certificates kept from one Certificate message. */
const MAX_CERTIFICATES = 16;

export type ServerAnswer =
  | {
      kind: 'hello';
      /** The version agreed: supported_versions when the server sent it, else the hello's own. */
      version: number;
      suite: number;
      compression: number;
      helloRetry: boolean;
      /** HelloRetryRequest: the group the server wants a key share for. */
      retryGroup: number | null;
    }
  | { kind: 'alert'; level: number; description: number }
  | { kind: 'unexpected'; reason: string };

export type FlightResult =
  | { complete: false }
  | {
      complete: true;
      answer: ServerAnswer;
      /** DER certificates of a TLS 1.2-or-older handshake when asked for; null otherwise. */
      certificates: Uint8Array[] | null;
    };

class Cursor {
  at = 0;
  constructor(readonly data: Uint8Array) {}
  get left(): number {
    return this.data.length - this.at;
  }
  take(n: number): Uint8Array | null {
    if (n < 0 || n > this.left) return null;
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint(bytes: number): number | null {
    const raw = this.take(bytes);
    if (raw === null) return null;
    let value = 0;
    for (const b of raw) value = value * 256 + b;
    return value;
  }
}

/** Parses a ServerHello body; a reason string when it is malformed. */
export function parseServerHello(body: Uint8Array): ServerAnswer {
  const c = new Cursor(body);
  const legacy = c.uint(2);
  const random = c.take(32);
  const sessionLength = c.uint(1);
  const session = sessionLength === null ? null : c.take(sessionLength);
  const suite = c.uint(2);
  const compression = c.uint(1);
  if (legacy === null || random === null || session === null || suite === null || compression === null) {
    return { kind: 'unexpected', reason: 'a truncated ServerHello' };
  }
  let version = legacy;
  let retryGroup: number | null = null;
  const helloRetry = Buffer.from(random).equals(HRR_RANDOM);
  if (c.left > 0) {
    const length = c.uint(2);
    const block = length === null ? null : c.take(length);
    if (block === null) return { kind: 'unexpected', reason: 'ServerHello extensions overrun the message' };
    const ext = new Cursor(block);
    while (ext.left > 0) {
      const type = ext.uint(2);
      const size = ext.uint(2);
      const data = size === null ? null : ext.take(size);
      if (type === null || data === null) return { kind: 'unexpected', reason: 'a malformed ServerHello extension' };
      if (type === SUPPORTED_VERSIONS && data.length === 2) version = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      if (type === KEY_SHARE && helloRetry && data.length === 2) retryGroup = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
    }
  }
  return { kind: 'hello', version, suite, compression, helloRetry, retryGroup };
}

/** The DER certificates of a Certificate message (TLS 1.2 and older: no request context). */
export function parseCertificateMessage(body: Uint8Array): Uint8Array[] | null {
  const c = new Cursor(body);
  const total = c.uint(3);
  const list = total === null ? null : c.take(total);
  if (list === null) return null;
  const entries = new Cursor(list);
  const out: Uint8Array[] = [];
  while (entries.left > 0 && out.length < MAX_CERTIFICATES) {
    const length = entries.uint(3);
    const der = length === null ? null : entries.take(length);
    if (der === null) return null;
    out.push(der);
  }
  return out;
}

function describeRecordType(type: number): string {
  // Plain text (an HTTP or SMTP answer) is the usual reason for something that is not TLS.
  if (type >= 0x20 && type < 0x7f) return `plain text ("${String.fromCharCode(type)}...") instead of TLS`;
  return `a record of type ${type} instead of a handshake`;
}

/**
 * Reads the server's flight so far. `complete: false` means more bytes are needed; with
 * `ended` (the connection closed) the result is always complete.
 */
export function parseServerFlight(data: Uint8Array, wantCertificates: boolean, ended = false): FlightResult {
  const records = new Cursor(data);
  const handshake: Uint8Array[] = [];
  let hello: ServerAnswer | null = null;
  const done = (answer: ServerAnswer, certificates: Uint8Array[] | null = null): FlightResult => ({
    complete: true,
    answer,
    certificates,
  });
  const incomplete = (): FlightResult =>
    ended
      ? done(hello ?? { kind: 'unexpected', reason: 'the connection closed before a ServerHello' }, hello ? [] : null)
      : { complete: false };

  while (records.left > 0) {
    if (records.left < RECORD_HEADER) return incomplete();
    const type = records.uint(1) ?? 0;
    records.uint(2);
    const length = records.uint(2) ?? 0;
    if (type !== ALERT && type !== HANDSHAKE)
      return done(hello ?? { kind: 'unexpected', reason: describeRecordType(type) });
    if (length > MAX_RECORD_BODY) return done(hello ?? { kind: 'unexpected', reason: `a ${length}-byte record` });
    const body = records.take(length);
    if (body === null) return incomplete();
    if (type === ALERT) {
      if (hello) return done(hello, wantCertificates ? [] : null);
      if (body.length < 2) return done({ kind: 'unexpected', reason: 'a truncated alert' });
      return done({ kind: 'alert', level: body[0] ?? 0, description: body[1] ?? 0 });
    }
    handshake.push(body);
    // Handshake messages may span records; read them from everything received so far.
    const messages = new Cursor(Buffer.concat(handshake));
    hello = null;
    while (messages.left >= 4) {
      const msgType = messages.uint(1) ?? 0;
      const msgLength = messages.uint(3) ?? 0;
      const msg = messages.take(msgLength);
      if (msg === null) break;
      if (hello === null) {
        if (msgType !== SERVER_HELLO) return done({ kind: 'unexpected', reason: `handshake message ${msgType} first` });
        hello = parseServerHello(msg);
        if (hello.kind !== 'hello' || !wantCertificates || hello.helloRetry || hello.version >= 0x0304) {
          return done(hello);
        }
        continue;
      }
      // The message after the ServerHello: the certificates, or none (anonymous suites).
      return done(hello, msgType === CERTIFICATE ? (parseCertificateMessage(msg) ?? []) : []);
    }
  }
  return incomplete();
}
