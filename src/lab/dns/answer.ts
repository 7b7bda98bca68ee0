// How the lab's authoritative server answers one query: pure bytes in, bytes out, so every
// malformed or hostile query can be tested without sockets.
import * as packet from 'dns-packet';
import { compareCanonical } from './canonical';
import type { CompiledZone, StoredRecord, ZoneRecordType } from './zone';

/** The payload size this server advertises in its own OPT record. */
export const SERVER_UDP_SIZE = 1232;
const MAX_UDP_SIZE = 4096;
const MAX_TCP_SIZE = 65535;
/** CNAME steps followed inside a zone before giving up (loops end sooner, by the visited set). */
const MAX_CHAIN = 16;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = (typeof RCODE)[keyof typeof RCODE];

export type Transport = 'udp' | 'tcp';

interface Lookup {
  rcode: Rcode;
  answers: packet.Answer[];
  authorities: packet.Answer[];
}

/** `owner` names a record a wildcard synthesised for the name asked (RFC 4592). */
function toAnswer(record: StoredRecord, ttl = record.ttl, owner = record.name): packet.Answer {
  // The stored data was shaped for this type by compileZone; the union cannot be narrowed per type here.
  return { name: owner, type: record.type, class: 'IN', ttl, data: record.data } as packet.Answer;
}

function negativeTtl(zone: CompiledZone): number | undefined {
  const soa = zone.soa;
  if (!soa) return undefined;
  const minimum = typeof soa.data === 'object' && 'minimum' in soa.data ? (soa.data.minimum ?? soa.ttl) : soa.ttl;
  // RFC 2308: a negative answer is cached for the lesser of the SOA's TTL and its minimum field.
  return Math.min(soa.ttl, minimum);
}

/** The RRSIGs at a node covering one type (RFC 4035 §3.1.1: they travel with their RRset). */
function signaturesFor(node: Map<ZoneRecordType, StoredRecord[]> | undefined, type: string): StoredRecord[] {
  return (node?.get('RRSIG') ?? []).filter((sig) => (sig.data as packet.RrsigData).typeCovered === type);
}

/** Appends an RRset and, when DNSSEC records were asked for, the signatures over it. */
function pushRrset(
  out: packet.Answer[],
  node: Map<ZoneRecordType, StoredRecord[]> | undefined,
  records: readonly StoredRecord[],
  dnssec: boolean,
  ttl?: number,
  owner?: string,
): void {
  const first = records[0];
  if (!first) return;
  for (const r of records) out.push(toAnswer(r, ttl ?? r.ttl, owner));
  if (dnssec) for (const sig of signaturesFor(node, first.type)) out.push(toAnswer(sig, ttl ?? sig.ttl, owner));
}

/** The closest existing ancestor of a name absent from the zone (the origin at worst). */
function closestEncloser(zone: CompiledZone, name: string): string {
  let encloser = name;
  while (encloser !== zone.origin && encloser.includes('.') && !zone.existing.has(encloser))
    encloser = encloser.slice(encloser.indexOf('.') + 1);
  return encloser;
}

/** The NSEC owner that covers a name absent from the zone: the last owner before it in canonical order. */
function coveringOwner(zone: CompiledZone, name: string): string | undefined {
  const owners = zone.nsecOwners;
  let low = 0;
  let high = owners.length - 1;
  let found: string | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const owner = owners[mid] as string;
    if (compareCanonical(owner, name) <= 0) {
      found = owner;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  // Names sort after their zone's apex, so this only misses when the zone has no NSEC chain.
  return found ?? owners[owners.length - 1];
}

/**
 * The authority section of NXDOMAIN and NODATA: the SOA and, for a signed zone asked with DO,
 * the NSEC records that prove the denial (RFC 4035 §3.1.3) with their signatures.
 */
function negativeAuthority(zone: CompiledZone, name: string, nxdomain: boolean, dnssec: boolean): packet.Answer[] {
  const soa = zone.soa;
  const out: packet.Answer[] = [];
  const ttl = negativeTtl(zone);
  if (soa) pushRrset(out, zone.names.get(zone.origin), [soa], dnssec, ttl);
  if (!dnssec || zone.nsecOwners.length === 0) return out;
  const owners = new Set<string>();
  if (!nxdomain && zone.names.get(name)?.has('NSEC')) {
    // NODATA at a name with records: its own NSEC shows the type is missing.
    owners.add(name);
  } else {
    // NXDOMAIN, or NODATA at an empty non-terminal: the NSEC whose span covers the name.
    const covering = coveringOwner(zone, name);
    if (covering) owners.add(covering);
  }
  if (nxdomain) {
    // And no wildcard at the closest encloser could have answered instead.
    const wildcard = coveringOwner(zone, `*.${closestEncloser(zone, name)}`);
    if (wildcard) owners.add(wildcard);
  }
  for (const owner of owners) {
    const node = zone.names.get(owner);
    pushRrset(out, node, node?.get('NSEC') ?? [], true);
  }
  return out;
}

/** The zone with the longest origin that contains the name. */
export function findZone(zones: readonly CompiledZone[], name: string): CompiledZone | undefined {
  let best: CompiledZone | undefined;
  for (const zone of zones) {
    if (
      (name === zone.origin || name.endsWith(`.${zone.origin}`)) &&
      (!best || zone.origin.length > best.origin.length)
    ) {
      best = zone;
    }
  }
  return best;
}

export interface LookupOptions {
  /** The query's EDNS DO bit: include RRSIGs, and NSEC proofs in negative answers. */
  dnssec?: boolean;
  /**
   * Names under no served zone: refused, as an authoritative server does, or nonexistent, as a
   * resolver of a simulated internet that holds nothing else answers them.
   */
  outside?: 'refuse' | 'nxdomain';
}

/** The SOA of the top-level zone a name outside every served zone falls under (the root for the root). */
function outsideSoa(name: string): packet.Answer {
  const top = name.slice(name.lastIndexOf('.') + 1);
  const server = top === '' ? 'a.root-servers.lab' : `a.nic.${top}`;
  return {
    name: top === '' ? '.' : top,
    type: 'SOA',
    class: 'IN',
    ttl: 900,
    data: {
      mname: server,
      rname: `hostmaster.${server}`,
      serial: 1,
      refresh: 1800,
      retry: 900,
      expire: 604800,
      minimum: 86400,
    },
  };
}

/** An answer from outside the served zones: only the top-level zone exists, holding its SOA. */
function lookupOutside(name: string, qtype: string): Lookup {
  const soa = outsideSoa(name);
  const isTop = !name.includes('.');
  if (isTop && qtype === 'SOA') return { rcode: RCODE.NOERROR, answers: [soa], authorities: [] };
  return { rcode: isTop ? RCODE.NOERROR : RCODE.NXDOMAIN, answers: [], authorities: [soa] };
}

export function lookup(
  zones: readonly CompiledZone[],
  qname: string,
  qtype: string,
  options: LookupOptions = {},
): Lookup {
  const dnssec = options.dnssec === true;
  const name0 = qname.replace(/\.$/, '').toLowerCase();
  let zone = findZone(zones, name0);
  if (!zone) {
    if (options.outside === 'nxdomain') return lookupOutside(name0, qtype);
    return { rcode: RCODE.REFUSED, answers: [], authorities: [] };
  }
  const answers: packet.Answer[] = [];
  if (qtype === 'DS' && name0 === zone.origin && zone.ds.length > 0) {
    // The parent's DS RRset for this zone (the lab plays the parent too).
    for (const r of zone.ds) if (r.type === 'DS' || dnssec) answers.push(toAnswer(r));
    return { rcode: RCODE.NOERROR, answers, authorities: [] };
  }
  const visited = new Set<string>([name0]);
  let name = name0;
  for (let step = 0; step <= MAX_CHAIN; step++) {
    let node = zone.names.get(name);
    // A name that does not exist takes the records of the wildcard at its closest encloser.
    const synthesised = !node && !zone.existing.has(name);
    if (synthesised) node = zone.names.get(`*.${closestEncloser(zone, name)}`);
    const owner = synthesised ? name : undefined;
    if (!node) {
      const nxdomain = !zone.existing.has(name);
      return {
        rcode: nxdomain ? RCODE.NXDOMAIN : RCODE.NOERROR,
        answers,
        authorities: negativeAuthority(zone, name, nxdomain, dnssec),
      };
    }
    if (qtype === 'ANY') {
      // Without DO, signatures stay out unless asked for by type (RFC 4035 §3.1.1).
      for (const [type, records] of node) {
        if (type !== 'RRSIG' || dnssec) for (const r of records) answers.push(toAnswer(r, r.ttl, owner));
      }
      return { rcode: RCODE.NOERROR, answers, authorities: [] };
    }
    const records = node.get(qtype as ZoneRecordType);
    if (records && records.length > 0) {
      pushRrset(answers, node, records, dnssec && qtype !== 'RRSIG', undefined, owner);
      return { rcode: RCODE.NOERROR, answers, authorities: [] };
    }
    const cname = node.get('CNAME')?.[0];
    if (!cname || qtype === 'CNAME') {
      return { rcode: RCODE.NOERROR, answers, authorities: negativeAuthority(zone, name, false, dnssec) };
    }
    pushRrset(answers, node, [cname], dnssec, undefined, owner);
    const target = String(cname.data);
    // The lab plays the recursive resolver too: a chain leading into another zone it serves is
    // followed there, as a resolver would; never twice through the same name.
    const next = findZone(zones, target);
    if (!next && !visited.has(target) && options.outside === 'nxdomain') {
      // A chain into names that do not exist ends NXDOMAIN with the alias kept (RFC 6604).
      return { ...lookupOutside(target, qtype), answers };
    }
    if (visited.has(target) || !next) break;
    visited.add(target);
    zone = next;
    name = target;
  }
  return { rcode: RCODE.NOERROR, answers, authorities: [] };
}

/** A header-only reply (FORMERR, NOTIMP) for a query too broken to echo. */
function bareReply(query: Buffer, rcode: Rcode): Buffer {
  const reply = Buffer.alloc(12);
  reply.writeUInt16BE(query.readUInt16BE(0), 0);
  const flags = query.readUInt16BE(2);
  // QR set; opcode and RD copied from the query; our rcode.
  reply.writeUInt16BE(0x8000 | (flags & 0x7800) | (flags & 0x0100) | rcode, 2);
  return reply;
}

function encodeWithin(response: packet.Packet, limit: number): Buffer {
  const full = packet.encode(response);
  if (full.length <= limit) return full;
  const opt = (response.additionals ?? []).filter((a) => a.type === 'OPT');
  const flags = (response.flags ?? 0) | packet.TRUNCATED_RESPONSE;
  if (limit < MAX_TCP_SIZE) {
    // UDP: an empty truncated answer tells the client to ask again over TCP.
    return packet.encode({ ...response, flags, answers: [], authorities: [], additionals: opt });
  }
  // TCP has nowhere else to go: keep as many whole answers as fit.
  const answers = response.answers ?? [];
  let low = 0;
  let high = answers.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const size = packet.encodingLength({
      ...response,
      answers: answers.slice(0, mid),
      authorities: [],
      additionals: opt,
    });
    if (size <= limit) low = mid;
    else high = mid - 1;
  }
  return packet.encode({ ...response, flags, answers: answers.slice(0, low), authorities: [], additionals: opt });
}

/**
 * The reply to one query packet, or null when nothing should be sent (not a query, or too short
 * to carry an id). Never throws.
 */
export function answerQuery(
  zones: readonly CompiledZone[],
  bytes: Buffer,
  transport: Transport,
  outside: LookupOptions['outside'] = 'refuse',
): Buffer | null {
  if (bytes.length < 12) return null;
  // Never answer a response: two servers would bounce packets forever.
  if ((bytes[2] ?? 0) & 0x80) return null;
  const opcode = ((bytes[2] ?? 0) >> 3) & 0x0f;
  if (opcode !== 0) return bareReply(bytes, RCODE.NOTIMP);
  let query: packet.DecodedPacket;
  try {
    query = packet.decode(bytes);
  } catch {
    return bareReply(bytes, RCODE.FORMERR);
  }
  const questions = (query.questions ?? []).filter((q) => q !== undefined);
  const question = questions[0];
  if (questions.length !== 1 || !question) return bareReply(bytes, RCODE.FORMERR);
  // A name that decoded to text the encoder would write back longer (invalid UTF-8) is not echoed.
  if (question.name.split('.').some((label) => Buffer.byteLength(label) > 63)) return bareReply(bytes, RCODE.FORMERR);

  const opt = (query.additionals ?? []).find((a): a is packet.OptAnswer => a?.type === 'OPT');
  const additionals: packet.Answer[] = [];
  let result: Lookup;
  let extendedRcode = 0;
  if (opt && opt.ednsVersion > 0) {
    // BADVERS (16): only EDNS version 0 exists.
    result = { rcode: RCODE.NOERROR, answers: [], authorities: [] };
    extendedRcode = 1;
  } else if (question.class !== 'IN') {
    result = { rcode: RCODE.REFUSED, answers: [], authorities: [] };
  } else {
    result = lookup(zones, question.name, question.type, { dnssec: opt?.flag_do === true, outside });
  }
  if (opt) {
    additionals.push({
      type: 'OPT',
      name: '.',
      udpPayloadSize: SERVER_UDP_SIZE,
      extendedRcode,
      ednsVersion: 0,
      // The DO bit is echoed (RFC 3225); it decides whether RRSIGs and NSEC proofs are sent.
      flags: opt.flag_do ? packet.DNSSEC_OK : 0,
      flag_do: opt.flag_do,
      options: [],
    });
  }
  const recursionDesired = query.flag_rd ? packet.RECURSION_DESIRED : 0;
  // RFC 4035 §3.1.6: CD is copied. AD is never set: an authoritative server vouches, it does not validate.
  const checkingDisabled = query.flag_cd ? packet.CHECKING_DISABLED : 0;
  const authoritative = result.rcode === RCODE.REFUSED ? 0 : packet.AUTHORITATIVE_ANSWER;
  const response: packet.Packet = {
    type: 'response',
    id: query.id ?? 0,
    // dns-packet ignores a top-level rcode when encoding: it has to be in the flags.
    flags: authoritative | recursionDesired | checkingDisabled | result.rcode,
    questions: [question],
    answers: result.answers,
    authorities: result.authorities,
    additionals,
  };
  const limit =
    transport === 'tcp' ? MAX_TCP_SIZE : opt ? Math.min(Math.max(opt.udpPayloadSize, 512), MAX_UDP_SIZE) : 512;
  try {
    return encodeWithin(response, limit);
  } catch {
    // A question dns-packet decoded but cannot re-encode (a label over 63 bytes, say).
    return bareReply(bytes, RCODE.FORMERR);
  }
}
