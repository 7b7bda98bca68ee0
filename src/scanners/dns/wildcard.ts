// Wildcard detection: a name made of a random label cannot exist, so when the zone answers for
// it, a wildcard record (*.name) is answering. Every other name under it then resolves too, and
// a subdomain whose answers are exactly the wildcard's may exist only through it.
import type { DnsRecordType } from '../../shared/scanner';
import { type Answered, cnameChain, type Outcome, recordsOf } from './queries';
import { addressOf, nameKey, randomLabel } from './records';

export const WILDCARD_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'CNAME'];
/** Values kept per type from one probe. */
const MAX_VALUES = 32;

export interface AnswerSet {
  a: string[];
  aaaa: string[];
  /** The first CNAME target from the name, when it is an alias. */
  cname: string[];
  refs: string[];
}

/** `<16 random characters>.<name>`, or undefined when that would be too long for DNS. */
export function wildcardProbeName(name: string): string | undefined {
  const probe = `${randomLabel(16)}.${name}`;
  return probe.length <= 253 ? probe : undefined;
}

/** What the A, AAAA and CNAME answers for one name say it is (only NOERROR answers count). */
export function answerSet(name: string, outcomes: readonly Outcome[]): AnswerSet {
  const set: AnswerSet = { a: [], aaaa: [], cname: [], refs: [] };
  const start = nameKey(name);
  for (const outcome of outcomes) {
    if (!('response' in outcome) || outcome.response.rcode !== 'NOERROR') continue;
    const o: Answered = outcome;
    const chain = cnameChain(start, o.response.answers);
    // An answer is cited when it shows anything, even what another answer showed already.
    const first = chain.links[0]?.[1];
    let used = first !== undefined;
    if (first !== undefined && !set.cname.includes(first) && set.cname.length < MAX_VALUES) set.cname.push(first);
    for (const type of ['A', 'AAAA'] as const) {
      if (o.query.type !== type) continue;
      const list = type === 'A' ? set.a : set.aaaa;
      for (const record of recordsOf(o.response, type, chain.names)) {
        const address = addressOf(record.data, type);
        if (address) used = true;
        if (address && !list.includes(address) && list.length < MAX_VALUES) list.push(address);
      }
    }
    if (used) set.refs.push(...o.refs);
  }
  return set;
}

export function isEmpty(set: AnswerSet): boolean {
  return set.a.length === 0 && set.aaaa.length === 0 && set.cname.length === 0;
}

const same = (x: readonly string[], y: readonly string[]): boolean =>
  x.length === y.length && x.every((v) => y.includes(v));

/** Both sets say the same thing (same addresses, same alias), and say something. */
export function sameAnswers(x: AnswerSet, y: AnswerSet): boolean {
  return !isEmpty(x) && same(x.a, y.a) && same(x.aaaa, y.aaaa) && same(x.cname, y.cname);
}

/** The prop value describing a wildcard, as found by its probe. */
export function wildcardProp(parent: string, probe: string, set: AnswerSet) {
  return { name: `*.${parent}`, probe, a: set.a, aaaa: set.aaaa, cname: set.cname };
}
