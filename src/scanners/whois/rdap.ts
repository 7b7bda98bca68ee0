// RDAP (RFC 9083) domain lookups over ctx.net.http, validated with zod before anything is read:
// an answer of the wrong shape becomes a finding, never a crash. The result has the same shape
// as a parsed WHOIS text so the two merge field by field.
import * as z from 'zod';
import type { HttpResponse, Net } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { parseWhoisDate } from './dates';
import { isRedacted, type WhoisRecord } from './parse';

export const MAX_RDAP_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

const Link = z.looseObject({
  href: z.string().max(4096).optional(),
  rel: z.string().optional(),
  type: z.string().optional(),
});
const Event = z.looseObject({ eventAction: z.string(), eventDate: z.string() });
const PublicId = z.looseObject({ type: z.string(), identifier: z.string() });
/** jCard (RFC 7095): ["vcard", [[name, params, type, value, ...], ...]]. */
const VCardArray = z.tuple([z.literal('vcard'), z.array(z.tuple([z.string(), z.unknown(), z.unknown()], z.unknown()))]);

interface RdapEntity {
  roles?: string[] | undefined;
  handle?: string | undefined;
  vcardArray?: z.infer<typeof VCardArray> | undefined;
  publicIds?: z.infer<typeof PublicId>[] | undefined;
  entities?: RdapEntity[] | undefined;
  links?: z.infer<typeof Link>[] | undefined;
}
const Entity: z.ZodType<RdapEntity> = z.lazy(() =>
  z.looseObject({
    roles: z.array(z.string()).optional(),
    handle: z.string().optional(),
    vcardArray: VCardArray.optional(),
    publicIds: z.array(PublicId).optional(),
    entities: z.array(Entity).optional(),
    links: z.array(Link).optional(),
  }),
);

export const RdapDomain = z.looseObject({
  objectClassName: z.literal('domain'),
  ldhName: z.string().optional(),
  status: z.array(z.string()).optional(),
  events: z.array(Event).optional(),
  entities: z.array(Entity).optional(),
  nameservers: z.array(z.looseObject({ ldhName: z.string().optional() })).optional(),
  secureDNS: z.looseObject({ delegationSigned: z.boolean().optional() }).optional(),
  links: z.array(Link).optional(),
  port43: z.string().optional(),
  redacted: z.array(z.looseObject({ name: z.looseObject({ type: z.string().optional() }).optional() })).optional(),
});
export type RdapDomain = z.infer<typeof RdapDomain>;

export type RdapOutcome =
  | { kind: 'record'; url: string; body: string; record: WhoisRecord; related: string | null }
  | { kind: 'not-found'; url: string; body: string; status: number }
  | { kind: 'throttled'; url: string; body: string; status: number }
  | { kind: 'invalid'; url: string; body: string; reason: string }
  | { kind: 'http-error'; url: string; body: string; status: number };

/** "client transfer prohibited" -> "clientTransferProhibited"; RDAP "active" is EPP "ok" (RFC 8056). */
export function eppStatus(rdap: string): string {
  const words = rdap.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && words[0] === 'active') return 'ok';
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

function vcardValues(entity: RdapEntity, name: string): unknown[] {
  const props = entity.vcardArray?.[1] ?? [];
  return props.filter((p) => p[0] === name).map((p) => p[3]);
}

function vcardText(entity: RdapEntity, name: string): string | undefined {
  for (const v of vcardValues(entity, name)) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 300);
    if (Array.isArray(v)) {
      const text = v.filter((x): x is string => typeof x === 'string' && x !== '').join(' ');
      if (text !== '') return text.slice(0, 300);
    }
  }
  return undefined;
}

function vcardCountry(entity: RdapEntity): string | undefined {
  for (const p of entity.vcardArray?.[1] ?? []) {
    if (p[0] !== 'adr') continue;
    const params = p[1];
    if (params && typeof params === 'object' && 'cc' in params) {
      const cc = (params as { cc?: unknown }).cc;
      if (typeof cc === 'string' && /^[a-z]{2}$/i.test(cc)) return cc.toUpperCase();
    }
    const value = p[3];
    if (Array.isArray(value)) {
      const country = value[6];
      if (typeof country === 'string' && country.trim() !== '') return country.trim().slice(0, 60);
    }
  }
  return undefined;
}

function withRole(entities: readonly RdapEntity[], role: string, depth = 0): RdapEntity | undefined {
  if (depth > 4) return undefined;
  for (const e of entities) if (e.roles?.includes(role)) return e;
  for (const e of entities) {
    const inner = withRole(e.entities ?? [], role, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** Reads a validated RDAP domain object into the WHOIS record shape. */
export function recordFromRdap(domain: RdapDomain): WhoisRecord {
  const entities = domain.entities ?? [];
  const registrar = entities.find((e) => e.roles?.includes('registrar'));
  const abuse = registrar ? withRole(registrar.entities ?? [], 'abuse') : withRole(entities, 'abuse');
  const registrant = entities.find((e) => e.roles?.includes('registrant'));
  const problems: string[] = [];
  const event = (action: string) => {
    const found = domain.events?.find((e) => e.eventAction.toLowerCase() === action);
    if (!found) return null;
    const date = parseWhoisDate(found.eventDate);
    if (!date) problems.push(`${action} "${found.eventDate.slice(0, 80)}" is not a date`);
    return date;
  };
  const nameServers: string[] = [];
  for (const ns of domain.nameservers ?? []) {
    const host = ns.ldhName ? canonicalValue('domain', ns.ldhName.replace(/\.$/, '')) : undefined;
    if (host && !nameServers.includes(host) && nameServers.length < 64) nameServers.push(host);
  }
  let organization: string | null = null;
  let redacted = (domain.redacted ?? []).some((r) => /registrant/i.test(r.name?.type ?? ''));
  if (registrant) {
    const kind = vcardText(registrant, 'kind');
    const org = vcardText(registrant, 'org') ?? (kind === 'org' ? vcardText(registrant, 'fn') : undefined);
    for (const v of [org, vcardText(registrant, 'fn'), vcardText(registrant, 'email')]) {
      if (v && isRedacted(v)) redacted = true;
    }
    if (org && !isRedacted(org)) organization = org;
  }
  const ianaId =
    registrar?.publicIds?.find((p) => /iana/i.test(p.type) && /^\d{1,6}$/.test(p.identifier))?.identifier ?? null;
  const registrarUrl = registrar?.links?.find((l) => l.rel === 'about' || l.rel === 'self')?.href ?? null;
  const abuseEmail = abuse ? vcardText(abuse, 'email') : undefined;
  const related = domain.links?.find(
    (l) => l.rel === 'related' && l.href && /rdap\+json/i.test(l.type ?? 'application/rdap+json'),
  )?.href;
  const country = registrant ? vcardCountry(registrant) : undefined;
  return {
    domain: domain.ldhName?.toLowerCase() ?? null,
    registrar: {
      name: registrar ? (vcardText(registrar, 'fn') ?? vcardText(registrar, 'org') ?? null) : null,
      ianaId,
      url: registrarUrl,
      whoisServer: null,
    },
    registrant: { organization, country: country ?? null, redacted },
    created: event('registration'),
    expires: event('expiration'),
    updated: event('last changed'),
    status: [...new Set((domain.status ?? []).slice(0, 32).map(eppStatus))],
    nameServers,
    dnssec:
      domain.secureDNS?.delegationSigned === undefined
        ? null
        : domain.secureDNS.delegationSigned
          ? 'signed'
          : 'unsigned',
    abuse: {
      email: abuseEmail ? (canonicalValue('email', abuseEmail.replace(/^mailto:/i, '')) ?? null) : null,
      phone: abuse ? (vcardText(abuse, 'tel')?.replace(/^tel:/i, '') ?? null) : null,
    },
    notFound: false,
    rateLimited: false,
    rateLimitText: null,
    referral: related ?? null,
    problems,
  };
}

function bodyText(response: HttpResponse): string {
  return new TextDecoder('utf-8').decode(response.body);
}

function zodSummary(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates an RDAP answer body; never throws. */
export function readRdapBody(url: string, body: string): RdapOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'invalid', url, body, reason: 'the answer is not JSON' };
  }
  try {
    const parsed = RdapDomain.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', url, body, reason: zodSummary(parsed.error) };
    const record = recordFromRdap(parsed.data);
    return { kind: 'record', url, body, record, related: record.referral };
  } catch (error) {
    // Absurd nesting can exhaust the stack; that is a malformed answer too.
    return { kind: 'invalid', url, body, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** GET an RDAP URL, following up to three redirects (rdap.org-style redirectors answer 302). */
export async function fetchRdap(
  net: Net,
  startUrl: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<RdapOutcome> {
  let url = startUrl;
  for (let hop = 0; ; hop++) {
    const response = await net.http({
      url,
      method: 'GET',
      headers: { Accept: 'application/rdap+json, application/json;q=0.9' },
      maxBodyBytes: MAX_RDAP_BYTES,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const location = response.headers.find(([name]) => name.toLowerCase() === 'location')?.[1];
    if (response.status >= 300 && response.status < 400 && location && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return { kind: 'http-error', url, body: bodyText(response), status: response.status };
      }
      url = next.toString();
      continue;
    }
    const body = bodyText(response);
    if (response.status === 404) return { kind: 'not-found', url, body, status: 404 };
    if (response.status === 429) return { kind: 'throttled', url, body, status: 429 };
    if (response.status < 200 || response.status >= 300) {
      return { kind: 'http-error', url, body, status: response.status };
    }
    const outcome = readRdapBody(url, body);
    if (outcome.kind === 'invalid' && response.bodyTruncated) {
      return { ...outcome, reason: `the answer was cut short (over ${MAX_RDAP_BYTES} bytes or closed early)` };
    }
    return outcome;
  }
}
