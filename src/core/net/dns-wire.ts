// DNS messages on the wire: building a query, and checking and decoding what comes back.
// Every response is treated as hostile input: it may be garbage, spoofed, or for another query.
import { randomFillSync } from 'node:crypto';
import { DNS_TYPE_CODES } from '../../shared/dns/types';
import type { DnsRecordType, DnsResponse } from '../../shared/scanner';
import { errorMessage } from './deadline';
import { type DecodedMessage, decodeMessage } from './dns-decode';
import { presentName } from './dns-present';

/** The payload size we advertise (the DNS flag day 2020 value: no IP fragmentation). */
export const EDNS_UDP_SIZE = 1232;

const PLAIN_NAME = /^(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/;

/**
 * Validates a query name and returns it without the trailing dot, lowercased. Throws with a
 * readable message: an over-long label would otherwise corrupt the encoded packet.
 */
export function normaliseQueryName(name: string): string {
  // The usual name needs none of the checks below to be known good.
  if (name.length <= 253 && PLAIN_NAME.test(name)) return name;
  const trimmed = name.trim();
  if (trimmed === '.' || trimmed === '') return '';
  const bare = trimmed.replace(/\.$/, '').toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s\x00-\x1f\x7f\\]/.test(bare)) throw new Error(`"${name}" is not a DNS name: it contains spaces or controls`);
  if (!/^[\x21-\x7e]+$/.test(bare)) throw new Error(`"${name}" is not a DNS name: use the xn-- (A-label) form`);
  const labels = bare.split('.');
  for (const label of labels) {
    if (label.length === 0) throw new Error(`"${name}" is not a DNS name: it has an empty label`);
    if (label.length > 63) throw new Error(`"${name}" is not a DNS name: a label is longer than 63 characters`);
  }
  if (bare.length > 253) throw new Error(`"${name}" is not a DNS name: longer than 253 characters`);
  return bare;
}

export interface BuiltQuery {
  id: number;
  name: string;
  type: DnsRecordType;
  /** DO and CD set (see DnsQueryOptions). */
  dnssec: boolean;
  bytes: Buffer;
}

// Query ids come from the CSPRNG (they are half of the defence against spoofed answers), drawn
// from a refilled batch: one randomInt call per id cost more than encoding the query.
const idBatch = new Uint16Array(1024);
let idsLeft = 0;

/** A uniformly random 16-bit query id from the CSPRNG. */
export function randomQueryId(): number {
  if (idsLeft === 0) {
    randomFillSync(idBatch);
    idsLeft = idBatch.length;
  }
  idsLeft -= 1;
  return idBatch[idsLeft] ?? 0;
}

/**
 * The query packet: RD set, one question, an EDNS0 OPT record; with `dnssec`, CD in the header
 * and DO in the OPT record. Written by hand (the same bytes dns-packet would write) since it is
 * built for every query.
 */
export function buildQuery(name: string, type: DnsRecordType, id = randomQueryId(), dnssec = false): BuiltQuery {
  const bare = name === '.' ? '' : name.endsWith('.') ? name.slice(0, -1) : name;
  const textLength = Buffer.byteLength(bare);
  const nameLength = textLength === 0 ? 1 : textLength + 2;
  const bytes = Buffer.allocUnsafe(12 + nameLength + 4 + 11).fill(0);
  bytes.writeUInt16BE(id, 0);
  bytes[2] = 0x01; // RD
  if (dnssec) bytes[3] = 0x10; // CD
  bytes[5] = 1; // QDCOUNT
  bytes[11] = 1; // ARCOUNT: the OPT record
  if (textLength > 0) {
    // The text goes in one write after the first length byte; each dot then becomes the length
    // of the label it ends (a dot is never part of a multi-byte UTF-8 character).
    bytes.write(bare, 13);
    let lengthAt = 12;
    for (let i = 13; i <= 13 + textLength; i++) {
      if (i < 13 + textLength && bytes[i] !== 0x2e) continue;
      const length = i - lengthAt - 1;
      if (length > 63) throw new Error(`"${name}" is not a DNS name: a label is longer than 63 bytes`);
      bytes[lengthAt] = length;
      lengthAt = i;
    }
  }
  let offset = 12 + nameLength;
  bytes.writeUInt16BE(DNS_TYPE_CODES[type], offset);
  bytes.writeUInt16BE(1, offset + 2); // class IN
  offset += 4;
  // OPT: root owner, type 41, class = our payload size, TTL = extended rcode 0, version 0 and
  // the flags (DO only when asked), no options.
  bytes.writeUInt16BE(41, offset + 1);
  bytes.writeUInt16BE(EDNS_UDP_SIZE, offset + 3);
  if (dnssec) bytes[offset + 7] = 0x80; // DO
  return { id, name, type, dnssec, bytes };
}

export type ResponseCheck =
  /** A response to this query. */
  | { ok: true; response: DnsResponse }
  /** Not an answer to this query (wrong id or question, not a response, undecodable): keep waiting. */
  | { ok: false; reason: string };

function stripName(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

function namesEqual(a: string, b: string): boolean {
  return a === b || stripName(a) === stripName(b);
}

/**
 * Checks a packet against the query it should answer and decodes it. Never throws: whatever the
 * bytes, the result says either "this is the answer" or why it is not. `owned`: the caller hands
 * the bytes over (a datagram just received), so `raw` may share their memory instead of a copy.
 */
export function checkResponse(bytes: Uint8Array, query: BuiltQuery, server: string, owned = false): ResponseCheck {
  if (bytes.length < 12) return { ok: false, reason: `a ${bytes.length}-byte packet (too short)` };
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = buf.readUInt16BE(0);
  if (id !== query.id) return { ok: false, reason: 'a response with another query id' };
  if ((buf[2] ?? 0) < 0x80) return { ok: false, reason: 'a query, not a response' };
  let decoded: DecodedMessage;
  try {
    decoded = decodeMessage(buf);
  } catch (error) {
    return { ok: false, reason: `a malformed response (${errorMessage(error)})` };
  }
  const { questions, rcode } = decoded;
  if (questions.length === 0) {
    // Servers may drop the question on errors (FORMERR, NOTIMP); a NOERROR without one proves nothing.
    if (rcode === 'NOERROR') return { ok: false, reason: 'a response without a question' };
  } else {
    const question = questions[0];
    if (
      questions.length !== 1 ||
      !question ||
      !namesEqual(question.name, query.name === '' ? '.' : query.name) ||
      question.type !== query.type
    ) {
      return { ok: false, reason: 'a response to another question' };
    }
  }
  return {
    ok: true,
    response: {
      question: { name: presentName(query.name), type: query.type },
      server,
      rcode,
      authoritative: decoded.authoritative,
      truncated: decoded.truncated,
      answers: decoded.answers,
      authorities: decoded.authorities,
      additionals: decoded.additionals,
      raw: owned ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes),
    },
  };
}
