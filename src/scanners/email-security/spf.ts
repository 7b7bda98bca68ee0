// SPF records (RFC 7208) read into terms. The text comes from a DNS server that may be hostile:
// the parser never throws, collects every syntax error it meets (any one makes the record a
// permerror for receivers), and does the same work whatever the input, linear in its length.
import ipaddr from 'ipaddr.js';

export type SpfQualifier = '+' | '-' | '~' | '?';
export const SPF_MECHANISMS = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'] as const;
export type SpfMechanismKind = (typeof SPF_MECHANISMS)[number];

export interface SpfMechanism {
  type: 'mechanism';
  qualifier: SpfQualifier;
  /** The qualifier was written out ("+a", not "a"); kept so the record prints back as written. */
  explicit: boolean;
  kind: SpfMechanismKind;
  /** domain-spec of include, a, mx, ptr, exists; the network of ip4 and ip6. */
  target?: string;
  /** CIDR prefix lengths: ip4 or a/mx IPv4 ("/24"), ip6 or a/mx IPv6 ("//64"). */
  cidr4?: number;
  cidr6?: number;
}

export interface SpfModifier {
  type: 'modifier';
  /** Lowercase (modifier names match case-insensitively). */
  name: string;
  value: string;
}

export type SpfTerm = SpfMechanism | SpfModifier;

export interface SpfRecord {
  terms: SpfTerm[];
  /** Syntax errors, in the order met; capped at MAX_ERRORS (errorCount says how many in all). */
  errors: string[];
  errorCount: number;
}

/** Terms that make the receiver ask DNS (RFC 7208 §4.6.4): at most 10 per evaluation. */
export const LOOKUP_TERMS: ReadonlySet<string> = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);
export const MAX_ERRORS = 20;

/** A TXT record is an SPF record when it starts "v=spf1" followed by a space or its end (§4.5). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text);
}

const MACRO_LETTERS = 'slodiphcrtv';
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/** Why a macro-string is malformed (§7.1), or undefined. Printable ASCII only; % starts a macro. */
export function macroStringError(text: string, allowExpLetters = false): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return 'it holds a character that is not printable ASCII';
    if (text[i] !== '%') continue;
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i++;
      continue;
    }
    if (next !== '{') return 'a "%" is not followed by {, %, _ or -';
    const close = text.indexOf('}', i);
    if (close < 0) return 'a macro "%{" is not closed';
    const body = text.slice(i + 2, close);
    const letter = (body[0] ?? '').toLowerCase();
    const allowed = allowExpLetters ? MACRO_LETTERS : 'slodiphv';
    if (letter === '' || !allowed.includes(letter)) return `the macro "%{${body.slice(0, 20)}}" has an unknown letter`;
    if (!/^[0-9]*r?[-.+,/_=]*$/i.test(body.slice(1))) return `the macro "%{${body.slice(0, 20)}}" is malformed`;
    i = close;
  }
  return undefined;
}

/** Why a domain-spec is malformed: a macro-string ending in a macro or in "." toplabel (§7.1). */
export function domainSpecError(spec: string): string | undefined {
  if (spec === '') return 'the domain is empty';
  if (spec.length > 253 * 4) return 'the domain is too long';
  const macro = macroStringError(spec);
  if (macro) return macro;
  if (spec.endsWith('}')) return undefined;
  const bare = spec.endsWith('.') ? spec.slice(0, -1) : spec;
  const dot = bare.lastIndexOf('.');
  if (dot < 0) return 'the domain has a single label';
  if (!TOPLABEL.test(bare.slice(dot + 1))) return 'the domain does not end in a valid top label';
  return undefined;
}

export function hasMacro(spec: string): boolean {
  return spec.includes('%{');
}

function cidr(text: string | undefined, max: number): number | undefined | null {
  if (text === undefined) return undefined;
  // Leading zeros are not allowed ("/024"), §5.6.
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/** Parses one directive; pushes the reason to `errors` and returns undefined when it is malformed. */
function parseDirective(term: string, errors: string[]): SpfMechanism | undefined {
  const match = /^([+\-~?]?)([A-Za-z][A-Za-z0-9_.-]*)(.*)$/s.exec(term);
  if (!match) {
    errors.push(`"${term.slice(0, 60)}" is not a mechanism or modifier`);
    return undefined;
  }
  const written = match[1] ?? '';
  const kind = (match[2] ?? '').toLowerCase();
  const rest = match[3] ?? '';
  if (!(SPF_MECHANISMS as readonly string[]).includes(kind)) {
    errors.push(`unknown mechanism "${(match[2] ?? '').slice(0, 40)}"`);
    return undefined;
  }
  const mechanism: SpfMechanism = {
    type: 'mechanism',
    qualifier: (written || '+') as SpfQualifier,
    explicit: written !== '',
    kind: kind as SpfMechanismKind,
  };
  const fail = (why: string): undefined => {
    errors.push(`${kind}: ${why} in "${term.slice(0, 60)}"`);
    return undefined;
  };
  switch (mechanism.kind) {
    case 'all':
      return rest === '' ? mechanism : fail('"all" takes no argument');
    case 'include':
    case 'exists':
    case 'ptr': {
      if (rest === '' && mechanism.kind === 'ptr') return mechanism;
      if (!rest.startsWith(':')) return fail('a ":domain" is required');
      const error = domainSpecError(rest.slice(1));
      if (error) return fail(error);
      mechanism.target = rest.slice(1);
      return mechanism;
    }
    case 'a':
    case 'mx': {
      // The dual CIDR suffix is taken from the end: "/24", "//64" or "/24//64".
      const suffix = /(?:\/([0-9]+))?(?:\/\/([0-9]+))?$/.exec(rest);
      const body = rest.slice(0, rest.length - (suffix?.[0].length ?? 0));
      const c4 = cidr(suffix?.[1], 32);
      const c6 = cidr(suffix?.[2], 128);
      if (c4 === null || c6 === null) return fail('the CIDR length is out of range');
      if (body !== '') {
        if (!body.startsWith(':')) return fail('unexpected text after the mechanism name');
        const error = domainSpecError(body.slice(1));
        if (error) return fail(error);
        mechanism.target = body.slice(1);
      }
      if (c4 !== undefined) mechanism.cidr4 = c4;
      if (c6 !== undefined) mechanism.cidr6 = c6;
      return mechanism;
    }
    case 'ip4': {
      const m = /^:([0-9.]+)(?:\/([0-9]+))?$/.exec(rest);
      if (!m || !ipaddr.IPv4.isValidFourPartDecimal(m[1] ?? '')) return fail('not an IPv4 network');
      const c4 = cidr(m[2], 32);
      if (c4 === null) return fail('the CIDR length is out of range');
      mechanism.target = m[1];
      if (c4 !== undefined) mechanism.cidr4 = c4;
      return mechanism;
    }
    case 'ip6': {
      const m = /^:([0-9A-Fa-f:.]+)(?:\/([0-9]+))?$/.exec(rest);
      if (!m || !ipaddr.IPv6.isValid(m[1] ?? '')) return fail('not an IPv6 network');
      const c6 = cidr(m[2], 128);
      if (c6 === null) return fail('the CIDR length is out of range');
      mechanism.target = m[1];
      if (c6 !== undefined) mechanism.cidr6 = c6;
      return mechanism;
    }
  }
}

/**
 * Reads an SPF record; undefined when the text is not one (see isSpfRecord). Terms are separated
 * by spaces; a term that does not parse is left out and its reason recorded in `errors`.
 */
export function parseSpf(text: string): SpfRecord | undefined {
  if (!isSpfRecord(text)) return undefined;
  const errors: string[] = [];
  const terms: SpfTerm[] = [];
  const seen = new Set<string>();
  let errorCount = 0;
  const note = (error: string): void => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push(error);
  };
  for (const term of text.slice(6).split(' ')) {
    if (term === '') continue;
    const modifier = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s.exec(term);
    if (modifier) {
      const name = (modifier[1] ?? '').toLowerCase();
      const value = modifier[2] ?? '';
      if ((name === 'redirect' || name === 'exp') && seen.has(name)) {
        note(`the ${name}= modifier appears more than once`);
        continue;
      }
      seen.add(name);
      const error = name === 'redirect' || name === 'exp' ? domainSpecError(value) : macroStringError(value, false);
      if (error) {
        note(`${name}=: ${error} in "${term.slice(0, 60)}"`);
        continue;
      }
      terms.push({ type: 'modifier', name, value });
      continue;
    }
    const local: string[] = [];
    const mechanism = parseDirective(term, local);
    for (const error of local) note(error);
    if (mechanism) terms.push(mechanism);
  }
  return { terms, errors, errorCount };
}

export function formatTerm(term: SpfTerm): string {
  if (term.type === 'modifier') return `${term.name}=${term.value}`;
  let out = `${term.explicit ? term.qualifier : ''}${term.kind}`;
  if (term.target !== undefined) out += `:${term.target}`;
  if (term.cidr4 !== undefined) out += `/${term.cidr4}`;
  // ip6 has one prefix length ("/64"); a and mx write the IPv6 one after a double slash.
  if (term.cidr6 !== undefined) out += term.kind === 'ip6' ? `/${term.cidr6}` : `//${term.cidr6}`;
  return out;
}

/** The record as text: "v=spf1" and the terms, one space apart. */
export function formatSpf(record: Pick<SpfRecord, 'terms'>): string {
  return ['v=spf1', ...record.terms.map(formatTerm)].join(' ');
}

/** The first "all" mechanism (later terms are never reached), or undefined. */
export function allOf(record: Pick<SpfRecord, 'terms'>): SpfMechanism | undefined {
  return record.terms.find((t): t is SpfMechanism => t.type === 'mechanism' && t.kind === 'all');
}

/** redirect= applies only when the record has no "all" mechanism (§6.1). */
export function redirectOf(record: Pick<SpfRecord, 'terms'>): string | undefined {
  if (allOf(record)) return undefined;
  const modifier = record.terms.find((t): t is SpfModifier => t.type === 'modifier' && t.name === 'redirect');
  return modifier?.value;
}

/** DNS-querying terms of one record, counted as a receiver counts them (redirect only when it applies). */
export function lookupTerms(record: Pick<SpfRecord, 'terms'>): SpfTerm[] {
  const redirect = redirectOf(record);
  return record.terms.filter((t) =>
    t.type === 'mechanism' ? LOOKUP_TERMS.has(t.kind) : t.name === 'redirect' && redirect !== undefined,
  );
}
