// One list's verdict on one subject (an address or a domain), whichever way it was asked: a DNSBL
// question or a DROP file. The report and the score read only these.
import type { DnsResponse } from '../../shared/scanner';
import { oneLine } from '../dns/dig';
import type { Outcome } from '../dns/queries';
import { type CodeHit, dnsblReason, readDnsblAnswer, type Verdict } from './dnsbl-answer';
import { covers, type DropSource } from './drop-fetch';
import { blocksHolding } from './drop-list';
import type { DnsblSpec } from './lists';
import type { ScoredListing } from './score';

export interface Check {
  /** The list as people name it: Spamhaus ZEN, Spamhaus DROP. */
  list: string;
  /** Where it was asked: the DNSBL zone, or the DROP file's URL. */
  source: string;
  status: Verdict['status'];
  /** What the listing says (listed only), each with its return code or block. */
  hits: ScoredListing[];
  /** Why the list could not be asked (unchecked only). */
  reason?: string;
  /** The list's TXT reason, as one bounded line (DNSBL listings). */
  txt?: string;
  /** The DROP block that holds the address. */
  block?: { cidr: string; sbl: string | null };
  /** The question and answer in one or two lines, for a finding's detail. */
  summary: string;
  /** What the list lists, and where a person can look the subject up (DNSBLs). */
  describes?: string;
  about?: string;
  refs: string[];
}

/** One DNSBL question: the subject it is about, the list and the name asked. */
export interface Question {
  subject: string;
  spec: DnsblSpec;
  name: string;
}

function refsOf(outcome: Outcome | undefined): string[] {
  return outcome && 'refs' in outcome ? outcome.refs : [];
}

function answerLine(name: string, response: DnsResponse): string {
  const codes = response.answers.filter((r) => r.type === 'A').map((r) => oneLine(r.data).slice(0, 60));
  const shown = codes.slice(0, 8).join(', ');
  return `${name} A: ${oneLine(response.rcode).slice(0, 20)}${shown === '' ? '' : ` ${shown}`}`;
}

function hitListing(spec: DnsblSpec, hit: CodeHit): ScoredListing {
  return {
    list: spec.name,
    kind: hit.kind,
    severity: hit.severity,
    name: hit.name,
    what: `${hit.name} (${hit.answer})`,
    meaning: hit.meaning,
  };
}

/**
 * A DNSBL's verdict from the answer to its question, the list's RFC 5782 self-test (a list that
 * answers for 127.0.0.1 or INVALID lists everything) and the TXT answer when listed.
 */
export function dnsblCheck(
  question: Question,
  outcome: Outcome | undefined,
  selfTest: Outcome | undefined,
  txt: Outcome | undefined,
): Check {
  const { spec, name } = question;
  const base = {
    list: spec.name,
    source: spec.zone,
    hits: [],
    describes: spec.lists,
    ...(spec.about ? { about: spec.about } : {}),
  };
  const refs = refsOf(outcome);
  if (outcome === undefined || !('response' in outcome)) {
    const error = outcome && 'error' in outcome ? outcome.error : 'not asked';
    const reason = `the query failed: ${oneLine(error).slice(0, 300)}`;
    return { ...base, status: 'unchecked', reason, summary: `${name} A: ${reason}`, refs };
  }
  const summary = answerLine(name, outcome.response);
  if (selfTest && 'response' in selfTest) {
    const test = readDnsblAnswer(spec, selfTest.query.name, selfTest.response);
    if (test.status === 'listed') {
      return {
        ...base,
        status: 'unchecked',
        reason:
          `the list answers for ${selfTest.query.name}, which RFC 5782 says no list may hold: it lists everything ` +
          '(a dead zone taken over, or a resolver rewriting answers)',
        summary: `${summary}\n${answerLine(selfTest.query.name, selfTest.response)}`,
        refs: [...refs, ...refsOf(selfTest)],
      };
    }
  }
  const verdict = readDnsblAnswer(spec, name, outcome.response);
  if (verdict.status === 'unchecked') return { ...base, status: 'unchecked', reason: verdict.reason, summary, refs };
  if (verdict.status === 'clean') return { ...base, status: 'clean', summary, refs };
  const reason = txt && 'response' in txt ? dnsblReason(name, txt.response) : undefined;
  return {
    ...base,
    status: 'listed',
    hits: verdict.hits.map((hit) => hitListing(spec, hit)),
    ...(reason ? { txt: reason } : {}),
    summary: reason ? `${summary}\n${name} TXT: ${reason}` : summary,
    refs: [...refs, ...refsOf(txt)],
  };
}

/** A DROP file's verdict on an address, or undefined when the file says nothing about its family. */
export function dropCheck(source: DropSource, ip: string): Check | undefined {
  if (!covers(source, ip)) return undefined;
  const base = { list: source.list, source: source.url, hits: [], refs: source.ref ? [source.ref] : [] };
  if (source.failure !== undefined) {
    return { ...base, status: 'unchecked', reason: source.failure, summary: source.failure };
  }
  const block = blocksHolding(source.blocks, ip)[0];
  if (block === undefined) {
    if (source.partial !== undefined) {
      return { ...base, status: 'unchecked', reason: source.partial, summary: source.partial };
    }
    return { ...base, status: 'clean', summary: `${ip} is in no block of ${source.file}` };
  }
  const what = block.sbl ? `${block.cidr} (${block.sbl})` : block.cidr;
  return {
    ...base,
    status: 'listed',
    hits: [
      {
        list: source.list,
        kind: 'drop',
        severity: 'high',
        name: block.cidr,
        what,
        meaning: 'a netblock hijacked or run by criminals',
      },
    ],
    block,
    summary: `${source.file}: ${block.cidr}${block.sbl ? ` ; ${block.sbl}` : ''}`,
  };
}
