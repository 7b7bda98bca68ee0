// A test-only DNSSEC checker, written apart from src/lab/dns so the signer is not graded by its
// own code: it reads the raw DNS message (names, RDATA bytes as they travelled), rebuilds what an
// RRSIG signs per RFC 4034 §3.1.8.1 and verifies with node:crypto.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

export const T = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48 };

export interface WireRr {
  /** Lowercase presentation, no trailing dot. */
  owner: string;
  type: number;
  klass: number;
  ttl: number;
  rdata: Buffer;
}

export interface WireMessage {
  id: number;
  flags: number;
  rcode: number;
  answers: WireRr[];
  authorities: WireRr[];
  additionals: WireRr[];
}

/** Reads a possibly compressed name; returns its labels and the offset after it. */
function readName(message: Buffer, start: number): { labels: Buffer[]; next: number } {
  const labels: Buffer[] = [];
  let offset = start;
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    const length = message[offset];
    if (length === undefined) throw new Error('name runs past the message');
    if (length === 0) return { labels, next: next === -1 ? offset + 1 : next };
    if ((length & 0xc0) === 0xc0) {
      if (next === -1) next = offset + 2;
      offset = message.readUInt16BE(offset) & 0x3fff;
      continue;
    }
    labels.push(message.subarray(offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new Error('name pointer loop');
}

const text = (labels: Buffer[]): string => labels.map((l) => l.toString('latin1').toLowerCase()).join('.');

/** Canonical wire form of a name: lowercase labels, no compression. */
export function canonicalName(name: string): Buffer {
  const parts = name === '' || name === '.' ? [] : name.replace(/\.$/, '').toLowerCase().split('.');
  return Buffer.concat([
    ...parts.flatMap((p) => [Buffer.from([p.length]), Buffer.from(p, 'latin1')]),
    Buffer.from([0]),
  ]);
}

export function parseMessage(message: Buffer): WireMessage {
  const counts = [4, 6, 8, 10].map((at) => message.readUInt16BE(at));
  let offset = 12;
  for (let i = 0; i < (counts[0] ?? 0); i++) offset = readName(message, offset).next + 4;
  const sections: WireRr[][] = [];
  for (const count of counts.slice(1)) {
    const rrs: WireRr[] = [];
    for (let i = 0; i < count; i++) {
      const name = readName(message, offset);
      offset = name.next;
      const type = message.readUInt16BE(offset);
      const klass = message.readUInt16BE(offset + 2);
      const ttl = message.readUInt32BE(offset + 4);
      const length = message.readUInt16BE(offset + 8);
      rrs.push({
        owner: text(name.labels),
        type,
        klass,
        ttl,
        rdata: message.subarray(offset + 10, offset + 10 + length),
      });
      offset += 10 + length;
    }
    sections.push(rrs);
  }
  const flags = message.readUInt16BE(2);
  return {
    id: message.readUInt16BE(0),
    flags,
    rcode: flags & 0x0f,
    answers: sections[0] ?? [],
    authorities: sections[1] ?? [],
    additionals: sections[2] ?? [],
  };
}

export interface Rrsig {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signer: string;
  /** RDATA up to the signature, signer in canonical form: the first part of the signed data. */
  head: Buffer;
  signature: Buffer;
}

export function parseRrsig(rdata: Buffer): Rrsig {
  const signer = readName(rdata, 18);
  const signerName = text(signer.labels);
  return {
    typeCovered: rdata.readUInt16BE(0),
    algorithm: rdata[2] ?? 0,
    labels: rdata[3] ?? 0,
    originalTtl: rdata.readUInt32BE(4),
    expiration: rdata.readUInt32BE(8),
    inception: rdata.readUInt32BE(12),
    keyTag: rdata.readUInt16BE(16),
    signer: signerName,
    head: Buffer.concat([rdata.subarray(0, 18), canonicalName(signerName)]),
    signature: rdata.subarray(signer.next),
  };
}

export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  key: Buffer;
  rdata: Buffer;
  tag: number;
}

export function parseDnskey(rdata: Buffer): Dnskey {
  // RFC 4034 Appendix B, written out here independently of the code under test.
  let sum = 0;
  for (let i = 0; i + 1 < rdata.length; i += 2) sum += rdata.readUInt16BE(i);
  if (rdata.length % 2) sum += (rdata[rdata.length - 1] ?? 0) << 8;
  const tag = (sum + (sum >>> 16)) & 0xffff;
  return {
    flags: rdata.readUInt16BE(0),
    protocol: rdata[2] ?? 0,
    algorithm: rdata[3] ?? 0,
    key: rdata.subarray(4),
    rdata,
    tag,
  };
}

export function parseDs(rdata: Buffer): { keyTag: number; algorithm: number; digestType: number; digest: Buffer } {
  return {
    keyTag: rdata.readUInt16BE(0),
    algorithm: rdata[2] ?? 0,
    digestType: rdata[3] ?? 0,
    digest: rdata.subarray(4),
  };
}

export function parseNsec(rdata: Buffer): { next: string; types: number[] } {
  const next = readName(rdata, 0);
  const types: number[] = [];
  let offset = next.next;
  while (offset < rdata.length) {
    const window = rdata[offset] ?? 0;
    const length = rdata[offset + 1] ?? 0;
    for (let i = 0; i < length; i++) {
      const byte = rdata[offset + 2 + i] ?? 0;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push(window * 256 + i * 8 + bit);
    }
    offset += 2 + length;
  }
  return { next: text(next.labels), types };
}

/** SHA-256 DS digest: owner's canonical name, then the DNSKEY RDATA. */
export function dsDigestOf(owner: string, dnskey: Dnskey): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([canonicalName(owner), dnskey.rdata]))
    .digest();
}

function publicKey(dnskey: Dnskey): KeyObject {
  if (dnskey.algorithm === 13) {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: dnskey.key.subarray(0, 32).toString('base64url'),
        y: dnskey.key.subarray(32, 64).toString('base64url'),
      },
      format: 'jwk',
    });
  }
  if (dnskey.algorithm === 8) {
    // RFC 3110: exponent length (1 byte, or 0 then 2 bytes), exponent, modulus.
    let at = 1;
    let length = dnskey.key[0] ?? 0;
    if (length === 0) {
      length = dnskey.key.readUInt16BE(1);
      at = 3;
    }
    const e = dnskey.key.subarray(at, at + length);
    const n = dnskey.key.subarray(at + length);
    return createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
      format: 'jwk',
    });
  }
  throw new Error(`algorithm ${dnskey.algorithm} not checked here`);
}

/** The bytes an RRSIG signs, rebuilt from the records as received. */
export function signedBytes(sig: Rrsig, rrset: readonly WireRr[]): Buffer {
  const rdatas = [...new Map(rrset.map((rr) => [rr.rdata.toString('hex'), rr.rdata])).values()].sort(Buffer.compare);
  const parts: Buffer[] = [sig.head];
  for (const rdata of rdatas) {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(sig.typeCovered, 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(sig.originalTtl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    parts.push(canonicalName(rrset[0]?.owner ?? ''), fixed, rdata);
  }
  return Buffer.concat(parts);
}

/** Cryptographic check only (the validity window is the caller's to judge). */
export function verifyRrsig(sigRr: WireRr, rrset: readonly WireRr[], keys: readonly Dnskey[]): boolean {
  const sig = parseRrsig(sigRr.rdata);
  const key = keys.find((k) => k.tag === sig.keyTag && k.algorithm === sig.algorithm);
  if (!key) throw new Error(`no DNSKEY with tag ${sig.keyTag}`);
  const data = signedBytes(sig, rrset);
  if (sig.algorithm === 13) {
    return verify('sha256', data, { key: publicKey(key), dsaEncoding: 'ieee-p1363' }, sig.signature);
  }
  return verify('sha256', data, publicKey(key), sig.signature);
}

/** RRsets of a section (owner + type), RRSIGs grouped with what they cover. */
export function rrsets(
  section: readonly WireRr[],
): { owner: string; type: number; records: WireRr[]; sigs: WireRr[] }[] {
  const sets = new Map<string, { owner: string; type: number; records: WireRr[]; sigs: WireRr[] }>();
  const get = (owner: string, type: number) => {
    const key = `${owner} ${type}`;
    let set = sets.get(key);
    if (!set) {
      set = { owner, type, records: [], sigs: [] };
      sets.set(key, set);
    }
    return set;
  };
  for (const rr of section) {
    if (rr.type === T.RRSIG) get(rr.owner, parseRrsig(rr.rdata).typeCovered).sigs.push(rr);
    else get(rr.owner, rr.type).records.push(rr);
  }
  return [...sets.values()];
}

/** RFC 4034 §6.1 order, reimplemented for the checks on NSEC spans. */
export function canonicalCompare(a: string, b: string): number {
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const order = Buffer.compare(Buffer.from(la[i] ?? '', 'latin1'), Buffer.from(lb[i] ?? '', 'latin1'));
    if (order !== 0) return order;
  }
  return la.length - lb.length;
}

/** Whether an NSEC at owner with this next name proves the name absent (next wraps to the apex). */
export function nsecCovers(owner: string, next: string, name: string): boolean {
  if (canonicalCompare(owner, name) >= 0) return false;
  return canonicalCompare(next, owner) <= 0 || canonicalCompare(name, next) < 0;
}

export interface AskOptions {
  do?: boolean;
  /** EDNS payload size; undefined sends no OPT record at all. */
  payload?: number;
  cd?: boolean;
}

export function buildQuery(name: string, type: number, options: AskOptions, id = 0x5151): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100 | (options.cd ? 0x0010 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(options.payload === undefined ? 0 : 1, 10);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(type, 0);
  question.writeUInt16BE(1, 2);
  const parts = [header, canonicalName(name), question];
  if (options.payload !== undefined) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(options.payload, 3);
    opt.writeUInt16BE(options.do ? 0x8000 : 0, 7);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

export function askUdp(port: number, query: Buffer, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('UDP query timed out'));
    }, timeoutMs);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.send(query, port, '127.0.0.1');
  });
}

export function askTcp(port: number, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        socket.destroy();
        resolve(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
      }
    });
    socket.on('connect', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
  });
}
