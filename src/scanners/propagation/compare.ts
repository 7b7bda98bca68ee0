// Comparing what several resolvers answered to one question. Answers are compared as sets of
// normalised record data (order and letter case of names carry no meaning); a resolver that did
// not answer is a failure, never a disagreement.
import ipaddr from 'ipaddr.js';
import type { DnsRecordType } from '../../shared/scanner';

export type FailureKind = 'timeout' | 'refused' | 'servfail' | 'error';

export type Reply =
  | { resolver: string; kind: 'answer'; rcode: 'NOERROR' | 'NXDOMAIN'; records: string[] }
  | { resolver: string; kind: 'failed'; reason: FailureKind; message: string };

export const NXDOMAIN = 'NXDOMAIN';

export interface AnswerGroup {
  /** The sorted record set, or NXDOMAIN. */
  answer: string[] | typeof NXDOMAIN;
  resolvers: string[];
}

export interface Comparison {
  /** agree: every resolver that answered gave the same set; failed: none answered. */
  status: 'agree' | 'disagree' | 'failed';
  groups: AnswerGroup[];
  failed: { resolver: string; reason: FailureKind; message: string }[];
}

/** One record's data in the form compared; names lose case and the trailing dot. */
export function normaliseRecord(type: DnsRecordType, data: string): string {
  switch (type) {
    case 'A':
    case 'AAAA':
      return ipaddr.isValid(data) ? ipaddr.process(data).toString() : data;
    case 'NS':
    case 'CNAME':
      return data.toLowerCase().replace(/\.$/, '');
    case 'MX': {
      const [preference, exchange] = data.split(/\s+/, 2);
      return exchange === undefined ? data.toLowerCase() : `${preference} ${exchange.toLowerCase().replace(/\.$/, '')}`;
    }
    default:
      return data;
  }
}

/** The answer as a sorted set. */
export function recordSet(type: DnsRecordType, data: readonly string[]): string[] {
  return [...new Set(data.map((d) => normaliseRecord(type, d)))].sort();
}

/** What a failed query was: its error message or a non-answer rcode. */
export function classifyError(message: string): FailureKind {
  if (/timed? ?out|timeout/i.test(message)) return 'timeout';
  if (/refused/i.test(message)) return 'refused';
  if (/SERVFAIL/.test(message)) return 'servfail';
  return 'error';
}

export function classifyRcode(rcode: string): FailureKind {
  if (rcode === 'SERVFAIL') return 'servfail';
  if (rcode === 'REFUSED') return 'refused';
  return 'error';
}

const groupKey = (answer: string[] | typeof NXDOMAIN): string =>
  answer === NXDOMAIN ? NXDOMAIN : JSON.stringify(answer);

export function compareReplies(replies: readonly Reply[]): Comparison {
  const groups = new Map<string, AnswerGroup>();
  const failed: Comparison['failed'] = [];
  for (const reply of replies) {
    if (reply.kind === 'failed') {
      failed.push({ resolver: reply.resolver, reason: reply.reason, message: reply.message });
      continue;
    }
    const answer = reply.rcode === 'NXDOMAIN' ? NXDOMAIN : reply.records;
    const key = groupKey(answer);
    const group = groups.get(key) ?? { answer, resolvers: [] };
    group.resolvers.push(reply.resolver);
    groups.set(key, group);
  }
  // The majority first (then first seen): the odd one out reads as the odd one out.
  const ordered = [...groups.values()].sort((a, b) => b.resolvers.length - a.resolvers.length);
  const status = ordered.length === 0 ? 'failed' : ordered.length === 1 ? 'agree' : 'disagree';
  return { status, groups: ordered, failed };
}

/** Records that some, but not all, of the resolvers that answered returned, with who returned them. */
export function partialRecords(comparison: Comparison): Map<string, string[]> {
  const answering = comparison.groups.reduce((n, g) => n + g.resolvers.length, 0);
  const seenBy = new Map<string, string[]>();
  for (const group of comparison.groups) {
    if (group.answer === NXDOMAIN) continue;
    for (const record of group.answer) seenBy.set(record, [...(seenBy.get(record) ?? []), ...group.resolvers]);
  }
  return new Map([...seenBy].filter(([, resolvers]) => resolvers.length < answering));
}

/** "185.220.101.47" or "(no records)" or "NXDOMAIN": one group's answer as text. */
export function answerText(answer: string[] | typeof NXDOMAIN): string {
  if (answer === NXDOMAIN) return 'NXDOMAIN (no such name)';
  if (answer.length === 0) return '(no records)';
  return answer.map((a) => a.slice(0, 300)).join(', ');
}
