// Spamhaus DROP lists as Spamhaus publishes them: the text files (drop.txt, edrop.txt,
// drop_v6.txt: ";" comment lines, then "cidr ; SBLnnn" per line) and the NDJSON files
// (drop_v4.json, drop_v6.json: one {"cidr", "sblid"} object per line, then a metadata line). One
// reader takes either, line by line, since the file came over the network and may be anything:
// it never throws, keeps what reads as a block and counts the rest.
import ipaddr from 'ipaddr.js';

export interface DropBlock {
  /** The block's network address and prefix length, canonical: 203.0.113.0/24. */
  cidr: string;
  /** The Spamhaus record (SBL id) behind the listing, when the line names one. */
  sbl: string | null;
}

export interface DropParse {
  blocks: DropBlock[];
  /** Lines that are neither comments, metadata nor blocks. */
  skipped: number;
}

/** Blocks kept at most: the real lists hold about two thousand. */
const MAX_BLOCKS = 100_000;
/** Longer lines are not DROP lines. */
const MAX_LINE = 2_000;
/**
 * Prefixes broader than these are no DROP entry (the broadest real ones are /10 or so for IPv4
 * and /19 for IPv6): a line such as 0.0.0.0/0 would list the whole internet.
 */
const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

const SBL = /^SBL\d{1,12}$/;
const V4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;
const V6_CIDR = /^[0-9a-fA-F:.]{2,45}\/\d{1,3}$/;

/** A CIDR as its network address and prefix, or undefined when it is not one a DROP list could hold. */
export function canonicalCidr(text: string): string | undefined {
  const isV4 = V4_CIDR.test(text);
  if (!isV4 && !V6_CIDR.test(text)) return undefined;
  try {
    const [address, bits] = ipaddr.parseCIDR(text);
    const kind = address.kind();
    if (isV4 !== (kind === 'ipv4') || bits < MIN_PREFIX[kind]) return undefined;
    if (isV4 && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? '')) return undefined;
    const network =
      kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
    return `${network.toString()}/${bits}`;
  } catch {
    return undefined;
  }
}

function sblOf(value: unknown): string | null {
  return typeof value === 'string' && SBL.test(value) ? value : null;
}

/** One NDJSON line: a block, metadata (ignored), or not a DROP line (undefined). */
function jsonLine(line: string): DropBlock | 'metadata' | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.type === 'metadata') return 'metadata';
  const cidr = typeof record.cidr === 'string' ? canonicalCidr(record.cidr) : undefined;
  return cidr === undefined ? undefined : { cidr, sbl: sblOf(record.sblid) };
}

/** One text line "cidr ; SBLnnn" (the comment may be missing). */
function textLine(line: string): DropBlock | undefined {
  const [head = '', ...rest] = line.split(';');
  const cidr = canonicalCidr(head.trim());
  if (cidr === undefined) return undefined;
  return { cidr, sbl: sblOf(rest.join(';').trim().split(/\s+/)[0]) };
}

/** Reads a DROP file in either format. Never throws; repeated blocks are kept once. */
export function parseDropList(text: string): DropParse {
  const blocks: DropBlock[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const block = line.length > MAX_LINE ? undefined : line.startsWith('{') ? jsonLine(line) : textLine(line);
    if (block === 'metadata') continue;
    if (block === undefined) {
      skipped++;
      continue;
    }
    if (seen.has(block.cidr) || blocks.length >= MAX_BLOCKS) continue;
    seen.add(block.cidr);
    blocks.push(block);
  }
  return { blocks, skipped };
}

/**
 * The blocks that hold an address. An IPv4-mapped IPv6 address is its IPv4 address: that is the
 * address the lists describe.
 */
export function blocksHolding(blocks: readonly DropBlock[], ip: string): DropBlock[] {
  if (!ipaddr.isValid(ip)) return [];
  const address = ipaddr.process(ip);
  return blocks.filter((block) => {
    const range = ipaddr.parseCIDR(block.cidr);
    return range[0].kind() === address.kind() && address.match(range);
  });
}
