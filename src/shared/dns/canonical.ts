// DNSSEC canonical forms (RFC 4034 §6, RFC 6840 §5.1) as bytes: the canonical RDATA of a record,
// the RRset an RRSIG covers, what it signs, key tags and the input of a DS digest. The lab's
// signer and the DNSSEC scanner's validator both build on this, so they cannot drift apart; hashing
// and signing (node:crypto) stay with them.
import { compareBytes, DnsWireError, nameWire, readName } from './name';
import { DNS_TYPE_CODES } from './types';

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A layout step: a domain name, or that many bytes of fixed fields. */
type Step = 'name' | number;

// Where names sit in the RDATA of the types on RFC 4034 §6.2's list that this app meets (RFC 6840
// §5.1 took NSEC off it). Those names are written uncompressed and lowercased; the RDATA of any
// other type is taken as it is.
const NAME_LAYOUTS = new Map<number, readonly Step[]>([
  [DNS_TYPE_CODES.NS, ['name']],
  [DNS_TYPE_CODES.CNAME, ['name']],
  [DNS_TYPE_CODES.PTR, ['name']],
  [DNS_TYPE_CODES.DNAME, ['name']],
  [DNS_TYPE_CODES.MX, [2, 'name']],
  [DNS_TYPE_CODES.SOA, ['name', 'name', 20]],
  [DNS_TYPE_CODES.SRV, [6, 'name']],
  [DNS_TYPE_CODES.RRSIG, [18, 'name']],
]);

/**
 * The canonical RDATA of the record whose RDATA is `message[start, start + length)`: embedded names
 * decompressed (pointers may reach anywhere earlier in `message`) and lowercased. Throws
 * DnsWireError when the RDATA is cut short or a name in it is malformed.
 */
export function canonicalRdata(type: number, message: Uint8Array, start: number, length: number): Uint8Array {
  const end = start + length;
  if (end > message.length) throw new DnsWireError('RDATA runs past the end of the message');
  const layout = NAME_LAYOUTS.get(type);
  if (layout === undefined) return message.slice(start, end);
  const parts: Uint8Array[] = [];
  let at = start;
  for (const step of layout) {
    if (step === 'name') {
      const name = readName(message, at);
      if (name.next > end) throw new DnsWireError('a name runs past the end of its RDATA');
      parts.push(nameWire(name.labels));
      at = name.next;
    } else {
      if (at + step > end) throw new DnsWireError('RDATA is shorter than its type requires');
      parts.push(message.subarray(at, at + step));
      at += step;
    }
  }
  parts.push(message.subarray(at, end));
  return concatBytes(parts);
}

/**
 * The owner as an RRSIG signs it (RFC 4035 §5.3.2): the name itself, or for an answer expanded
 * from a wildcard (more labels than the RRSIG's labels field) "*." and its rightmost labels.
 */
export function signedOwner(labels: readonly Uint8Array[], rrsigLabels: number): Uint8Array {
  if (rrsigLabels >= labels.length) return nameWire(labels);
  return nameWire([Uint8Array.of(0x2a), ...labels.slice(labels.length - rrsigLabels)]);
}

/**
 * The RRset part of what an RRSIG signs (RFC 4034 §3.1.8.1): each RR as owner | type | class IN |
 * original TTL | RDLENGTH | RDATA, ordered by canonical RDATA as unsigned octets (§6.3), duplicates
 * dropped. `owner` is in canonical wire form and `rdatas` canonical already.
 */
export function canonicalRrset(
  owner: Uint8Array,
  type: number,
  rdatas: readonly Uint8Array[],
  originalTtl: number,
): Uint8Array {
  const sorted = [...rdatas].sort(compareBytes);
  const parts: Uint8Array[] = [];
  let previous: Uint8Array | undefined;
  for (const rdata of sorted) {
    if (previous !== undefined && compareBytes(previous, rdata) === 0) continue;
    previous = rdata;
    const fixed = new Uint8Array(10);
    const view = new DataView(fixed.buffer);
    view.setUint16(0, type);
    view.setUint16(2, 1); // class IN
    view.setUint32(4, originalTtl >>> 0);
    view.setUint16(8, rdata.length);
    parts.push(owner, fixed, rdata);
  }
  return concatBytes(parts);
}

/** Everything an RRSIG's signature covers: its RDATA up to the signature (canonical), then the RRset. */
export function signedData(
  rrsigHead: Uint8Array,
  owner: Uint8Array,
  type: number,
  rdatas: readonly Uint8Array[],
  originalTtl: number,
): Uint8Array {
  return concatBytes([rrsigHead, canonicalRrset(owner, type, rdatas, originalTtl)]);
}

/** RFC 4034 Appendix B: the key tag, a 16-bit checksum over the DNSKEY RDATA. */
export function keyTag(dnskeyRdata: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) {
    const byte = dnskeyRdata[i] as number;
    sum += i & 1 ? byte : byte << 8;
  }
  sum += (sum >>> 16) & 0xffff;
  return sum & 0xffff;
}

/** What a DS digest hashes (RFC 4034 §5.1.4): the owner's canonical name, then the DNSKEY RDATA. */
export function dsDigestInput(owner: Uint8Array, dnskeyRdata: Uint8Array): Uint8Array {
  return concatBytes([owner, dnskeyRdata]);
}
