// Alt-Svc (RFC 7838 3): `clear`, or a comma-separated list of `protocol-id="host:port"` with
// parameters (`ma`, `persist`). HTTP/3 is advertised as `h3` (and the drafts as `h3-NN`).
import { nameValue, splitOutsideQuotes, unquote } from './fields';

export interface AltService {
  /** The ALPN protocol id, percent-decoded where it can be. */
  protocol: string;
  /** The alternative host; empty means the same host. */
  host: string;
  port: number | null;
  /** Freshness in seconds (`ma`); null when absent (24 hours by default). */
  maxAge: number | null;
}

export interface AltSvc {
  clear: boolean;
  services: AltService[];
}

/** Entries read per header value; real ones list a handful. */
const MAX_ENTRIES = 64;

function decodeProtocol(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

function parseEntry(entry: string): AltService | null {
  const [first = '', ...params] = splitOutsideQuotes(entry, ';');
  const eq = first.indexOf('=');
  if (eq <= 0) return null;
  const authority = unquote(first.slice(eq + 1).trim());
  const colon = authority.lastIndexOf(':');
  if (colon < 0) return null;
  const portText = authority.slice(colon + 1);
  let maxAge: number | null = null;
  for (const param of params) {
    const { name, value } = nameValue(param);
    if (name === 'ma' && value !== null && /^[0-9]{1,15}$/.test(value)) maxAge = Number(value);
  }
  return {
    protocol: decodeProtocol(first.slice(0, eq).trim()),
    host: authority.slice(0, colon),
    port: /^[0-9]{1,5}$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : null,
    maxAge,
  };
}

export function parseAltSvc(values: readonly string[]): AltSvc {
  const result: AltSvc = { clear: false, services: [] };
  for (const value of values) {
    if (value.trim().toLowerCase() === 'clear') {
      result.clear = true;
      continue;
    }
    for (const entry of splitOutsideQuotes(value, ',').slice(0, MAX_ENTRIES)) {
      const service = parseEntry(entry);
      if (service && result.services.length < MAX_ENTRIES) result.services.push(service);
    }
  }
  return result;
}

/** The HTTP/3 alternatives advertised (h3 and its drafts). */
export function http3Services(altSvc: AltSvc): AltService[] {
  return altSvc.clear ? [] : altSvc.services.filter((s) => s.protocol === 'h3' || s.protocol.startsWith('h3-'));
}
