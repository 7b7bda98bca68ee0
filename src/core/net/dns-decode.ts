// Decoding a DNS message into presentation form. dns-packet's decoder builds a large object per
// message and an array per name: the largest part of a query's handling once sockets were shared.
// The common message (printable ASCII names, known types) is read here directly; anything else
// goes to dns-packet. Both give the same result: the fast path gives up wherever it could differ.
import * as packet from 'dns-packet';
import { DNS_TYPE_CODES } from '../../shared/dns/types';
import type { DnsAnswerRecord } from '../../shared/scanner';
import { presentOpt, presentParts, presentRecord } from './dns-present';

export interface DecodedMessage {
  rcode: string;
  authoritative: boolean;
  truncated: boolean;
  questions: { name: string; type: string }[];
  answers: DnsAnswerRecord[];
  authorities: DnsAnswerRecord[];
  additionals: DnsAnswerRecord[];
}

interface Codec {
  decode: ((buf: Buffer, offset: number) => unknown) & { bytes: number };
}

// dns-packet exports its per-type codecs but its type definitions do not declare them. Record
// data is decoded by the same codec either way, so the two paths cannot disagree about it.
const codecFor = (packet as unknown as { record(type: string): Codec }).record;

// The types the fast path reads; the codes come from the shared table.
const FAST_TYPES = new Map<number, string>(
  (['A', 'NS', 'CNAME', 'SOA', 'PTR', 'MX', 'TXT', 'AAAA', 'SRV', 'OPT', 'CAA'] as const).map((type) => [
    DNS_TYPE_CODES[type],
    type,
  ]),
);
const CODECS = new Map<number, { type: string; codec: Codec }>(
  [...FAST_TYPES].map(([code, type]) => [code, { type, codec: codecFor(type) }]),
);

const RCODES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** Thrown inside the fast path to hand the message to dns-packet. */
class Defer extends Error {}
const DEFER = new Defer('deferred to dns-packet');

/** Character codes of the name being read (reused: one array for every name). */
const codes: number[] = [];

/** A reader over one message; `name` holds the last name read. */
class Reader {
  name = '';
  // The first name read (the question's), kept to be reused: answers usually repeat it, written
  // out again or as a pointer to it.
  private firstAt = -1;
  private firstLength = 0;
  private firstName = '';

  constructor(readonly buf: Buffer) {}

  /**
   * Reads a name at `start` as dns-packet's name.decode would and returns the offset after it.
   * Defers on anything but labels of printable ASCII without dots or backslashes (so the name is
   * its own presentation form), and on every case dns-packet rejects (overrun, forward pointer,
   * over-long name).
   */
  readName(start: number): number {
    const buf = this.buf;
    if (this.firstLength > 0) {
      const first = this.firstAt;
      if (buf[start] === (0xc0 | (first >> 8)) && buf[start + 1] === (first & 0xff)) {
        this.name = this.firstName;
        return start + 2;
      }
      const length = this.firstLength;
      let same = start + length <= buf.length;
      for (let i = 0; same && i < length; i++) same = buf[start + i] === buf[first + i];
      if (same) {
        this.name = this.firstName;
        return start + length;
      }
    }
    let offset = start;
    let segment = start;
    let after = -1;
    let total = 0;
    codes.length = 0;
    for (;;) {
      if (offset >= buf.length) throw DEFER;
      const length = buf[offset] as number;
      if (length === 0) {
        offset += 1;
        break;
      }
      if (length < 0x40) {
        const from = offset + 1;
        const to = from + length;
        if (to > buf.length) throw DEFER;
        total += length + 1;
        if (total > 254) throw DEFER;
        if (codes.length > 0) codes.push(0x2e);
        for (let i = from; i < to; i++) {
          const byte = buf[i] as number;
          if (byte < 0x21 || byte > 0x7e || byte === 0x2e || byte === 0x5c) throw DEFER;
          codes.push(byte);
        }
        offset = to;
      } else if (length >= 0xc0) {
        if (offset + 2 > buf.length) throw DEFER;
        const jump = buf.readUInt16BE(offset) - 0xc000;
        // Only pointers to earlier data (dns-packet's rule, which also rules out loops).
        if (jump >= segment) throw DEFER;
        if (after === -1) after = offset + 2;
        offset = jump;
        segment = jump;
      } else {
        throw DEFER;
      }
    }
    this.name = codes.length === 0 ? '.' : String.fromCharCode.apply(null, codes);
    if (this.firstAt === -1) {
      this.firstAt = start;
      // Only a name written out in full can be matched byte for byte (or pointed to as a whole).
      this.firstLength = after === -1 ? offset - start : 0;
      this.firstName = this.name;
    }
    return after === -1 ? offset : after;
  }

  readRecords(count: number, offset: number, out: DnsAnswerRecord[]): number {
    const buf = this.buf;
    let at = offset;
    for (let i = 0; i < count; i++) {
      at = this.readName(at);
      if (at + 10 > buf.length) throw DEFER;
      const known = CODECS.get(buf.readUInt16BE(at));
      if (known === undefined) throw DEFER;
      const { type, codec } = known;
      const rdlength = buf.readUInt16BE(at + 8);
      if (type === 'A' && rdlength === 4 && at + 14 <= buf.length) {
        // What dns-packet's A codec returns, and a dotted quad is its own presentation form.
        const data = `${buf[at + 10]}.${buf[at + 11]}.${buf[at + 12]}.${buf[at + 13]}`;
        out.push({ name: this.name, type, ttl: buf.readUInt32BE(at + 4), data });
        at += 14;
        continue;
      }
      if (type === 'OPT') {
        const flags = buf.readUInt16BE(at + 6);
        const options = rdlength === 0 ? [] : codec.decode(buf, at + 8);
        out.push(
          presentOpt(this.name, {
            udpPayloadSize: buf.readUInt16BE(at + 2),
            ednsVersion: buf[at + 5],
            flag_do: ((flags >> 15) & 1) === 1,
            options,
          }),
        );
        if (rdlength === 0) {
          at += 10;
          continue;
        }
      } else {
        const data = codec.decode(buf, at + 8);
        out.push(presentParts(this.name, type, buf.readUInt32BE(at + 4), data));
      }
      at += 8 + codec.decode.bytes;
    }
    return at;
  }
}

/** The fast path: the decoded message, or undefined where dns-packet must decide. */
export function decodeFast(buf: Buffer): DecodedMessage | undefined {
  if (buf.length < 12) return undefined;
  try {
    const reader = new Reader(buf);
    const flags = buf.readUInt16BE(2);
    const questions: { name: string; type: string }[] = [];
    let offset = 12;
    for (let i = buf.readUInt16BE(4); i > 0; i--) {
      offset = reader.readName(offset);
      if (offset + 4 > buf.length) return undefined;
      const type = FAST_TYPES.get(buf.readUInt16BE(offset));
      if (type === undefined || type === 'OPT') return undefined;
      questions.push({ name: reader.name, type });
      offset += 4;
    }
    const answers: DnsAnswerRecord[] = [];
    const authorities: DnsAnswerRecord[] = [];
    const additionals: DnsAnswerRecord[] = [];
    offset = reader.readRecords(buf.readUInt16BE(6), offset, answers);
    offset = reader.readRecords(buf.readUInt16BE(8), offset, authorities);
    reader.readRecords(buf.readUInt16BE(10), offset, additionals);
    return {
      rcode: RCODES[flags & 0xf] ?? `RCODE_${flags & 0xf}`,
      authoritative: ((flags >> 10) & 1) === 1,
      truncated: ((flags >> 9) & 1) === 1,
      questions,
      answers,
      authorities,
      additionals,
    };
  } catch {
    // A Defer, or a codec that ran off the end: dns-packet decides (and names the error).
    return undefined;
  }
}

/** Maps a record list to presentation form, skipping entries dns-packet left undefined. */
function present(records: packet.Answer[] | undefined): DnsAnswerRecord[] {
  const out: DnsAnswerRecord[] = [];
  for (const record of records ?? []) if (record) out.push(presentRecord(record));
  return out;
}

/** Decoding with dns-packet: any message it can read. Throws on a malformed one. */
export function decodeFull(buf: Buffer): DecodedMessage {
  const decoded = packet.decode(buf);
  // dns-packet's decoder sets rcode (as text) but its type definitions leave it out.
  const rawRcode = (decoded as unknown as { rcode?: unknown }).rcode;
  const questions: { name: string; type: string }[] = [];
  for (const question of decoded.questions ?? []) {
    if (question) questions.push({ name: question.name, type: question.type });
  }
  return {
    rcode: typeof rawRcode === 'string' ? rawRcode : 'UNKNOWN',
    authoritative: decoded.flag_aa === true,
    truncated: decoded.flag_tc === true,
    questions,
    answers: present(decoded.answers),
    authorities: present(decoded.authorities),
    additionals: present(decoded.additionals),
  };
}

/** Decodes a message, quickly when it has the usual shape. Throws on a malformed one. */
export function decodeMessage(buf: Buffer): DecodedMessage {
  return decodeFast(buf) ?? decodeFull(buf);
}
