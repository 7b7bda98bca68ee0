// Reading a DNSBL's answer to one question (RFC 5782): NXDOMAIN is "not listed", A records in
// 127.0.0.0/8 are return codes the list's table explains, and a few codes mean the list refused
// to answer this resolver, which says nothing about the subject. The answer came from a server
// that may be hostile: anything unexpected is "could not check", never "listed" or "clean".
import ipaddr from 'ipaddr.js';
import type { DnsResponse } from '../../shared/scanner';
import { oneLine } from '../dns/dig';
import { cnameChain, recordsOf } from '../dns/queries';
import { nameKey } from '../dns/records';
import type { CodeMeaning, DnsblSpec } from './lists';

export interface CodeHit extends CodeMeaning {
  /** The return code as answered. */
  answer: string;
}

export type Verdict =
  | { status: 'listed'; hits: CodeHit[] }
  | { status: 'clean' }
  | { status: 'unchecked'; reason: string };

/** Return codes read from one answer at most; a list answers one to a few. */
const MAX_CODES = 16;
/** Characters of TXT kept: a reason and a lookup URL. */
const MAX_TXT = 500;

const LOOPBACK = ipaddr.IPv4.parseCIDR('127.0.0.0/8');
/** Spamhaus' error range, read as a refusal from any list: no list lists in it. */
const ERROR_RANGE = ipaddr.IPv4.parseCIDR('127.255.255.0/24');

function refusal(spec: DnsblSpec, answer: string): string | undefined {
  const listed = spec.refused.find((r) => r.answers.includes(answer));
  if (listed) return `${listed.meaning} (answer ${answer})`;
  if (ipaddr.IPv4.parse(answer).match(ERROR_RANGE)) return `the list answered ${answer}, an error code, not a listing`;
  return undefined;
}

function meaningOf(spec: DnsblSpec, answer: string): CodeHit[] {
  const exact = spec.codes.find((c) => c.answers.includes(answer));
  if (exact) return [{ answer, name: exact.name, meaning: exact.meaning, kind: exact.kind, severity: exact.severity }];
  const octets = ipaddr.IPv4.parse(answer).octets;
  if (spec.bits && octets[1] === 0 && octets[2] === 0) {
    const last = octets[3] ?? 0;
    const hits = spec.bits
      .filter((b) => (last & b.bit) !== 0)
      .map((b) => ({ answer, name: b.name, meaning: b.meaning, kind: b.kind, severity: b.severity }));
    if (hits.length > 0) return hits;
  }
  // Listed, but with a code the table does not explain: a listing of unknown weight.
  return [
    {
      answer,
      name: 'undocumented code',
      meaning: `return code ${answer} is not one this list documents`,
      kind: 'abuse',
      severity: 'low',
    },
  ];
}

/** The verdict of a list's answer for `name` (the name asked). Never throws. */
export function readDnsblAnswer(spec: DnsblSpec, name: string, response: DnsResponse): Verdict {
  if (response.rcode === 'NXDOMAIN') return { status: 'clean' };
  if (response.rcode !== 'NOERROR') {
    return { status: 'unchecked', reason: `the resolver answered ${oneLine(response.rcode).slice(0, 40)}` };
  }
  const chain = cnameChain(nameKey(name), response.answers).names;
  const records = recordsOf(response, 'A', chain).slice(0, MAX_CODES);
  if (records.length === 0) return { status: 'clean' };
  const hits: CodeHit[] = [];
  for (const record of records) {
    const answer = record.data;
    if (!ipaddr.IPv4.isValidFourPartDecimal(answer) || !ipaddr.IPv4.parse(answer).match(LOOPBACK)) {
      return {
        status: 'unchecked',
        reason:
          `the answer ${oneLine(answer).slice(0, 60)} is not a return code in 127.0.0.0/8 ` +
          '(a resolver that rewrites NXDOMAIN, or a zone that is not a blacklist any more)',
      };
    }
    const refused = refusal(spec, answer);
    if (refused) return { status: 'unchecked', reason: refused };
    for (const hit of meaningOf(spec, answer)) {
      if (!hits.some((h) => h.answer === hit.answer && h.name === hit.name)) hits.push(hit);
    }
  }
  return { status: 'listed', hits };
}

/** The TXT answer (the list's reason or lookup URL) as one bounded line, or undefined. */
export function dnsblReason(name: string, response: DnsResponse): string | undefined {
  if (response.rcode !== 'NOERROR') return undefined;
  const chain = cnameChain(nameKey(name), response.answers).names;
  const texts = recordsOf(response, 'TXT', chain)
    .slice(0, MAX_CODES)
    .map((r) => oneLine(r.data));
  const text = [...new Set(texts)].join(' | ');
  if (text === '') return undefined;
  return text.length > MAX_TXT ? `${text.slice(0, MAX_TXT)}…` : text;
}
