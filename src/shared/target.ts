// Turns what an analyst typed into an entity key (domain, IP or email address), or a message
// saying exactly what is wrong with it. Runs in the renderer and in the core alike.
import ipaddr from 'ipaddr.js';
import punycode from 'punycode/punycode.js';
import type { EntityKey } from './model';

export interface ParsedTarget {
  key: EntityKey;
  /** The Unicode form of an IDN domain (or of an email's domain), when it differs. */
  unicode?: string;
  /** Why the name may imitate another (mixed scripts), when it may. */
  homograph?: string;
  /** Private, loopback, link-local or reserved address, or a name that stands for one. */
  internal?: string;
}

export type TargetResult = { ok: true; target: ParsedTarget } | { ok: false; error: string };

// Underscores are not host-name characters but are real DNS labels (_dmarc, _spf, SRV owners).
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/;

/** Canonical IP text: IPv4 dotted quad, IPv6 RFC 5952 (IPv4-mapped kept as IPv6). */
export function canonicalIp(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  // ipaddr accepts legacy forms like "127.1" and octal; only full dotted quads are addresses here.
  if (ipaddr.IPv4.isValid(text) && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.parse(text).toString();
}

/** The address class when it is not public unicast, else undefined. */
export function internalAddressClass(ip: string): string | undefined {
  const range = ipaddr.parse(ip).range();
  return range === 'unicast' ? undefined : range;
}

function scriptsOf(label: string): Set<string> {
  const scripts = new Set<string>();
  for (const ch of label) {
    if (/[\p{Script=Latin}]/u.test(ch)) scripts.add('Latin');
    else if (/[\p{Script=Cyrillic}]/u.test(ch)) scripts.add('Cyrillic');
    else if (/[\p{Script=Greek}]/u.test(ch)) scripts.add('Greek');
    else if (/[\p{Script=Armenian}]/u.test(ch)) scripts.add('Armenian');
    else if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) scripts.add('CJK');
    else if (/[\p{Script=Hangul}]/u.test(ch)) scripts.add('Hangul');
    else if (/[\p{Script=Arabic}]/u.test(ch)) scripts.add('Arabic');
    else if (/[\p{Script=Hebrew}]/u.test(ch)) scripts.add('Hebrew');
    else if (/[\p{L}]/u.test(ch)) scripts.add('Other');
  }
  return scripts;
}

/** Mixed-script labels (Latin with Cyrillic, Greek or Armenian, the classic look-alikes). */
function homographReason(unicode: string): string | undefined {
  for (const label of unicode.split('.')) {
    const scripts = scriptsOf(label);
    const confusable = ['Cyrillic', 'Greek', 'Armenian'].filter((s) => scripts.has(s));
    if (scripts.has('Latin') && confusable.length > 0) {
      return `label "${label}" mixes Latin with ${confusable.join(' and ')} letters: a possible look-alike of another name`;
    }
    if (scripts.size > 1 && !(scripts.size === 2 && scripts.has('CJK') && scripts.has('Latin'))) {
      return `label "${label}" mixes scripts (${[...scripts].join(', ')}): a possible look-alike of another name`;
    }
  }
  return undefined;
}

export function parseDomain(
  input: string,
): { ok: true; ascii: string; unicode: string } | { ok: false; error: string } {
  const text = input.trim().replace(/\.$/, '');
  if (text === '') return { ok: false, error: 'the domain is empty' };
  if (/\s/.test(text)) return { ok: false, error: 'a domain cannot contain spaces' };
  if (/[/:@?#\\]/.test(text)) return { ok: false, error: 'type a bare domain name, without scheme, path or port' };
  const rawLabels = text.split('.');
  if (rawLabels.some((l) => l === '')) return { ok: false, error: 'the domain has an empty label (two dots in a row)' };
  let labels: string[];
  try {
    labels = rawLabels.map((l) => {
      const lower = l.normalize('NFC').toLowerCase();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
      return /^[\x00-\x7f]*$/.test(lower) ? lower : `xn--${punycode.encode(lower)}`;
    });
  } catch {
    return { ok: false, error: 'the domain contains characters that cannot be encoded as an IDN' };
  }
  for (const label of labels) {
    if (label.length > 63)
      return {
        ok: false,
        error: `the label "${label.slice(0, 20)}…" is ${label.length} characters long; at most 63 are allowed`,
      };
    if (!LABEL.test(label)) {
      return { ok: false, error: `the label "${label}" may hold only letters, digits, underscores and inner hyphens` };
    }
  }
  const ascii = labels.join('.');
  if (ascii.length > 253)
    return { ok: false, error: `the domain is ${ascii.length} characters long; at most 253 are allowed` };
  if (labels.length < 2) return { ok: false, error: 'a domain needs at least two labels, such as example.com' };
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? ''))
    return { ok: false, error: 'the last label of a domain cannot be all digits' };
  let unicode: string;
  try {
    unicode = labels.map((l) => (l.startsWith('xn--') ? punycode.decode(l.slice(4)) : l)).join('.');
  } catch {
    return { ok: false, error: 'the domain has an invalid xn-- (punycode) label' };
  }
  return { ok: true, ascii, unicode };
}

function domainTarget(type: 'domain' | 'email', value: string, ascii: string, unicode: string): ParsedTarget {
  const target: ParsedTarget = { key: { type, value } };
  if (unicode !== ascii) target.unicode = type === 'email' ? value.replace(ascii, unicode) : unicode;
  const homograph = homographReason(unicode);
  if (homograph) target.homograph = homograph;
  if (INTERNAL_NAMES.test(ascii)) target.internal = 'a name reserved for internal networks';
  return target;
}

/** Parses a domain, an IPv4 / IPv6 address or an email address typed by a person. */
export function parseTarget(input: string): TargetResult {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Type a domain, an IP address or an email address.' };
  if (text.length > 320)
    return {
      ok: false,
      error: `The input is ${text.length} characters long; no domain, IP or email address is that long.`,
    };
  const bracketless = text.replace(/^\[(.*)\]$/, '$1');
  if (/^[0-9.]+$/.test(bracketless) || /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(bracketless)) {
    const ip = canonicalIp(bracketless);
    if (!ip) return { ok: false, error: `"${text}" is not a valid IPv4 or IPv6 address.` };
    const target: ParsedTarget = { key: { type: 'ip', value: ip } };
    const internal = internalAddressClass(ip);
    if (internal) target.internal = `a ${internal} address`;
    return { ok: true, target };
  }
  if (text.includes('@')) {
    const at = text.lastIndexOf('@');
    const local = text.slice(0, at);
    if (local === '' || local.length > 64)
      return { ok: false, error: 'The part before @ must be 1 to 64 characters long.' };
    if (/\s/.test(local) || local.includes('@'))
      return { ok: false, error: 'The part before @ cannot contain spaces or another @.' };
    if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
      return { ok: false, error: 'The part before @ cannot start or end with a dot or hold two dots in a row.' };
    }
    const domain = parseDomain(text.slice(at + 1));
    if (!domain.ok) return { ok: false, error: `Not a valid email address: ${domain.error}.` };
    return { ok: true, target: domainTarget('email', `${local}@${domain.ascii}`, domain.ascii, domain.unicode) };
  }
  const domain = parseDomain(text);
  if (!domain.ok) return { ok: false, error: `Not a valid domain: ${domain.error}.` };
  return { ok: true, target: domainTarget('domain', domain.ascii, domain.ascii, domain.unicode) };
}

/** Canonical value for an entity key of a given type; undefined when the value is not valid. */
export function canonicalValue(type: EntityKey['type'], value: string): string | undefined {
  switch (type) {
    case 'domain': {
      const d = parseDomain(value);
      return d.ok ? d.ascii : undefined;
    }
    case 'ip':
      return canonicalIp(value.trim());
    case 'email': {
      const r = parseTarget(value);
      return r.ok && r.target.key.type === 'email' ? r.target.key.value : undefined;
    }
    default: {
      const v = value.trim();
      return v === '' ? undefined : v;
    }
  }
}
