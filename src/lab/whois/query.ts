// Reading a WHOIS query (RFC 3912: one line, CRLF-terminated) and the domain it asks about.
// Clients differ: Verisign's own form is "domain example.com", "=example.com" asks for an exact
// match, DENIC's client sends "-T dn,ace example.de". All of them mean the same lookup here.
import { domainToASCII } from 'node:url';

/** The longest query line accepted; real servers answer far shorter ones. */
export const MAX_QUERY_BYTES = 1024;

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

export type QueryLine =
  | { kind: 'line'; text: string }
  | { kind: 'incomplete' }
  /** More than MAX_QUERY_BYTES without a line end. */
  | { kind: 'too-long' };

/** The first line of what a client sent so far (CRLF or bare LF ends it). */
export function takeQueryLine(received: Buffer, ended = false): QueryLine {
  const newline = received.indexOf(0x0a);
  const end = newline >= 0 ? newline : ended ? received.length : -1;
  if (end < 0) return received.length > MAX_QUERY_BYTES ? { kind: 'too-long' } : { kind: 'incomplete' };
  if (end > MAX_QUERY_BYTES) return { kind: 'too-long' };
  const text = received.subarray(0, end).toString('utf8').replace(/\r$/, '');
  return { kind: 'line', text };
}

/**
 * The domain name a query line asks about, lowercase and in ASCII (IDNs converted), or null
 * when the line is not a single valid domain name.
 */
export function parseWhoisQuery(line: string): string | null {
  let rest = line.trim();
  for (let guard = 0; guard < 8; guard++) {
    const before = rest;
    rest = rest
      .replace(/^=\s*/, '')
      .replace(/^domain\s+/i, '')
      // DENIC / RIPE-style flags with one argument ("-T dn,ace", "-C UTF-8").
      .replace(/^-[A-Za-z]\s+\S+\s+/, '');
    if (rest === before) break;
  }
  if (rest === '' || /\s/.test(rest)) return null;
  let name = rest.replace(/\.$/, '').toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching anything outside ASCII on purpose.
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (name === '') return null;
  }
  if (name.length === 0 || name.length > 253) return null;
  return name.split('.').every((label) => LABEL.test(label)) ? name : null;
}

/** The query as a server echoes it in "No match" answers: printable ASCII, bounded. */
export function echoQuery(line: string): string {
  return line
    .trim()
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200);
}
