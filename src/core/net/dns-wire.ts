// DNS messages on the wire: building a query, and checking and decoding what comes back.
// Every response is treated as hostile input: it may be garbage, spoofed, or for another query.
import { randomInt } from 'node:crypto';
import * as packet from 'dns-packet';
import type { DnsAnswerRecord, DnsRecordType, DnsResponse } from '../../shared/scanner';
import { errorMessage } from './deadline';
import { presentName, presentRecord } from './dns-present';

export const DNS_RECORD_TYPES: readonly DnsRecordType[] = [
  'A',
  'AAAA',
  'MX',
  'NS',
  'TXT',
  'CNAME',
  'SOA',
  'PTR',
  'CAA',
  'SRV',
];

/** The payload size we advertise (the DNS flag day 2020 value: no IP fragmentation). */
export const EDNS_UDP_SIZE = 1232;

/**
 * Validates a query name and returns it without the trailing dot, lowercased. Throws with a
 * readable message: an over-long label would otherwise corrupt the encoded packet.
 */
export function normaliseQueryName(name: string): string {
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
  bytes: Buffer;
}

export function buildQuery(name: string, type: DnsRecordType): BuiltQuery {
  const id = randomInt(0, 65536);
  const bytes = packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED,
    questions: [{ type, name: name === '' ? '.' : name, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: EDNS_UDP_SIZE,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ],
  });
  return { id, name, type, bytes };
}

export type ResponseCheck =
  /** A response to this query. */
  | { ok: true; response: DnsResponse }
  /** Not an answer to this query (wrong id or question, not a response, undecodable): keep waiting. */
  | { ok: false; reason: string };

function namesEqual(a: string, b: string): boolean {
  const strip = (n: string): string => n.replace(/\.$/, '').toLowerCase();
  return strip(a) === strip(b);
}

/** Maps a record list to presentation form, skipping entries dns-packet left undefined. */
function present(records: packet.Answer[] | undefined): DnsAnswerRecord[] {
  const out: DnsAnswerRecord[] = [];
  for (const record of records ?? []) if (record) out.push(presentRecord(record));
  return out;
}

/**
 * Checks a packet against the query it should answer and decodes it. Never throws: whatever the
 * bytes, the result says either "this is the answer" or why it is not.
 */
export function checkResponse(bytes: Uint8Array, query: BuiltQuery, server: string): ResponseCheck {
  if (bytes.length < 12) return { ok: false, reason: `a ${bytes.length}-byte packet (too short)` };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = buf.readUInt16BE(0);
  if (id !== query.id) return { ok: false, reason: 'a response with another query id' };
  if ((buf[2] ?? 0) < 0x80) return { ok: false, reason: 'a query, not a response' };
  let decoded: packet.DecodedPacket;
  try {
    decoded = packet.decode(buf);
  } catch (error) {
    return { ok: false, reason: `a malformed response (${errorMessage(error)})` };
  }
  // dns-packet's decoder sets rcode (as text) but its type definitions leave it out.
  const rawRcode = (decoded as unknown as { rcode?: unknown }).rcode;
  const rcode = typeof rawRcode === 'string' ? rawRcode : 'UNKNOWN';
  const questions = (decoded.questions ?? []).filter((q) => q !== undefined);
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
  const additionals = present(decoded.additionals);
  return {
    ok: true,
    response: {
      question: { name: presentName(query.name), type: query.type },
      server,
      rcode,
      authoritative: decoded.flag_aa === true,
      truncated: decoded.flag_tc === true,
      answers: present(decoded.answers),
      authorities: present(decoded.authorities),
      additionals,
      raw: new Uint8Array(bytes),
    },
  };
}
