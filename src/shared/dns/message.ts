// A DNS message read from its bytes for DNSSEC checks: every record with its owner and its RDATA in
// canonical form (names decompressed, lowercased where RFC 4034 §6.2 says), which is what RRSIGs
// sign. The resolver's presentation form is for people; signatures are checked against this.
import { canonicalRdata } from './canonical';
import { DnsWireError, nameText, readName } from './name';

export interface WireRecord {
  /** The owner's labels as sent. */
  owner: Uint8Array[];
  /** The owner as lowercase text (see nameText). */
  name: string;
  type: number;
  klass: number;
  ttl: number;
  /** Canonical RDATA. */
  rdata: Uint8Array;
}

export interface WireMessage {
  id: number;
  flags: number;
  rcode: number;
  questions: { name: string; type: number }[];
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
}

/** Reads a whole message; throws DnsWireError when any part of it is malformed or cut short. */
export function parseMessage(message: Uint8Array): WireMessage {
  if (message.length < 12) throw new DnsWireError('a DNS message is at least 12 bytes');
  const v = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const questions: { name: string; type: number }[] = [];
  let offset = 12;
  for (let i = v.getUint16(4); i > 0; i--) {
    const name = readName(message, offset);
    if (name.next + 4 > message.length) throw new DnsWireError('a question runs past the end of the message');
    questions.push({ name: nameText(name.labels), type: v.getUint16(name.next) });
    offset = name.next + 4;
  }
  const sections: WireRecord[][] = [];
  for (const countAt of [6, 8, 10]) {
    const records: WireRecord[] = [];
    for (let i = v.getUint16(countAt); i > 0; i--) {
      const owner = readName(message, offset);
      const at = owner.next;
      if (at + 10 > message.length) throw new DnsWireError('a record runs past the end of the message');
      const type = v.getUint16(at);
      const length = v.getUint16(at + 8);
      records.push({
        owner: owner.labels,
        name: nameText(owner.labels),
        type,
        klass: v.getUint16(at + 2),
        ttl: v.getUint32(at + 4),
        rdata: canonicalRdata(type, message, at + 10, length),
      });
      offset = at + 10 + length;
    }
    sections.push(records);
  }
  const flags = v.getUint16(2);
  return {
    id: v.getUint16(0),
    flags,
    rcode: flags & 0x0f,
    questions,
    answers: sections[0] ?? [],
    authorities: sections[1] ?? [],
    additionals: sections[2] ?? [],
  };
}
