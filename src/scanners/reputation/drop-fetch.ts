// Fetching Spamhaus' DROP files from the spamhausDrop endpoint (www.spamhaus.org/drop, or the
// lab's copy): each file answered is kept as evidence and read; a file that cannot be fetched or
// read leaves its list "not checked" for the addresses it covers.
import ipaddr from 'ipaddr.js';
import type { JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent } from '../../shared/scanner';
import { errorText } from '../dns/queries';
import { type DropBlock, parseDropList } from './drop-list';
import { DEFAULT_DROP_FILES } from './manifest';

export interface DropSource {
  file: string;
  /** The list's name as findings give it: Spamhaus DROP, Spamhaus EDROP. */
  list: string;
  /** The addresses the file covers. */
  family: 'ipv4' | 'ipv6' | 'any';
  url: string;
  /** The evidence holding the answer, when one came. */
  ref?: string;
  blocks: DropBlock[];
  /** Why the file could not be used, when it could not. */
  failure?: string;
  /** Why the file may not hold every block (it was cut): its blocks prove listings, not their absence. */
  partial?: string;
}

const KNOWN: Readonly<Record<string, { list: string; family: DropSource['family'] }>> = {
  'drop.txt': { list: 'Spamhaus DROP', family: 'ipv4' },
  'edrop.txt': { list: 'Spamhaus EDROP', family: 'ipv4' },
  'drop_v6.txt': { list: 'Spamhaus DROPv6', family: 'ipv6' },
  // Since 2024 the JSON file for IPv4 holds EDROP's blocks too.
  'drop_v4.json': { list: 'Spamhaus DROP', family: 'ipv4' },
  'drop_v6.json': { list: 'Spamhaus DROPv6', family: 'ipv6' },
};

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_FILES = 10;
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

/** The file names from the option: plain names only (they become a URL path), at most ten. */
export function dropFileNames(option: JsonValue | undefined): string[] {
  if (!Array.isArray(option)) return [...DEFAULT_DROP_FILES];
  const names = option.filter((v): v is string => typeof v === 'string' && FILE_NAME.test(v) && !v.includes('..'));
  return [...new Set(names)].slice(0, MAX_FILES);
}

/** Whether a file speaks about an address (DROPv6 says nothing about an IPv4 address). */
export function covers(source: DropSource, ip: string): boolean {
  return source.family === 'any' || ipaddr.process(ip).kind() === source.family;
}

/** Fetches and reads each file in turn, yielding its evidence; returns what each file gave. */
export async function* fetchDropFiles(
  files: readonly string[],
  ctx: ScanContext,
): AsyncGenerator<ScanEvent, DropSource[]> {
  const sources: DropSource[] = [];
  if (files.length === 0) return sources;
  const base = ctx.net.endpoint('spamhausDrop').replace(/\/+$/, '');
  for (const [index, file] of files.entries()) {
    const known = KNOWN[file] ?? { list: `Spamhaus ${file}`, family: 'any' };
    const url = `${base}/${file}`;
    const source: DropSource = { file, ...known, url, blocks: [] };
    sources.push(source);
    let response: Awaited<ReturnType<ScanContext['net']['http']>>;
    try {
      response = await ctx.net.http({
        url,
        maxBodyBytes: MAX_BODY_BYTES,
        timeoutMs: FETCH_TIMEOUT_MS,
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      source.failure = `${file} could not be fetched: ${errorText(error).slice(0, 300)}`;
      continue;
    }
    const text = Buffer.from(response.body).toString('utf8');
    source.ref = `drop:${index + 1}:${file}`;
    yield {
      kind: 'evidence',
      ref: source.ref,
      mediaType: file.endsWith('.json') ? 'application/x-ndjson' : 'text/plain; charset=utf-8',
      source: url.slice(0, 2048),
      encoding: 'utf8',
      content: text,
    };
    if (response.status !== 200) {
      source.failure = `${file} was answered with HTTP ${response.status}`;
      continue;
    }
    if (response.bodyTruncated) source.partial = `${file} was cut at ${response.body.byteLength} bytes`;
    const parsed = parseDropList(text);
    if (parsed.blocks.length === 0 && parsed.skipped > 0) {
      source.failure = `${file} holds no DROP block (${parsed.skipped} line(s) of another shape)`;
      continue;
    }
    if (parsed.skipped > 0) ctx.log.warn(`${file}: ${parsed.skipped} line(s) that are not DROP blocks were skipped`);
    source.blocks = parsed.blocks;
  }
  return sources;
}
