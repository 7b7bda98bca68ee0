// A small DER reader: one element (tag, length, contents) at a time, never past the bytes it is
// given. Certificates come from the server, so lengths are checked, indefinite and over-long
// lengths are refused, and a container's children are counted against a limit.

export class DerError extends Error {}

export interface Element {
  /** The identifier octet: class, constructed bit and tag number (low-tag form only). */
  tag: number;
  /** The contents, without identifier and length. */
  content: Uint8Array;
  /** The whole element, identifier and length included (a Name compared byte for byte, a TBS signed). */
  raw: Uint8Array;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  teletexString: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Children read from one container at most: a certificate with 5,000 SANs needs 5,000. */
const MAX_CHILDREN = 20_000;

export function readElement(data: Uint8Array, offset = 0): Element {
  if (offset + 2 > data.length) throw new DerError('truncated element');
  const tag = data[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificates');
  let length = data[offset + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (offset + 2 + count > data.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (data[offset + 2 + i] as number);
    header += count;
  }
  const end = offset + header + length;
  if (end > data.length) throw new DerError('element overruns its container');
  return { tag, content: data.subarray(offset + header, end), raw: data.subarray(offset, end) };
}

/** The elements inside a constructed element, in order. */
export function children(element: Element): Element[] {
  const out: Element[] = [];
  let at = 0;
  while (at < element.content.length) {
    if (out.length >= MAX_CHILDREN) throw new DerError(`more than ${MAX_CHILDREN} elements in one container`);
    const child = readElement(element.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** The element, checked to carry the expected tag. */
export function expect(element: Element | undefined, tag: number, what: string): Element {
  if (!element || element.tag !== tag) throw new DerError(`${what} missing or of the wrong type`);
  return element;
}

export function decodeOid(content: Uint8Array): string {
  if (content.length === 0 || content.length > 64) throw new DerError('bad object identifier length');
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** An INTEGER's magnitude in lowercase hex, without leading zeros (serials, RSA moduli). */
export function integerHex(content: Uint8Array): string {
  const hex = Buffer.from(content)
    .toString('hex')
    .replace(/^(00)+/, '');
  return hex === '' ? '0' : hex;
}

/** The text of a directory string, whatever its ASN.1 string type; bytes that do not decode are replaced. */
export function decodeString(element: Element): string {
  const bytes = Buffer.from(element.content);
  switch (element.tag) {
    case TAG.bmpString:
      return bytes.length % 2 === 0 ? bytes.swap16().toString('utf16le') : '\ufffd';
    case TAG.universalString: {
      const points: number[] = [];
      for (let i = 0; i + 4 <= bytes.length; i += 4) points.push(bytes.readUInt32BE(i));
      return points.map((p) => (p <= 0x10ffff ? String.fromCodePoint(p) : '\ufffd')).join('');
    }
    case TAG.teletexString:
      return bytes.toString('latin1');
    default:
      return bytes.toString('utf8');
  }
}

/** UTCTime or GeneralizedTime as ISO 8601; null when malformed. */
export function decodeTime(element: Element): string | null {
  const text = Buffer.from(element.content).toString('latin1');
  const match =
    element.tag === TAG.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === TAG.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d{1,9})?Z$/.exec(text)
        : null;
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  // RFC 5280 4.1.2.5.1: a two-digit year below 50 is 20xx.
  const year = element.tag === TAG.utcTime ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  const ms = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
