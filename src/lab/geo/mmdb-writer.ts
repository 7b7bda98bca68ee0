// A MaxMind DB (format 2.0) writer for the lab's GeoIP database: a binary search tree over the
// IPv6 space (IPv4 at ::/96, with ::ffff:0:0/96 aliased to it as MaxMind's own databases do), a
// data section in MaxMind's types, and the metadata map after the "\xAB\xCD\xEFMaxMind.com" marker.
// Records take the GeoLite2-City shape plus GeoLite2-ASN's fields, so one file answers both.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import type * as z from 'zod';
import { GeoEntry } from '../scenario/schema';

/** A value whose MaxMind type is stated rather than inferred from the JavaScript value. */
export class MmdbTyped {
  constructor(
    readonly type: 'double' | 'float' | 'uint16' | 'uint32' | 'int32' | 'uint64' | 'uint128',
    readonly value: number | bigint,
  ) {}
}

/**
 * A data-section value. Inference: strings are utf8_string, booleans boolean, Buffers bytes,
 * bigints uint64 (uint128 when larger), whole numbers 0..2^32-1 uint32, other whole numbers in
 * int32 range int32, every other number double. Use MmdbTyped (or `mmdb.double` etc.) to choose.
 */
export type MmdbValue = string | number | bigint | boolean | Buffer | MmdbTyped | MmdbValue[] | MmdbMap;
export interface MmdbMap {
  [key: string]: MmdbValue;
}

export const mmdb = {
  double: (value: number): MmdbTyped => new MmdbTyped('double', value),
  float: (value: number): MmdbTyped => new MmdbTyped('float', value),
  uint16: (value: number): MmdbTyped => new MmdbTyped('uint16', value),
  uint32: (value: number): MmdbTyped => new MmdbTyped('uint32', value),
  int32: (value: number): MmdbTyped => new MmdbTyped('int32', value),
  uint64: (value: number | bigint): MmdbTyped => new MmdbTyped('uint64', value),
  uint128: (value: number | bigint): MmdbTyped => new MmdbTyped('uint128', value),
};

/** One network and the record stored for it, as is (the "raw record" form). */
export interface MmdbNetwork {
  network: string;
  record: MmdbMap;
}

export interface MmdbOptions {
  databaseType?: string;
  /** English description, or a map of language code to description. */
  description?: string | Record<string, string>;
  languages?: string[];
  /** Seconds since 1970, or a Date (default: now). */
  buildEpoch?: number | Date;
  /** Bits per tree record; by default 28, or 32 when the tree and data outgrow 28 bits. */
  recordSize?: 24 | 28 | 32;
  /** 6 (default): IPv4 lives at ::/96. 4: an IPv4-only tree, as some DB-IP files are. */
  ipVersion?: 4 | 6;
}

export const LAB_DATABASE_TYPE = 'Tracegraph-Lab-City-ASN';
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const DATA_SEPARATOR = 16;

// ---------------------------------------------------------------------------------------------
// Data section encoding

const TYPE = {
  pointer: 1,
  utf8: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/** A growable byte buffer: one allocation per doubling instead of one per value. */
class Sink {
  private buffer = Buffer.allocUnsafe(4096);
  length = 0;

  /** Reserves bytes and returns where they start; callers take `this.buffer` only after, as it may move. */
  private room(extra: number): number {
    const at = this.length;
    if (at + extra > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, at + extra));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.length += extra;
    return at;
  }

  byte(value: number): void {
    const at = this.room(1);
    this.buffer[at] = value;
  }

  /** An unsigned big-endian integer of 1 to 6 bytes. */
  uint(value: number, bytes: number): void {
    const at = this.room(bytes);
    this.buffer.writeUIntBE(value, at, bytes);
  }

  bytes(value: Uint8Array): void {
    const at = this.room(value.length);
    this.buffer.set(value, at);
  }

  utf8(value: string, byteLength: number): void {
    const at = this.room(byteLength);
    this.buffer.write(value, at, 'utf8');
  }

  double(value: number): void {
    const at = this.room(8);
    this.buffer.writeDoubleBE(value, at);
  }

  float(value: number): void {
    const at = this.room(4);
    this.buffer.writeFloatBE(value, at);
  }

  int32(value: number): void {
    const at = this.room(4);
    this.buffer.writeInt32BE(value, at);
  }

  result(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

/** Control byte(s) for a type and payload size (sizes 29+ take 1-3 extra bytes). */
function control(out: Sink, type: number, size: number): void {
  if (size < 0 || size >= 65821 + 2 ** 24) throw new Error(`a value of ${size} items or bytes is too large`);
  const bits = size < 29 ? size : size < 285 ? 29 : size < 65821 ? 30 : 31;
  // Types above 7 are "extended": type bits 0, then a byte holding type - 7.
  if (type <= 7) out.byte((type << 5) | bits);
  else {
    out.byte(bits);
    out.byte(type - 7);
  }
  if (bits === 29) out.uint(size - 29, 1);
  else if (bits === 30) out.uint(size - 285, 2);
  else if (bits === 31) out.uint(size - 65821, 3);
}

/** Bytes a pointer to a data-section offset takes, in the shortest of its four sizes. */
function pointerLength(offset: number): number {
  return offset < 2048 ? 2 : offset < 526336 ? 3 : offset < 134744064 ? 4 : 5;
}

function pointer(out: Sink, offset: number): void {
  const length = pointerLength(offset);
  if (length === 2) out.uint(0x2000 | offset, 2);
  else if (length === 3) out.uint(0x280000 | (offset - 2048), 3);
  else if (length === 4) out.uint(0x30000000 + (offset - 526336), 4);
  else {
    out.byte(0x38);
    out.uint(offset, 4);
  }
}

/** The shortest big-endian form of an unsigned integer (zero takes no bytes). */
function unsignedBytes(value: number | bigint, maxBytes: number, what: string): Uint8Array {
  let n = BigInt(value);
  if (n < 0n || n >= 1n << BigInt(maxBytes * 8)) throw new Error(`${value} does not fit a ${what}`);
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return Uint8Array.from(bytes);
}

function isMap(value: MmdbValue): value is MmdbMap {
  return typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof MmdbTyped);
}

function typed(value: MmdbValue): MmdbValue {
  if (typeof value === 'bigint') return new MmdbTyped(value < 1n << 64n ? 'uint64' : 'uint128', value);
  if (typeof value !== 'number') return value;
  if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return new MmdbTyped('uint32', value);
  if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return new MmdbTyped('int32', value);
  return new MmdbTyped('double', value);
}

const UINT_BYTES = { uint16: 2, uint32: 4, uint64: 8, uint128: 16 } as const;

/** Scalar values (everything but maps and arrays). */
function scalar(out: Sink, value: Exclude<MmdbValue, MmdbValue[] | MmdbMap | number | bigint>): void {
  if (typeof value === 'string') {
    const length = Buffer.byteLength(value, 'utf8');
    control(out, TYPE.utf8, length);
    out.utf8(value, length);
    return;
  }
  if (typeof value === 'boolean') {
    control(out, TYPE.boolean, value ? 1 : 0);
    return;
  }
  if (Buffer.isBuffer(value)) {
    control(out, TYPE.bytes, value.length);
    out.bytes(value);
    return;
  }
  const v = value.value;
  switch (value.type) {
    case 'double':
      control(out, TYPE.double, 8);
      out.double(Number(v));
      return;
    case 'float':
      control(out, TYPE.float, 4);
      out.float(Number(v));
      return;
    case 'int32': {
      const n = Number(v);
      if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`${v} does not fit an int32`);
      control(out, TYPE.int32, 4);
      out.int32(n);
      return;
    }
    default: {
      const bytes = unsignedBytes(v, UINT_BYTES[value.type], value.type);
      control(out, TYPE[value.type], bytes.length);
      out.bytes(bytes);
    }
  }
}

/**
 * A key identifying a value with its MaxMind types, so equal values share one encoding. Keys of
 * maps, arrays and typed values are remembered per object, since a record's key contains its
 * children's and each is asked for again when the child is written.
 */
function identity(value: MmdbValue, memo: WeakMap<object, string>): string {
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const t = typed(value) as MmdbTyped;
    return `${t.type}:${String(t.value)}`;
  }
  const known = memo.get(value);
  if (known !== undefined) return known;
  let key: string;
  if (Buffer.isBuffer(value)) key = `b${value.toString('hex')}`;
  else if (value instanceof MmdbTyped) key = `${value.type}:${String(value.value)}`;
  else if (Array.isArray(value)) key = `[${value.map((item) => identity(item, memo)).join(',')}]`;
  else {
    key = `{${Object.entries(value)
      .map(([k, item]) => `${JSON.stringify(k)}:${identity(item, memo)}`)
      .join(',')}}`;
  }
  memo.set(value, key);
  return key;
}

/**
 * Appends values to a data section. A value written before is replaced by a pointer to it when
 * the pointer is shorter, so repeated map keys and shared sub-maps (a country) are stored once.
 */
class DataWriter {
  private readonly out = new Sink();
  private readonly seen = new Map<string, { offset: number; length: number }>();
  private readonly memo = new WeakMap<object, string>();

  constructor(private readonly usePointers: boolean) {}

  /** Writes a top-level value, or finds the identical one already written; returns its offset. */
  record(value: MmdbMap): number {
    const earlier = this.seen.get(identity(value, this.memo));
    if (earlier) return earlier.offset;
    const offset = this.out.length;
    this.write(value);
    return offset;
  }

  write(value: MmdbValue): void {
    const key = this.usePointers ? identity(value, this.memo) : '';
    const earlier = this.usePointers ? this.seen.get(key) : undefined;
    if (earlier && pointerLength(earlier.offset) < earlier.length) {
      pointer(this.out, earlier.offset);
      return;
    }
    const v = typed(value);
    const start = this.out.length;
    if (Array.isArray(v)) {
      control(this.out, TYPE.array, v.length);
      for (const item of v) this.write(item);
    } else if (isMap(v)) {
      const entries = Object.entries(v);
      control(this.out, TYPE.map, entries.length);
      for (const [k, item] of entries) {
        this.write(k);
        this.write(item);
      }
    } else {
      scalar(this.out, v as Exclude<MmdbValue, MmdbValue[] | MmdbMap | number | bigint>);
    }
    if (this.usePointers && !earlier) this.seen.set(key, { offset: start, length: this.out.length - start });
  }

  get length(): number {
    return this.out.length;
  }

  bytes(): Buffer {
    return this.out.result();
  }
}

// ---------------------------------------------------------------------------------------------
// Search tree

const EMPTY = -1;
/** Slots hold a node index (>= 0), EMPTY, or a record as -(2 + record index). */
const leaf = (record: number): number => -(2 + record);
const isLeaf = (slot: number): boolean => slot <= -2;

interface Prefix {
  /** 16 bytes (IPv6 tree) or 4 (IPv4 tree). */
  bytes: Uint8Array;
  length: number;
}

const bitAt = (bytes: Uint8Array, index: number): 0 | 1 =>
  (((bytes[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) as 0 | 1;

/** Where a network sits in the tree; IPv4 (and IPv4-mapped IPv6) goes to ::a.b.c.d/96+n in an IPv6 tree. */
function prefixOf(network: string, ipVersion: 4 | 6): Prefix {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(network);
  } catch {
    throw new Error(`"${network}" is not a network in CIDR form (such as 192.0.2.0/24)`);
  }
  let [address, length] = parsed;
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && length >= 96) {
    address = (address as ipaddr.IPv6).toIPv4Address();
    length -= 96;
  }
  if (address.kind() === 'ipv4') {
    const v4 = Uint8Array.from(address.toByteArray());
    if (ipVersion === 4) return { bytes: v4, length };
    const bytes = new Uint8Array(16);
    bytes.set(v4, 12);
    return { bytes, length: length + 96 };
  }
  if (ipVersion === 4) throw new Error(`"${network}" is IPv6, and this database is IPv4 only`);
  return { bytes: Uint8Array.from(address.toByteArray()), length };
}

class Tree {
  readonly left: number[] = [EMPTY];
  readonly right: number[] = [EMPTY];

  private get(node: number, bit: 0 | 1): number {
    return (bit ? this.right[node] : this.left[node]) ?? EMPTY;
  }

  private set(node: number, bit: 0 | 1, slot: number): void {
    if (bit) this.right[node] = slot;
    else this.left[node] = slot;
  }

  /** A child node to descend into; an empty or record slot becomes a node whose halves keep it. */
  private descend(node: number, bit: 0 | 1): number {
    const slot = this.get(node, bit);
    if (slot >= 0) return slot;
    const created = this.left.length;
    this.left.push(slot);
    this.right.push(slot);
    this.set(node, bit, created);
    return created;
  }

  /**
   * Stores a record for a prefix. Inserting from short prefixes to long makes a more specific
   * network win inside a wider one: the wider record is pushed down around it.
   */
  insert(prefix: Prefix, record: number): void {
    if (prefix.length === 0) {
      this.left[0] = leaf(record);
      this.right[0] = leaf(record);
      return;
    }
    let node = 0;
    for (let depth = 0; depth < prefix.length - 1; depth++) node = this.descend(node, bitAt(prefix.bytes, depth));
    this.set(node, bitAt(prefix.bytes, prefix.length - 1), leaf(record));
  }

  /** The slot reached after following a prefix's bits, without changing the tree. */
  slotAt(prefix: Prefix): number {
    let slot = 0;
    for (let depth = 0; depth < prefix.length; depth++) {
      if (slot < 0) return slot;
      slot = this.get(slot, bitAt(prefix.bytes, depth));
    }
    return slot;
  }

  /** Points the slot for a prefix at an existing slot (a subtree shared, as MaxMind's aliases do). */
  alias(prefix: Prefix, target: number): void {
    let node = 0;
    for (let depth = 0; depth < prefix.length - 1; depth++) node = this.descend(node, bitAt(prefix.bytes, depth));
    const bit = bitAt(prefix.bytes, prefix.length - 1);
    // Only where no data of its own lives below: an alias never hides a network.
    if (this.get(node, bit) < 0) this.set(node, bit, target);
  }

  /** Node numbers in breadth-first order from the root (node 0); shared subtrees numbered once. */
  number(): { order: number[]; numberOf: Map<number, number> } {
    const numberOf = new Map<number, number>([[0, 0]]);
    const order = [0];
    for (let i = 0; i < order.length; i++) {
      const node = order[i] as number;
      for (const child of [this.left[node] ?? EMPTY, this.right[node] ?? EMPTY]) {
        if (child >= 0 && !numberOf.has(child)) {
          numberOf.set(child, order.length);
          order.push(child);
        }
      }
    }
    return { order, numberOf };
  }
}

function writeNode(out: Buffer, at: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  if (recordSize === 24) {
    out.writeUIntBE(left, at, 3);
    out.writeUIntBE(right, at + 3, 3);
  } else if (recordSize === 28) {
    // The middle byte holds the top four bits of each record: left's high nibble, right's low.
    out.writeUIntBE(left & 0xffffff, at, 3);
    out[at + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
    out.writeUIntBE(right & 0xffffff, at + 4, 3);
  } else {
    out.writeUInt32BE(left, at);
    out.writeUInt32BE(right, at + 4);
  }
}

/** Encodes a whole database. Later entries win over earlier ones for the same network. */
export function encodeMmdb(networks: readonly MmdbNetwork[], options: MmdbOptions = {}): Buffer {
  const ipVersion = options.ipVersion ?? 6;
  const prefixes = networks.map((entry, index) => ({ prefix: prefixOf(entry.network, ipVersion), index }));
  // Stable sort: wider networks first, so narrower ones split them; equal ones keep input order.
  prefixes.sort((a, b) => a.prefix.length - b.prefix.length);

  const data = new DataWriter(true);
  const recordOffsets = networks.map((entry) => data.record(entry.record));
  const tree = new Tree();
  for (const { prefix, index } of prefixes) tree.insert(prefix, index);
  if (ipVersion === 6) {
    // ::ffff:a.b.c.d is an IPv4 address: it answers from the IPv4 subtree, whatever covers it otherwise.
    const ipv4 = tree.slotAt({ bytes: new Uint8Array(16), length: 96 });
    const mapped = { bytes: new Uint8Array(16), length: 96 };
    mapped.bytes[10] = 0xff;
    mapped.bytes[11] = 0xff;
    if (tree.slotAt(mapped) !== ipv4) tree.alias(mapped, ipv4);
  }

  const { order, numberOf } = tree.number();
  const nodeCount = order.length;
  const dataSize = data.length;
  const largest = nodeCount + DATA_SEPARATOR + dataSize;
  const recordSize = options.recordSize ?? (largest < 2 ** 28 ? 28 : 32);
  if (largest >= 2 ** recordSize) throw new Error(`the database is too large for ${recordSize}-bit records`);
  const nodeBytes = (recordSize * 2) / 8;
  const treeBytes = Buffer.alloc(nodeCount * nodeBytes);
  const value = (slot: number): number => {
    if (slot === EMPTY) return nodeCount;
    if (isLeaf(slot)) return nodeCount + DATA_SEPARATOR + (recordOffsets[-slot - 2] as number);
    return numberOf.get(slot) as number;
  };
  order.forEach((node, n) => {
    writeNode(treeBytes, n * nodeBytes, recordSize, value(tree.left[node] ?? EMPTY), value(tree.right[node] ?? EMPTY));
  });

  const epoch = options.buildEpoch ?? new Date();
  const description =
    typeof options.description === 'object'
      ? options.description
      : { en: options.description ?? 'Tracegraph lab geolocation and ASN database' };
  const meta = new DataWriter(false);
  meta.write({
    binary_format_major_version: mmdb.uint16(2),
    binary_format_minor_version: mmdb.uint16(0),
    build_epoch: mmdb.uint64(BigInt(Math.floor(epoch instanceof Date ? epoch.getTime() / 1000 : epoch))),
    database_type: options.databaseType ?? LAB_DATABASE_TYPE,
    description,
    ip_version: mmdb.uint16(ipVersion),
    languages: options.languages ?? ['en'],
    node_count: mmdb.uint32(nodeCount),
    record_size: mmdb.uint16(recordSize),
  });
  return Buffer.concat([treeBytes, Buffer.alloc(DATA_SEPARATOR), data.bytes(), METADATA_MARKER, meta.bytes()]);
}

// ---------------------------------------------------------------------------------------------
// Lab records

export type GeoEntryInput = z.input<typeof GeoEntry>;
/** A scenario geo entry, or a network with a record written exactly as given. */
export type GeoDbEntry = GeoEntryInput | MmdbNetwork;

let regionNames: Intl.DisplayNames | undefined;
const countryNames = new Map<string, string | undefined>();

/** An English country name for an ISO code, as GeoLite2 records always carry one. */
function countryNameOf(code: string): string | undefined {
  if (countryNames.has(code)) return countryNames.get(code);
  let name: string | undefined;
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    const found = regionNames.of(code);
    name = found && found !== code ? found : undefined;
  } catch {
    name = undefined;
  }
  countryNames.set(code, name);
  return name;
}

/** A scenario entry as a GeoLite2-City record with GeoLite2-ASN's two fields beside it. */
export function geoRecord(input: GeoEntryInput): MmdbMap {
  const entry = GeoEntry.parse(input);
  const iso = entry.country.toUpperCase();
  const countryName = entry.countryName ?? countryNameOf(iso);
  const record: MmdbMap = {
    country: countryName ? { iso_code: iso, names: { en: countryName } } : { iso_code: iso },
  };
  if (entry.city) record.city = { names: { en: entry.city } };
  // Latitude and longitude are doubles in GeoLite2 even when whole.
  record.location = { latitude: mmdb.double(entry.latitude), longitude: mmdb.double(entry.longitude) };
  record.autonomous_system_number = mmdb.uint32(entry.asn);
  record.autonomous_system_organization = entry.org;
  return record;
}

/** Encodes lab entries (GeoEntry or raw records) as a MaxMind DB. */
export function encodeGeoDb(entries: readonly GeoDbEntry[], options: MmdbOptions = {}): Buffer {
  const networks = entries.map((entry): MmdbNetwork => {
    if ('record' in entry) return { network: entry.network, record: entry.record };
    return { network: entry.network, record: geoRecord(entry) };
  });
  return encodeMmdb(networks, options);
}

/**
 * Writes the lab's GeoIP database. The file appears whole or not at all (written aside, then
 * renamed), so a reader opening it meanwhile never sees half a database.
 */
export function writeGeoDb(entries: readonly GeoDbEntry[], file: string, options: MmdbOptions = {}): void {
  const bytes = encodeGeoDb(entries, options);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written, or it is gone already.
    }
    throw error;
  }
}
