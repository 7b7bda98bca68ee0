// Domain names on the wire: reading them (compression pointers followed, bounded), their
// canonical form and canonical order (RFC 4034 §6.1), as bytes. No Node: Uint8Array throughout.

/** A DNS message or record that cannot be read. */
export class DnsWireError extends Error {}

/** A name's labels (as sent, case kept) and the offset just after it where it was read. */
export interface ReadName {
  labels: Uint8Array[];
  next: number;
}

/**
 * Reads a possibly compressed name at `start`. Throws DnsWireError when it runs past the end,
 * exceeds 255 bytes, uses a reserved label type or loops (more pointers than a name has labels).
 */
export function readName(message: Uint8Array, start: number): ReadName {
  const labels: Uint8Array[] = [];
  let offset = start;
  let next = -1;
  let total = 1;
  let pointers = 0;
  for (;;) {
    const length = message[offset];
    if (length === undefined) throw new DnsWireError('a name runs past the end of the message');
    if (length === 0) return { labels, next: next === -1 ? offset + 1 : next };
    if (length >= 0xc0) {
      const low = message[offset + 1];
      if (low === undefined) throw new DnsWireError('a name pointer runs past the end of the message');
      if (++pointers > 127) throw new DnsWireError('a name has a compression pointer loop');
      if (next === -1) next = offset + 2;
      offset = ((length & 0x3f) << 8) | low;
      continue;
    }
    if (length > 63) throw new DnsWireError('a name has a label of a reserved type');
    total += length + 1;
    if (total > 255) throw new DnsWireError('a name is longer than 255 bytes');
    if (offset + 1 + length > message.length) throw new DnsWireError('a label runs past the end of the message');
    labels.push(message.subarray(offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
}

/** ASCII-only lowercasing of bytes: RFC 4034 §6.1 folds A-Z and nothing else. */
export function lowerBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < out.length; i++) {
    const byte = out[i] as number;
    if (byte >= 0x41 && byte <= 0x5a) out[i] = byte | 0x20;
  }
  return out;
}

/** The canonical wire form of a name: lowercase labels, uncompressed, ending with the root. */
export function nameWire(labels: readonly Uint8Array[]): Uint8Array {
  let size = 1;
  for (const label of labels) size += label.length + 1;
  const out = new Uint8Array(size);
  let at = 0;
  for (const label of labels) {
    out[at] = label.length;
    out.set(lowerBytes(label), at + 1);
    at += label.length + 1;
  }
  return out;
}

const encoder = new TextEncoder();

/** The labels of a name in text form ("www.example.com", trailing dot optional; "." or "" is the root). */
export function nameLabels(name: string): Uint8Array[] {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare === '') return [];
  return bare.split('.').map((label) => encoder.encode(label));
}

/**
 * A name as lowercase text without the trailing dot ("." for the root): printable ASCII kept,
 * anything else, a dot inside a label and the backslash as \DDD, so a label can never pass for two.
 */
export function nameText(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return '.';
  return labels
    .map((label) => {
      let out = '';
      for (const byte of lowerBytes(label)) {
        out +=
          byte > 0x20 && byte < 0x7f && byte !== 0x2e && byte !== 0x5c
            ? String.fromCharCode(byte)
            : `\\${byte.toString().padStart(3, '0')}`;
      }
      return out;
    })
    .join('.');
}

/** Unsigned byte-string order (memcmp), shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = (a[i] as number) - (b[i] as number);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * RFC 4034 §6.1 canonical order of names given as labels: labels compared from the rightmost,
 * each as a lowercase octet string; a name that runs out of labels first sorts first.
 */
export function compareNames(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const order = compareBytes(lowerBytes(a[a.length - i] as Uint8Array), lowerBytes(b[b.length - i] as Uint8Array));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** The RRSIG labels field of an owner: its labels, not counting the root or a leading wildcard. */
export function labelCount(labels: readonly Uint8Array[]): number {
  const first = labels[0];
  return first !== undefined && first.length === 1 && first[0] === 0x2a ? labels.length - 1 : labels.length;
}
