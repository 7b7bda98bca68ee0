// Follows a domain's SPF record the way a receiver would (RFC 7208 §4.6.4, §5, §6.1): includes
// and redirects recursively, counting the DNS-querying terms against the 10-lookup limit and the
// answers that come back empty against the 2-void-lookup limit. No sender address is known, so
// mechanisms are not matched; the tree is walked in evaluation order and everything is counted.
// Bounded on hostile zones: queries come from a budget, visits are capped, loops are cut.
import { cnameChain, recordsOf } from '../dns/queries';
import { nameKey } from '../dns/records';
import type { Asked, Budget, DnsSession } from './session';
import {
  allOf,
  formatTerm,
  hasMacro,
  isSpfRecord,
  LOOKUP_TERMS,
  parseSpf,
  redirectOf,
  type SpfMechanism,
  type SpfQualifier,
  type SpfRecord,
} from './spf';

/** RFC 7208 §4.6.4. */
export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;
/** Names an mx mechanism may bring back (§4.6.4). */
export const MX_NAME_LIMIT = 10;
/** Records visited in one walk (a record included twice is visited twice, as a receiver would). */
export const MAX_VISITS = 100;

export type SpfProblemKind =
  | 'several'
  | 'syntax'
  | 'lookups'
  | 'void'
  | 'loop'
  | 'missing'
  | 'mx-names'
  | 'temperror'
  | 'ptr'
  | 'macro'
  | 'truncated';

/** Problems that make every evaluation end in permerror. */
export const PERMERROR_KINDS: ReadonlySet<SpfProblemKind> = new Set([
  'several',
  'syntax',
  'lookups',
  'void',
  'loop',
  'missing',
  'mx-names',
]);

export interface SpfProblem {
  kind: SpfProblemKind;
  domain: string;
  text: string;
  refs: string[];
}

export interface SpfEdge {
  from: string;
  to: string;
  via: 'include' | 'redirect';
  qualifier?: SpfQualifier;
  refs: string[];
}

/** The "all" that ends evaluation: its qualifier (null: no all, the default neutral) and where it is. */
export interface SpfEnding {
  qualifier: SpfQualifier | null;
  from: string;
}

export interface SpfAnalysis {
  status: 'none' | 'ok' | 'permerror' | 'temperror';
  /** The domain's own SPF record, when it has exactly one that parses. */
  record?: { text: string; parsed: SpfRecord };
  /** How many SPF records the domain publishes. */
  records: number;
  ending?: SpfEnding;
  lookups: number;
  voidLookups: number;
  /** False when some include or redirect was not followed (budget or visit cap). */
  complete: boolean;
  edges: SpfEdge[];
  problems: SpfProblem[];
  /** The domain's TXT answer. */
  rootRefs: string[];
  /** Every answer the walk relied on. */
  refs: string[];
  failures: { name: string; type: string; error: string }[];
}

type Fetched =
  | { kind: 'record'; text: string; parsed: SpfRecord; refs: string[] }
  | { kind: 'none'; empty: boolean; refs: string[] }
  | { kind: 'several'; count: number; refs: string[] }
  | { kind: 'syntax'; text: string; parsed: SpfRecord; refs: string[] }
  | { kind: 'failed'; error: string; refs: string[] }
  | { kind: 'skipped' };

const ADDRESS_TERMS = new Set(['a', 'mx', 'exists']);

class Walker {
  lookups = 0;
  voids = 0;
  visits = 0;
  complete = true;
  overLimit: { domain: string; term: string } | undefined;
  readonly edges: SpfEdge[] = [];
  readonly problems: SpfProblem[] = [];
  readonly failures: SpfAnalysis['failures'] = [];
  readonly refs = new Set<string>();
  readonly voidTerms: string[] = [];
  readonly voidRefs = new Set<string>();

  constructor(
    private readonly session: DnsSession,
    private readonly budget: Budget,
  ) {}

  private cite(asked: Asked): string[] {
    const refs = this.session.cite(asked);
    for (const ref of refs) this.refs.add(ref);
    return refs;
  }

  private problem(kind: SpfProblemKind, domain: string, text: string, refs: string[]): void {
    if (this.problems.length < 200) this.problems.push({ kind, domain, text, refs });
  }

  private failed(asked: Asked): string | undefined {
    if (asked.kind === 'error') {
      this.failures.push({ name: asked.query.name, type: asked.query.type, error: asked.error });
      return asked.error;
    }
    if (asked.kind === 'answer' && !['NOERROR', 'NXDOMAIN'].includes(asked.response.rcode)) {
      const error = `the resolver answered ${asked.response.rcode}`;
      this.failures.push({ name: asked.query.name, type: asked.query.type, error });
      return error;
    }
    return undefined;
  }

  /** The SPF record of a domain, from its TXT answer. */
  async spfRecordOf(domain: string): Promise<Fetched> {
    const asked = await this.session.query(domain, 'TXT', this.budget);
    if (asked.kind === 'skipped') return { kind: 'skipped' };
    const refs = this.cite(asked);
    const error = this.failed(asked);
    if (error !== undefined || asked.kind !== 'answer') return { kind: 'failed', error: error ?? '', refs };
    const { response } = asked;
    const txt = recordsOf(response, 'TXT', cnameChain(nameKey(domain), response.answers).names);
    const spf = txt.map((r) => r.data).filter(isSpfRecord);
    if (spf.length === 0) return { kind: 'none', empty: txt.length === 0, refs };
    if (spf.length > 1) return { kind: 'several', count: spf.length, refs };
    const text = spf[0] ?? '';
    const parsed = parseSpf(text) ?? { terms: [], errors: [], errorCount: 0 };
    return parsed.errorCount > 0 ? { kind: 'syntax', text, parsed, refs } : { kind: 'record', text, parsed, refs };
  }

  private void(what: string, refs: string[]): void {
    this.voids++;
    if (this.voidTerms.length < 20) this.voidTerms.push(what);
    for (const ref of refs) this.voidRefs.add(ref);
  }

  private count(domain: string, term: string): void {
    this.lookups++;
    if (this.lookups === LOOKUP_LIMIT + 1) this.overLimit = { domain, term };
  }

  /** The query an a, mx or exists mechanism makes, or undefined when it needs a sender (macros). */
  private addressQuery(term: SpfMechanism, domain: string): Promise<Asked> | undefined {
    const target = term.target ?? domain;
    if (hasMacro(target)) return undefined;
    return this.session.query(target.replace(/\.$/, ''), term.kind === 'mx' ? 'MX' : 'A', this.budget);
  }

  /** Evaluates an a / mx / exists answer: void lookups and the MX name limit. */
  private async address(term: SpfMechanism, domain: string, pending: Promise<Asked>, recordRefs: string[]) {
    const asked = await pending;
    if (asked.kind === 'skipped') return;
    const refs = this.cite(asked);
    if (this.failed(asked) !== undefined || asked.kind !== 'answer') {
      this.problem('temperror', domain, `the lookup for "${formatTerm(term)}" failed`, refs);
      return;
    }
    const { response, query } = asked;
    const type = query.type;
    const found = recordsOf(response, type, cnameChain(nameKey(query.name), response.answers).names);
    let empty = response.rcode === 'NXDOMAIN' || found.length === 0;
    if (empty && response.rcode === 'NOERROR' && term.kind === 'a') {
      // An IPv6-only host is not void: its AAAA is what an IPv6 sender would be matched against.
      const v6 = await this.session.query(query.name, 'AAAA', this.budget);
      if (v6.kind === 'answer' && v6.response.rcode === 'NOERROR') {
        const v6refs = this.cite(v6);
        if (recordsOf(v6.response, 'AAAA', cnameChain(nameKey(query.name), v6.response.answers).names).length > 0) {
          empty = false;
          refs.push(...v6refs);
        }
      }
    }
    if (empty) this.void(`"${formatTerm(term)}" in the record of ${domain}`, [...recordRefs, ...refs]);
    if (term.kind === 'mx' && found.length > MX_NAME_LIMIT) {
      this.problem(
        'mx-names',
        domain,
        `"${formatTerm(term)}" brings back ${found.length} mail exchangers; at most ${MX_NAME_LIMIT} are allowed`,
        [...recordRefs, ...refs],
      );
    }
  }

  /** Walks one record; returns the "all" that ends it (through its redirect), when known. */
  async visit(domain: string, via: 'root' | 'include' | 'redirect', path: string[]): Promise<SpfEnding | undefined> {
    if (this.visits >= MAX_VISITS) {
      this.complete = false;
      return undefined;
    }
    this.visits++;
    const fetched = await this.spfRecordOf(domain);
    switch (fetched.kind) {
      case 'skipped':
        this.complete = false;
        return undefined;
      case 'failed':
        this.problem('temperror', domain, `the TXT lookup for ${domain} failed: ${fetched.error}`, fetched.refs);
        return undefined;
      case 'none':
        if (fetched.empty) this.void(`${via}:${domain} (no TXT records)`, fetched.refs);
        if (via !== 'root') {
          this.problem('missing', domain, `${domain}, named by ${via}, publishes no SPF record`, fetched.refs);
        }
        return undefined;
      case 'several':
        this.problem('several', domain, `${domain} publishes ${fetched.count} SPF records`, fetched.refs);
        return undefined;
      case 'syntax':
        this.problem(
          'syntax',
          domain,
          `the SPF record of ${domain} has ${fetched.parsed.errorCount} syntax error(s): ${fetched.parsed.errors.slice(0, 5).join('; ')}`,
          fetched.refs,
        );
        return undefined;
      case 'record':
        break;
    }
    const { parsed, refs } = fetched;
    const here = [...path, domain];

    // Ask everything this record needs at once; the walk below then reads the answers in order.
    const pending = new Map<SpfMechanism, Promise<Asked>>();
    for (const term of parsed.terms) {
      if (term.type !== 'mechanism') continue;
      if (term.kind === 'include' && term.target !== undefined && !hasMacro(term.target)) {
        pending.set(term, this.session.query(nameKey(term.target), 'TXT', this.budget));
      } else if (ADDRESS_TERMS.has(term.kind)) {
        const query = this.addressQuery(term, domain);
        if (query) pending.set(term, query);
      }
    }

    for (const term of parsed.terms) {
      if (term.type !== 'mechanism' || !LOOKUP_TERMS.has(term.kind)) continue;
      this.count(domain, formatTerm(term));
      if (term.kind === 'ptr') {
        this.problem('ptr', domain, `${domain} uses the "${formatTerm(term)}" mechanism`, refs);
        continue;
      }
      const target = term.target ?? domain;
      if (hasMacro(target)) {
        this.problem('macro', domain, `"${formatTerm(term)}" depends on the message (macros)`, refs);
        continue;
      }
      if (term.kind === 'include') {
        const child = nameKey(target);
        this.edges.push({ from: domain, to: child, via: 'include', qualifier: term.qualifier, refs });
        if (here.includes(child)) {
          this.problem('loop', domain, [...here, child].join(' → '), refs);
          continue;
        }
        await this.visit(child, 'include', here);
        continue;
      }
      const query = pending.get(term);
      if (query) await this.address(term, domain, query, refs);
    }

    const all = allOf(parsed);
    if (all) return { qualifier: all.qualifier, from: domain };
    const redirect = redirectOf(parsed);
    if (redirect === undefined) return { qualifier: null, from: domain };
    this.count(domain, `redirect=${redirect}`);
    if (hasMacro(redirect)) {
      this.problem('macro', domain, `"redirect=${redirect}" depends on the message (macros)`, refs);
      return undefined;
    }
    const target = nameKey(redirect);
    this.edges.push({ from: domain, to: target, via: 'redirect', refs });
    if (here.includes(target)) {
      this.problem('loop', domain, [...here, target].join(' → '), refs);
      return undefined;
    }
    return this.visit(target, 'redirect', here);
  }
}

/** Walks the SPF tree of `domain`; its TXT answer is fetched through the session (usually cached). */
export async function analyseSpf(domain: string, session: DnsSession, budget: Budget): Promise<SpfAnalysis> {
  const walker = new Walker(session, budget);
  const root = await walker.spfRecordOf(domain);
  const base = {
    lookups: 0,
    voidLookups: 0,
    complete: true,
    edges: [],
    failures: walker.failures,
    rootRefs: 'refs' in root ? root.refs : [],
    refs: 'refs' in root ? [...root.refs] : [],
  };
  switch (root.kind) {
    case 'skipped':
    case 'failed':
      return {
        ...base,
        status: 'temperror',
        records: 0,
        problems: [
          {
            kind: 'temperror',
            domain,
            text: `the TXT lookup for ${domain} failed${root.kind === 'failed' ? `: ${root.error}` : ''}`,
            refs: base.rootRefs,
          },
        ],
      };
    case 'none':
      return { ...base, status: 'none', records: 0, problems: [] };
    case 'several':
      return {
        ...base,
        status: 'permerror',
        records: root.count,
        problems: [{ kind: 'several', domain, text: `${domain} publishes ${root.count} SPF records`, refs: root.refs }],
      };
    case 'syntax':
    case 'record':
      break;
  }
  const ending = await walker.visit(domain, 'root', []);
  if (walker.lookups > LOOKUP_LIMIT) {
    const over = walker.overLimit;
    walker.problems.push({
      kind: 'lookups',
      domain,
      text:
        `evaluating the SPF record of ${domain} takes ${walker.complete ? '' : 'at least '}${walker.lookups} DNS lookups; ` +
        `the limit is ${LOOKUP_LIMIT}${over ? `, passed at "${over.term}" in the record of ${over.domain}` : ''}`,
      refs: [...walker.refs],
    });
  }
  if (walker.voids > VOID_LIMIT) {
    walker.problems.push({
      kind: 'void',
      domain,
      text:
        `${walker.voids} lookups of the SPF tree of ${domain} found nothing (the limit is ${VOID_LIMIT}): ` +
        walker.voidTerms.join(', '),
      refs: [...walker.voidRefs],
    });
  }
  if (!walker.complete) {
    walker.problems.push({
      kind: 'truncated',
      domain,
      text: `the SPF tree of ${domain} was not followed to its end (query budget or ${MAX_VISITS} records reached)`,
      refs: root.refs,
    });
  }
  const permerror = walker.problems.some((p) => PERMERROR_KINDS.has(p.kind));
  const temperror = walker.problems.some((p) => p.kind === 'temperror');
  return {
    status: permerror ? 'permerror' : temperror ? 'temperror' : 'ok',
    record: { text: root.text, parsed: root.parsed },
    records: 1,
    ...(ending ? { ending } : {}),
    lookups: walker.lookups,
    voidLookups: walker.voids,
    complete: walker.complete,
    edges: walker.edges,
    problems: walker.problems,
    rootRefs: root.refs,
    refs: [...walker.refs],
    failures: walker.failures,
  };
}
