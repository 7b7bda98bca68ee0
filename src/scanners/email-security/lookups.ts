// Reading MX, DMARC and DKIM answers for one domain. Each function cites (makes evidence of) the
// answers it relies on, in a fixed order, and returns plain data for the report.
import { getDomain } from 'tldts';
import type { ScanEvent } from '../../shared/scanner';
import { cnameChain, recordsOf } from '../dns/queries';
import { nameKey, parseMx, randomLabel } from '../dns/records';
import { type DkimKey, type DkimRecord, dkimKey, isDkimRecord, parseDkim } from './dkim';
import {
  type DmarcPolicy,
  type DmarcRecord,
  effectivePolicy,
  isDmarcRecord,
  parseDmarc,
  subdomainPolicy,
} from './dmarc';
import { type Asked, Budget, type DnsSession } from './session';

export interface Failure {
  name: string;
  type: string;
  error: string;
}

function failure(asked: Asked): Failure | undefined {
  if (asked.kind === 'error') return { name: asked.query.name, type: asked.query.type, error: asked.error };
  if (asked.kind === 'skipped') return { name: asked.query.name, type: asked.query.type, error: 'not asked' };
  if (!['NOERROR', 'NXDOMAIN'].includes(asked.response.rcode)) {
    return { name: asked.query.name, type: asked.query.type, error: `the resolver answered ${asked.response.rcode}` };
  }
  return undefined;
}

/** TXT strings owned by the queried name or its CNAME chain. */
function texts(asked: Asked): string[] {
  if (asked.kind !== 'answer') return [];
  const { response, query } = asked;
  return recordsOf(response, 'TXT', cnameChain(nameKey(query.name), response.answers).names).map((r) => r.data);
}

// --- MX ----------------------------------------------------------------------------------------

export interface MxAnalysis {
  status: 'ok' | 'nxdomain' | 'failed';
  exchanges: { preference: number; exchange: string }[];
  nullMx: boolean;
  refs: string[];
  failure?: Failure;
}

const MAX_MX = 64;

export function analyseMx(asked: Asked, session: DnsSession): MxAnalysis {
  const refs = session.cite(asked);
  const failed = failure(asked);
  if (failed || asked.kind !== 'answer')
    return { status: 'failed', exchanges: [], nullMx: false, refs, failure: failed };
  const { response, query } = asked;
  const exchanges: MxAnalysis['exchanges'] = [];
  let nullMx = false;
  for (const record of recordsOf(response, 'MX', cnameChain(nameKey(query.name), response.answers).names)) {
    const mx = parseMx(record.data);
    if (!mx) continue;
    if (mx.exchange === '') nullMx = true;
    else if (exchanges.length < MAX_MX) exchanges.push(mx);
  }
  return { status: response.rcode === 'NXDOMAIN' ? 'nxdomain' : 'ok', exchanges, nullMx, refs };
}

// --- DMARC -------------------------------------------------------------------------------------

export interface DmarcAnalysis {
  status: 'none' | 'ok' | 'invalid' | 'several' | 'temperror';
  record?: { text: string; parsed: DmarcRecord };
  /** The name whose record applies (_dmarc.<domain> or _dmarc.<organisational domain>). */
  source: string;
  inheritedFrom?: string;
  /** The names asked, in order. */
  consulted: string[];
  /** The policy receivers apply to this domain. */
  policy?: DmarcPolicy;
  count: number;
  refs: string[];
  failures: Failure[];
}

type DmarcRead =
  | { kind: 'failed'; failure: Failure }
  | { kind: 'none' }
  | { kind: 'several'; count: number }
  | { kind: 'record'; text: string; parsed: DmarcRecord };

function readDmarc(asked: Asked): DmarcRead {
  const failed = failure(asked);
  if (failed) return { kind: 'failed', failure: failed };
  const records = texts(asked).filter(isDmarcRecord);
  if (records.length === 0) return { kind: 'none' };
  if (records.length > 1) return { kind: 'several', count: records.length };
  const text = records[0] ?? '';
  return { kind: 'record', text, parsed: parseDmarc(text) ?? { rua: [], ruf: [], errors: [], unknown: [] } };
}

/**
 * The DMARC record of `domain`, or of its organisational domain (via the public suffix list) when
 * it has none: RFC 7489 §6.6.3. An inherited record applies its sp= (else p=) to the subdomain.
 */
export async function analyseDmarc(
  domain: string,
  own: Asked,
  session: DnsSession,
  budget: Budget,
): Promise<DmarcAnalysis> {
  const refs = [...session.cite(own)];
  let read = readDmarc(own);
  let source = own.query.name;
  let inheritedFrom: string | undefined;
  const consulted = [own.query.name];
  const organisational = getDomain(domain);
  if (read.kind === 'none' && organisational && organisational !== domain) {
    const asked = await session.query(`_dmarc.${organisational}`, 'TXT', budget);
    refs.push(...session.cite(asked));
    consulted.push(asked.query.name);
    const org = readDmarc(asked);
    if (org.kind !== 'none') {
      read = org;
      source = asked.query.name;
      inheritedFrom = organisational;
    }
  }
  const base = { source, consulted, count: 0, refs, failures: [], ...(inheritedFrom ? { inheritedFrom } : {}) };
  switch (read.kind) {
    case 'failed':
      return { ...base, status: 'temperror', failures: [read.failure] };
    case 'none':
      return { ...base, status: 'none' };
    case 'several':
      return { ...base, status: 'several', count: read.count };
    case 'record': {
      const policy = inheritedFrom ? subdomainPolicy(read.parsed) : effectivePolicy(read.parsed);
      return {
        ...base,
        status: policy ? 'ok' : 'invalid',
        record: { text: read.text, parsed: read.parsed },
        count: 1,
        ...(policy ? { policy } : {}),
      };
    }
  }
}

// --- DKIM --------------------------------------------------------------------------------------

export const MAX_SELECTORS = 64;
const SELECTOR = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})*$/;

/** The selectors to try: valid DNS labels, lowercase, unique, at most MAX_SELECTORS. */
export function selectorsOf(option: unknown, fallback: readonly string[]): { selectors: string[]; skipped: string[] } {
  const list = Array.isArray(option) ? option : fallback;
  const selectors: string[] = [];
  const skipped: string[] = [];
  for (const item of list) {
    const text = typeof item === 'string' ? item.trim().toLowerCase() : '';
    if (!SELECTOR.test(text) || text.length > 120) skipped.push(String(item).slice(0, 60));
    else if (!selectors.includes(text) && selectors.length < MAX_SELECTORS) selectors.push(text);
  }
  return { selectors, skipped };
}

export interface DkimFound {
  selector: string;
  name: string;
  text: string;
  record: DkimRecord;
  key: DkimKey;
  /** Several key records under one selector (the first is read). */
  several: boolean;
  /** The same record answers a random selector: a wildcard, not a key of its own. */
  wildcard: boolean;
  refs: string[];
}

export interface DkimAnalysis {
  tried: number;
  found: DkimFound[];
  wildcard?: { name: string; refs: string[] };
  /** Every DKIM answer (negative ones show where no key is). */
  refs: string[];
  failures: Failure[];
}

/** Asks every selector (and one random one, to catch a wildcard); yields progress as answers come in. */
export async function* analyseDkim(
  domain: string,
  selectors: readonly string[],
  session: DnsSession,
  progress: { from: number; to: number },
): AsyncGenerator<ScanEvent, DkimAnalysis> {
  const budget = new Budget(selectors.length + 1);
  const usable = selectors.filter((s) => `${s}._domainkey.${domain}`.length <= 253);
  const asks = usable.map((s) => session.query(`${s}._domainkey.${domain}`, 'TXT', budget));
  const probeName = `${randomLabel(16)}._domainkey.${domain}`;
  const probe = probeName.length <= 253 ? session.query(probeName, 'TXT', budget) : undefined;
  const analysis: DkimAnalysis = { tried: usable.length, found: [], refs: [], failures: [] };
  for (const [index, pending] of asks.entries()) {
    const asked = await pending;
    const selector = usable[index] ?? '';
    yield {
      kind: 'progress',
      fraction: progress.from + ((progress.to - progress.from) * (index + 1)) / (asks.length + 1),
      message: `DKIM selector ${selector}`,
    };
    const refs = session.cite(asked);
    analysis.refs.push(...refs);
    const failed = failure(asked);
    if (failed) {
      analysis.failures.push(failed);
      continue;
    }
    const keys = texts(asked).filter(isDkimRecord);
    const text = keys[0];
    const record = text === undefined ? undefined : parseDkim(text);
    if (text === undefined || !record) continue;
    analysis.found.push({
      selector,
      name: asked.query.name,
      text,
      record,
      key: dkimKey(record),
      several: keys.length > 1,
      wildcard: false,
      refs,
    });
  }
  if (probe) {
    const asked = await probe;
    const refs = session.cite(asked);
    analysis.refs.push(...refs);
    const answered = texts(asked).filter(isDkimRecord);
    if (answered.length > 0) {
      analysis.wildcard = { name: probeName, refs };
      for (const found of analysis.found) {
        if (answered.includes(found.text)) found.wildcard = true;
      }
    }
  }
  yield { kind: 'progress', fraction: progress.to, message: `DKIM: ${analysis.found.length} key(s) found` };
  return analysis;
}
