// DKIM key records (RFC 6376 §3.6.1) and the size of the key they publish. The key is read from
// p= itself: an RSA key's modulus from its DER SubjectPublicKeyInfo (or a bare RSAPublicKey, which
// some publishers use), an Ed25519 key's raw 32 bytes (RFC 8463). Nothing here throws.
import { errorSink, parseTagList } from './tag-list';

export interface DkimRecord {
  /** k=, lowercase; "rsa" when absent (the default). */
  k: string;
  /** p= with its folding whitespace removed; "" means the key was revoked. */
  p: string;
  h?: string[];
  /** t= flags, lowercase: "y" (testing), "s" (no subdomains). */
  t: string[];
  s?: string[];
  n?: string;
  errors: string[];
}

export interface DkimKey {
  type: string;
  /** Key size in bits, when it could be read. */
  bits?: number;
  revoked: boolean;
  /** Why the key could not be read. */
  error?: string;
}

/** A TXT record at a selector is a DKIM key record when it starts with v=DKIM1 or carries a p= tag. */
export function isDkimRecord(text: string): boolean {
  return /^[ \t]*v[ \t]*=[ \t]*DKIM1[ \t]*(?:;|$)/.test(text) || /(?:^|;)[ \t\r\n]*p[ \t\r\n]*=/.test(text);
}

const fws = (text: string): string => text.replace(/[ \t\r\n]+/g, '');

/** Reads a DKIM key record; undefined when the text is not one. */
export function parseDkim(text: string): DkimRecord | undefined {
  if (!isDkimRecord(text)) return undefined;
  const record: DkimRecord = { k: 'rsa', p: '', t: [], errors: [] };
  const error = errorSink(record.errors);
  const seen = new Set<string>();
  for (const { index, name, value } of parseTagList(text, {
    namePattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    lowercase: false,
    error,
  })) {
    if (seen.has(name)) {
      // RFC 6376 §3.2: a duplicate tag makes the whole tag list invalid.
      error(`the ${name}= tag appears more than once`);
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'v':
        if (index !== 0 || value !== 'DKIM1') error('v= must come first and be DKIM1');
        break;
      case 'k':
        record.k = value.toLowerCase().slice(0, 40);
        break;
      case 'p': {
        const key = fws(value);
        if (key !== '' && !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) error('p= is not base64');
        record.p = key.slice(0, 8192);
        break;
      }
      case 'h':
        record.h = value
          .split(':')
          .map((h) => fws(h).toLowerCase())
          .slice(0, 10);
        break;
      case 't':
        record.t = value
          .split(':')
          .map((f) => fws(f).toLowerCase())
          .filter((f) => f !== '')
          .slice(0, 10);
        break;
      case 's':
        record.s = value
          .split(':')
          .map((f) => fws(f).toLowerCase())
          .slice(0, 10);
        break;
      case 'n':
        record.n = value.slice(0, 300);
        break;
      default:
        break;
    }
  }
  if (!seen.has('p')) error('the required p= tag is missing');
  return record;
}

/** The record as text (v=DKIM1 first, then the tags that were read). */
export function formatDkim(record: Omit<DkimRecord, 'errors'>): string {
  const tags = ['v=DKIM1'];
  if (record.h) tags.push(`h=${record.h.join(':')}`);
  tags.push(`k=${record.k}`);
  if (record.n !== undefined) tags.push(`n=${record.n}`);
  if (record.s) tags.push(`s=${record.s.join(':')}`);
  if (record.t.length > 0) tags.push(`t=${record.t.join(':')}`);
  tags.push(`p=${record.p}`);
  return tags.join('; ');
}

// --- DER ---------------------------------------------------------------------------------------

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER element at `offset` within [offset, limit): definite lengths only, bounds checked. */
function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] ?? 0;
  let length = bytes[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : undefined;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OID = 0x06;
const RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
const ED25519 = Uint8Array.of(0x2b, 0x65, 0x70);

/** Bits of a DER INTEGER's magnitude (leading zero octets not counted). */
function integerBits(bytes: Uint8Array, tlv: Tlv): number {
  let i = tlv.start;
  while (i < tlv.end && bytes[i] === 0) i++;
  if (i === tlv.end) return 0;
  const first = bytes[i] ?? 0;
  return (tlv.end - i - 1) * 8 + (32 - Math.clz32(first));
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } → modulus bits. */
function rsaPublicKeyBits(bytes: Uint8Array, start: number, end: number): number | undefined {
  const seq = readTlv(bytes, start, end);
  if (!seq || seq.tag !== SEQUENCE) return undefined;
  const modulus = readTlv(bytes, seq.start, seq.end);
  if (!modulus || modulus.tag !== INTEGER) return undefined;
  const exponent = readTlv(bytes, modulus.end, seq.end);
  if (!exponent || exponent.tag !== INTEGER) return undefined;
  return integerBits(bytes, modulus);
}

const equal = (bytes: Uint8Array, tlv: Tlv, expected: Uint8Array): boolean =>
  tlv.end - tlv.start === expected.length && expected.every((b, i) => bytes[tlv.start + i] === b);

/** SubjectPublicKeyInfo: the algorithm OID and the key bits; undefined when it is not one. */
function spki(bytes: Uint8Array): { algorithm: 'rsa' | 'ed25519' | 'other'; key: Tlv } | undefined {
  const outer = readTlv(bytes, 0, bytes.length);
  if (!outer || outer.tag !== SEQUENCE || outer.end !== bytes.length) return undefined;
  const algorithm = readTlv(bytes, outer.start, outer.end);
  if (!algorithm || algorithm.tag !== SEQUENCE) return undefined;
  const oid = readTlv(bytes, algorithm.start, algorithm.end);
  if (!oid || oid.tag !== OID) return undefined;
  const key = readTlv(bytes, algorithm.end, outer.end);
  if (!key || key.tag !== BIT_STRING || key.end === key.start || bytes[key.start] !== 0) return undefined;
  const kind = equal(bytes, oid, RSA_ENCRYPTION) ? 'rsa' : equal(bytes, oid, ED25519) ? 'ed25519' : 'other';
  return { algorithm: kind, key: { tag: BIT_STRING, start: key.start + 1, end: key.end } };
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** What key a record publishes: its type, size in bits, whether it was revoked. */
export function dkimKey(record: Pick<DkimRecord, 'k' | 'p'>): DkimKey {
  const type = record.k;
  if (record.p === '') return { type, revoked: true };
  const bytes = decodeBase64(record.p);
  if (!bytes || bytes.length === 0) return { type, revoked: false, error: 'p= is not base64' };
  if (type === 'ed25519') {
    // RFC 8463: the raw 32-byte public key; a SubjectPublicKeyInfo is tolerated (a common mistake).
    if (bytes.length === 32) return { type, bits: 256, revoked: false };
    const info = spki(bytes);
    if (info?.algorithm === 'ed25519' && info.key.end - info.key.start === 32) {
      return { type, bits: 256, revoked: false, error: 'the key is wrapped in a SubjectPublicKeyInfo, not raw' };
    }
    return { type, revoked: false, error: `an Ed25519 key is 32 bytes, this one is ${bytes.length}` };
  }
  if (type !== 'rsa') return { type, revoked: false, error: `unknown key type k=${type.slice(0, 40)}` };
  const info = spki(bytes);
  if (info) {
    if (info.algorithm !== 'rsa') return { type, revoked: false, error: 'the key is not an RSA key' };
    const bits = rsaPublicKeyBits(bytes, info.key.start, info.key.end);
    return bits ? { type, bits, revoked: false } : { type, revoked: false, error: 'the RSA key is malformed' };
  }
  const bare = rsaPublicKeyBits(bytes, 0, bytes.length);
  return bare ? { type, bits: bare, revoked: false } : { type, revoked: false, error: 'the RSA key cannot be read' };
}
