// Reads the text a WHOIS server answered into registration fields. There is no standard: ICANN
// "Key: Value" records, RIPE-style blocks (.fr, .cz, .at, .br), indented sections (.uk, .nl,
// .eu, .be, .edu), JPRS "[Key] value" lines, dotted keys (.fi, .kz), tab-separated ones (.ch),
// Korean and English twins (.kr). The parser turns every line into a key/value, a section header
// or a value line, and reads fields from the first place that gives them. The text is written
// by whoever runs the server: it is bounded per line, never evaluated, and never trusted.
import { canonicalValue } from '../../shared/target';
import { type DayOrder, dayOrderOf, parseWhoisDate, type WhoisDate } from './dates';

export interface WhoisRecord {
  /** The domain the answer is about, when it names one (lowercase, as printed). */
  domain: string | null;
  registrar: {
    name: string | null;
    ianaId: string | null;
    url: string | null;
    whoisServer: string | null;
  };
  registrant: {
    organization: string | null;
    country: string | null;
    /** Some registrant field carries a redaction or privacy-service text. */
    redacted: boolean;
  };
  created: WhoisDate | null;
  expires: WhoisDate | null;
  updated: WhoisDate | null;
  /** Status words as printed (EPP names without their URL, or the registry's own word). */
  status: string[];
  /** Host names, lowercase, no trailing dot, no IP addresses, without repeats. */
  nameServers: string[];
  dnssec: 'signed' | 'unsigned' | null;
  abuse: { email: string | null; phone: string | null };
  /** The server says the name is not registered. */
  notFound: boolean;
  /** The server refused the query for a rate or quota limit. */
  rateLimited: boolean;
  /** The line that says so, for the finding. */
  rateLimitText: string | null;
  /** Where the answer sends the client next ("refer:", "Registrar WHOIS Server:", ...). */
  referral: string | null;
  /** Values that could not be read (dates that are not dates), for the report. */
  problems: string[];
}

/** Characters of a line looked at; a hostile server may send one line of a megabyte. */
const MAX_LINE = 1000;
/** Lines looked at; the client stops reading at 1 MB anyway. */
const MAX_LINES = 200_000;
const MAX_VALUE = 300;
const MAX_NAME_SERVERS = 64;
const MAX_STATUS = 32;

type Field =
  | 'domain'
  | 'registrar'
  | 'registrarName'
  | 'ianaId'
  | 'registrarUrl'
  | 'whoisServer'
  | 'refer'
  | 'created'
  | 'updated'
  | 'expires'
  | 'status'
  | 'ns'
  | 'dnssec'
  | 'abuseEmail'
  | 'abusePhone'
  | 'registrantOrg'
  | 'registrantValue'
  | 'registrantName'
  | 'registrantEmail'
  | 'registrantCountry';

const KEYS: ReadonlyArray<readonly [Field, readonly string[]]> = [
  ['domain', ['domain name', 'domain', 'domainname', 'domain name ascii']],
  [
    'registrar',
    [
      'registrar',
      'sponsoring registrar',
      'registrar name',
      'registration service provider',
      'authorized agency',
      '등록대행자',
      'current registar',
      'registrar of record',
      'sponsoring registrar organization',
    ],
  ],
  ['ianaId', ['registrar iana id', 'iana id', 'sponsoring registrar iana id', 'registrar iana']],
  [
    'registrarUrl',
    ['registrar url', 'referral url', 'registration service url', 'registrar info', 'registrar website'],
  ],
  ['whoisServer', ['registrar whois server', 'whois server', 'referralserver', 'registrar whois']],
  ['refer', ['refer', 'whois']],
  [
    'created',
    [
      'creation date',
      'created',
      'created on',
      'created date',
      'registered',
      'registered on',
      'registered date',
      'registration time',
      'registration date',
      'record created',
      'record created on',
      'domain created',
      'domain registered',
      'domain registration date',
      'domain record activated',
      'first registration date',
      'domain name commencement date',
      'assigned',
      '등록일',
    ],
  ],
  [
    'updated',
    [
      'updated date',
      'updated',
      'updated on',
      'last updated',
      'last updated on',
      'last updated date',
      'last update',
      'last modified',
      'last modified date',
      'modified',
      'modification date',
      'changed',
      'update date',
      'domain datelastmodified',
      'domain record last updated',
      '최근 정보 변경일',
    ],
  ],
  [
    'expires',
    [
      'registry expiry date',
      'registrar registration expiration date',
      'registry expiration date',
      'expiration date',
      'expiration time',
      'expiry date',
      'expiry',
      'expires',
      'expires on',
      'expire',
      'expire date',
      'renewal date',
      'paid till',
      'valid until',
      'validity',
      'domain expires',
      'domain expiration date',
      'record will expire on',
      'record expires on',
      '사용 종료일',
    ],
  ],
  ['status', ['domain status', 'status', 'state', 'registration status']],
  [
    'ns',
    [
      'name server',
      'name servers',
      'nameserver',
      'nameservers',
      'nserver',
      'ns name',
      'hostname',
      'host name',
      'primary server',
      'secondary server',
      'dns',
      '호스트이름',
    ],
  ],
  ['dnssec', ['dnssec', 'signed', 'domain signed', 'signing key']],
  ['abuseEmail', ['registrar abuse contact email', 'abuse contact email', 'abuse email', 'registrar abuse email']],
  ['abusePhone', ['registrar abuse contact phone', 'abuse contact phone', 'abuse phone', 'registrar abuse phone']],
  [
    'registrantOrg',
    [
      'registrant organization',
      'registrant organisation',
      'registrant organization name',
      'registrant company',
      'owner organization',
      'organization',
      'organisation',
      'org',
    ],
  ],
  ['registrantValue', ['registrant', 'owner', 'owner name', '등록인', 'holder']],
  ['registrantName', ['registrant name', 'registrant contact name']],
  ['registrantEmail', ['registrant email', 'registrant contact email', 'registrant e mail']],
  ['registrantCountry', ['registrant country', 'registrant country code']],
];

const FIELD_OF = new Map<string, Field>();
for (const [field, keys] of KEYS) for (const key of keys) FIELD_OF.set(key, field);

type SectionKind = 'registrar' | 'registrant' | 'ns' | 'status' | 'domain' | 'dates' | 'other';

/** Header names that open a section, colon or not; any other "Key:" with no value opens 'other'. */
const SECTIONS = new Map<string, SectionKind>([
  ['registrar', 'registrar'],
  ['registrar information', 'registrar'],
  ['registration service provider', 'registrar'],
  ['sponsoring registrar', 'registrar'],
  ['registrant', 'registrant'],
  ['registrant contact information', 'registrant'],
  ['domain registrant', 'registrant'],
  ['holder', 'registrant'],
  ['owner', 'registrant'],
  ['owner contact', 'registrant'],
  ['organization using domain name', 'registrant'],
  ['name servers', 'ns'],
  ['nameservers', 'ns'],
  ['name server', 'ns'],
  ['domain nameservers', 'ns'],
  ['domain name servers', 'ns'],
  ['name servers information', 'ns'],
  ['domain servers', 'ns'],
  ['domain servers in listed order', 'ns'],
  ['nameserver in listed order', 'ns'],
  ['primary name server', 'ns'],
  ['secondary name server', 'ns'],
  ['dns servers', 'ns'],
  ['1차 네임서버 정보', 'ns'],
  ['2차 네임서버 정보', 'ns'],
  ['registration status', 'status'],
  ['domain', 'domain'],
  ['domain name', 'domain'],
  ['domain information', 'domain'],
  ['relevant dates', 'dates'],
  ['administrative contact', 'other'],
  ['administrative contact agent', 'other'],
  ['admin contact', 'other'],
  ['technical contact', 'other'],
  ['technical contacts', 'other'],
  ['tech contact', 'other'],
  ['tech', 'other'],
  ['billing contact', 'other'],
  ['contact information', 'other'],
  ['registrar technical contacts', 'other'],
  ['abuse contact', 'other'],
  ['dnssec', 'other'],
  ['additional info', 'other'],
]);

/** Keys that open their section even when they carry a value ("Registrar: MARK-0292" then "Name:"). */
const OPEN_WITH_VALUE = new Set([
  'registrar',
  'sponsoring registrar',
  'registration service provider',
  'registrant',
  'domain registrant',
  'holder',
  'owner',
  'administrative contact',
  'admin contact',
  'technical contact',
  'tech contact',
  'billing contact',
]);

/** Headers written without a colon ("Nameservers", "Registrar"): only these known ones count. */
const BARE_HEADERS = new Set([
  'registrar',
  'registrant',
  'holder',
  'tech',
  'nameservers',
  'name servers',
  'domain nameservers',
  'dnssec',
  'nameserver in listed order',
  'primary name server',
  'secondary name server',
  'organization using domain name',
  'administrative contact agent',
  'technical contacts',
  'admin contact',
  '1차 네임서버 정보',
  '2차 네임서버 정보',
]);

const REDACTED =
  /redacted|privacy|gdpr|data protected|not disclosed|withheld|masked|hidden|whoisguard|domains by proxy|private person|not shown|please query the rdds|contact the registrar|statutory masking|identity protect|data not disclosed|non-public|^n\/?a$/i;

const NOT_FOUND: readonly RegExp[] = [
  /^[%#\s]*no match(?:es)?\b/i,
  /^[%#\s]*(?:domain |object )?not found\b/i,
  /^[%#\s]*no matching record/i,
  /^[%#\s]*no entries found/i,
  /^[%#\s]*no data found/i,
  /^[%#\s]*no object found/i,
  /^[%#\s]*(?:the )?(?:queried )?object does not exist/i,
  /^[%#\s]*status:\s*(?:free|available)\s*$/i,
  /^\S+ is free\s*$/i,
  /^[%#\s]*the requested domain was not found/i,
  /^[%#\s]*this domain name has not been registered/i,
  /^[%#\s]*domain (?:name )?(?:\S+ )?(?:is )?not (?:registered|found)/i,
  /등록되어 있지 않습니다/,
];

const RATE_LIMIT: readonly RegExp[] = [
  /limit exceeded/i,
  /\bquota\b/i,
  /too many (?:requests|queries|connections)/i,
  /access control limit/i,
  /\brate[- ]limit(?:ed|ing)?\b/i,
  /limit (?:has been )?reached/i,
  /maximum (?:number of )?(?:queries|requests|lookups)[^.]{0,40}(?:reached|exceeded)/i,
  /only \d+ (?:requests?|queries|lookups?) per (?:second|minute|hour|day) allowed/i,
  /try again later/i,
  /still in grace period, wait/i,
  /queried interval is too short/i,
  /you have exceeded/i,
  /exceeded (?:the )?(?:maximum|allowed|permitted)/i,
];

interface Line {
  /** Leading whitespace width (tabs count as 8). */
  indent: number;
  text: string;
  paragraph: number;
  key?: string;
  value?: string;
}

function indentOf(raw: string): number {
  let width = 0;
  for (const ch of raw) {
    if (ch === ' ') width++;
    else if (ch === '\t') width += 8;
    else break;
  }
  return width;
}

/** "Registrant State/Province", "paid-till", "ns_name_01", "created......" -> comparable keys. */
export function normaliseKey(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[._\-/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ \d{1,2}$/, '');
}

const TIME_FREE_TEXT = /^(record (?:expires|created|last updated) on|record will expire on)\s+(.+)$/i;

/** Splits one line into key and value, or leaves it a plain text line. */
function splitLine(text: string): { key: string; value: string } | undefined {
  const jp = /^(?:[a-z]\.\s*)?\[([^\][\s][^\][]{0,58})\]\s*(.*)$/.exec(text);
  if (jp) return { key: jp[1] ?? '', value: jp[2] ?? '' };
  const free = TIME_FREE_TEXT.exec(text);
  if (free) return { key: free[1] ?? '', value: free[2] ?? '' };
  const colon = text.indexOf(':');
  if (colon > 0 && colon <= 240) {
    const key = text.slice(0, colon);
    const after = text.slice(colon + 1);
    const words = key
      .replace(/\([^)]*\)/g, ' ')
      .trim()
      .split(/\s+/);
    // "http://...", "10:12:31", and sentences that happen to hold a colon are not keys.
    const isKey =
      !after.startsWith('//') && !(/\d$/.test(key) && /^\d/.test(after)) && words.length <= 8 && !/^[<>"']/.test(key);
    if (isKey) return { key, value: after.trim() };
  }
  const tab = /^([^\t]{1,60}?)\t+(.+)$/.exec(text);
  if (tab) return { key: tab[1] ?? '', value: (tab[2] ?? '').trim() };
  return undefined;
}

function toLines(text: string): Line[] {
  const lines: Line[] = [];
  let paragraph = 0;
  let blank = true;
  let count = 0;
  let start = 0;
  while (start <= text.length && count < MAX_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, Math.min(end, start + MAX_LINE)).replace(/\r$/, '');
    start = end + 1;
    count++;
    const trimmed = raw.trim();
    if (trimmed === '') {
      if (!blank) paragraph++;
      blank = true;
      lines.push({ indent: 0, text: '', paragraph });
      continue;
    }
    blank = false;
    // Comments and banners: RIPE "%", "#", ">>> Last update of WHOIS database <<<", JPRS "[ ... ]".
    if (/^(?:%|#|>>>|\[\s)/.test(trimmed) || /^-{2,}|^\*{5,}/.test(trimmed)) continue;
    const body = trimmed.replace(/^\*\*\s*/, '');
    const line: Line = { indent: indentOf(raw), text: body, paragraph };
    const kv = splitLine(body);
    if (kv) {
      line.key = normaliseKey(kv.key);
      line.value = kv.value.slice(0, MAX_VALUE);
    }
    lines.push(line);
  }
  return lines;
}

function firstToken(value: string): string {
  return value.split(/[\s,|]+/)[0] ?? '';
}

function hostname(value: string): string | undefined {
  const token = firstToken(value.trim())
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[/:].*$/, '')
    .replace(/\.$/, '');
  if (token === '' || token.length > 253) return undefined;
  return canonicalValue('domain', token);
}

/** "clientTransferProhibited https://icann.org/epp#...", "ok (paid and in zone)", "a, b". */
function statusWords(value: string): string[] {
  const out: string[] = [];
  for (const piece of value.split(',')) {
    const word = piece
      .replace(/\(?\s*https?:\/\/\S*\)?/gi, '')
      .replace(/\([^)]*\)/g, '')
      .replace(/\s+-\s.*$/, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (word !== '') out.push(word);
  }
  return out;
}

function dnssecOf(value: string): 'signed' | 'unsigned' | null {
  const v = value.toLowerCase().trim();
  if (v === '') return null;
  if (/unsigned|^no\b|not signed|inactive|disabled|false|미서명|^none/.test(v)) return 'unsigned';
  if (/signed|^yes\b|^active|true|서명/.test(v)) return 'signed';
  return null;
}

function countryOf(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (/^[a-z]{2}$/i.test(v)) return v.toUpperCase();
  const code = /\(([A-Z]{2})\)|^([A-Z]{2})\s*\(/.exec(v);
  if (code) return (code[1] ?? code[2] ?? '').toUpperCase();
  return v.slice(0, 60);
}

/** Registrar values that are registry handles ("MARK-0292", "MARKMONITOR-REG"), not names. */
function isHandle(value: string): boolean {
  return /^[A-Z0-9][A-Z0-9_.]*-[A-Z0-9_.-]+$/.test(value);
}

export function isRedacted(value: string): boolean {
  return REDACTED.test(value);
}

function bareHeader(line: Line): boolean {
  if (line.key !== undefined) return false;
  return BARE_HEADERS.has(normaliseKey(line.text.replace(/:$/, '')));
}

/** Reads one WHOIS answer. Never throws; time is linear in the text. */
export function parseWhois(text: string): WhoisRecord {
  const lines = toLines(text);
  const found = new Map<Field, string[]>();
  const add = (field: Field, value: string): void => {
    const list = found.get(field);
    if (list) {
      if (list.length < 64) list.push(value);
    } else found.set(field, [value]);
  };
  const first = (field: Field): string | undefined => found.get(field)?.[0];

  const nameServers: string[] = [];
  const addNs = (value: string, domain?: string): void => {
    const host = hostname(value);
    if (host && host !== domain && !nameServers.includes(host) && nameServers.length < MAX_NAME_SERVERS) {
      nameServers.push(host);
    }
  };
  let statusParagraph: number | undefined;
  const status: string[] = [];
  const addStatus = (value: string, paragraph: number): void => {
    const words = statusWords(value);
    if (words.length === 0) return;
    statusParagraph ??= paragraph;
    if (paragraph !== statusParagraph) return;
    for (const w of words) if (!status.includes(w) && status.length < MAX_STATUS) status.push(w);
  };

  // Section state: the header that opened it, and where its value lines stand.
  let section: SectionKind | undefined;
  let sectionValues = 0;
  let sectionIndent = 0;
  /** Opened by "Key: value" (lasts to the paragraph's end) rather than by a header line. */
  let sectionFromValue = false;
  const seenSections = new Set<SectionKind>();
  let firstSectionOfKind = false;
  const registrarSection: { name?: string; org?: string; url?: string; value?: string } = {};
  const registrantSection: { org?: string; name?: string; value?: string; country?: string } = {};
  let lastKv: { line: Line; field: Field | undefined } | undefined;
  let redacted = false;

  const openSection = (kind: SectionKind, indent: number, fromValue = false): void => {
    section = kind;
    sectionFromValue = fromValue;
    sectionValues = 0;
    sectionIndent = indent;
    firstSectionOfKind = !seenSections.has(kind);
    seenSections.add(kind);
  };

  for (const line of lines) {
    if (line.text === '') {
      // A blank line ends a list of values, except right after the header (.hk puts one there).
      if (section !== undefined && sectionValues > 0 && (section === 'ns' || section === 'status')) section = 'other';
      if (sectionFromValue) section = undefined;
      lastKv = undefined;
      continue;
    }
    if (line.key === undefined) {
      if (bareHeader(line)) {
        openSection(SECTIONS.get(normaliseKey(line.text.replace(/:$/, ''))) ?? 'other', line.indent);
        lastKv = undefined;
        continue;
      }
      // An indented line under a key with a value continues that value (.pl name servers).
      if (lastKv && line.indent > lastKv.line.indent && lastKv.line.value) {
        if (lastKv.field === 'ns') addNs(line.text);
        continue;
      }
      if (section === undefined) continue;
      sectionValues++;
      const value = line.text.slice(0, MAX_VALUE);
      switch (section) {
        case 'ns':
          if (value.split(/\s+/).length <= 3) addNs(value);
          break;
        case 'status':
          if (sectionValues === 1) addStatus(value.replace(/,/g, ' '), line.paragraph);
          break;
        case 'registrar':
          if (firstSectionOfKind) registrarSection.value ??= value;
          break;
        case 'registrant':
          if (firstSectionOfKind) registrantSection.value ??= value;
          if (isRedacted(value)) redacted = true;
          break;
        case 'domain': {
          // Nominet prints the name alone; .tk prints "GOOGLE.TK is Active".
          const is = /^(\S+)\s+is\s+(.+)$/.exec(value);
          if (is) addStatus(is[2] ?? '', line.paragraph);
          const name = hostname(is?.[1] ?? value);
          if (name && !found.has('domain')) add('domain', name);
          break;
        }
        default:
          break;
      }
      continue;
    }

    const key = line.key;
    const value = line.value ?? '';
    const sectionKind = SECTIONS.get(key);
    let field = FIELD_OF.get(key);
    // Keys that mean something only inside a section ("Name:", "URL:", "Country:").
    if (section === 'registrar' && sectionIndent <= line.indent) {
      if (key === 'name' || key === 'registrar name') {
        if (value && firstSectionOfKind) registrarSection.name ??= value;
      } else if (key === 'organization' || key === 'organisation' || key === 'org') {
        if (value && firstSectionOfKind) registrarSection.org ??= value;
        field = undefined;
      } else if (['url', 'website', 'web', 'www', 'homepage', 'registrar url'].includes(key)) {
        if (value) registrarSection.url ??= value;
      }
    } else if (section === 'registrant') {
      if (
        ['organization', 'organisation', 'org', 'organization name', 'company name', 'company english name'].includes(
          key,
        )
      ) {
        if (value) registrantSection.org ??= value;
      } else if (key === 'name') {
        if (value) registrantSection.name ??= value;
      } else if (key === 'country' || key === 'country code') {
        if (value) registrantSection.country ??= value;
      }
      if (value && isRedacted(value) && !['type', 'registrant type'].includes(key)) redacted = true;
    } else if (section === 'ns' && (key === 'name' || key === 'server')) {
      field = 'ns';
    } else if (section === 'domain' && key === 'name') {
      field = 'domain';
    }
    // Generic "organization" outside a registrant section belongs to some contact, not the registrant.
    if (
      (key === 'organization' || key === 'organisation') &&
      section !== 'registrant' &&
      section !== 'domain' &&
      section !== undefined
    ) {
      field = undefined;
    }
    if (key.startsWith('registrant') && value && isRedacted(value)) redacted = true;

    if (key === 'state' && !sectionFromValue && (section === 'registrant' || section === 'other')) {
      // "State: California" in a contact is an address, not the domain's state.
      field = undefined;
    }
    if (sectionKind !== undefined && (value === '' || OPEN_WITH_VALUE.has(key))) {
      // "Registrar:" alone opens a section; "Registrar: MARK-0292" names the registrar and opens one.
      openSection(sectionKind, line.indent, value !== '');
    } else if (value === '' && field === undefined) {
      openSection('other', line.indent);
    }
    lastKv = { line, field };
    if (!value || field === undefined) continue;
    switch (field) {
      case 'ns':
        addNs(value, key === 'dns' ? (first('domain') ?? '').toLowerCase() : undefined);
        break;
      case 'status':
        addStatus(value, line.paragraph);
        break;
      default:
        add(field, value);
    }
  }

  // Dates: the first value of each that reads as a date; the record's own day order decides "03/02".
  const dateTexts = (['created', 'updated', 'expires'] as const).flatMap((f) => found.get(f) ?? []);
  const order: DayOrder = dayOrderOf(dateTexts) ?? 'dmy';
  const problems: string[] = [];
  const dateOf = (field: 'created' | 'updated' | 'expires'): WhoisDate | null => {
    for (const text of found.get(field) ?? []) {
      const date = parseWhoisDate(text, order);
      if (date) return date;
      problems.push(`${field} "${text.slice(0, 80)}" is not a date`);
    }
    return null;
  };

  const registrarValue = first('registrar');
  let registrarName: string | null = null;
  if (registrarValue && !isHandle(registrarValue)) registrarName = registrarValue;
  else if (registrarSection.name && !isHandle(registrarSection.name)) registrarName = registrarSection.name;
  else if (registrarSection.org) registrarName = registrarSection.org;
  else registrarName = registrarValue ?? registrarSection.value ?? registrarSection.name ?? null;

  const orgCandidates = [
    first('registrantOrg'),
    registrantSection.org,
    first('registrantValue'),
    registrantSection.name,
    registrantSection.value,
  ].filter((v): v is string => v !== undefined && v !== '');
  let organization: string | null = null;
  for (const candidate of orgCandidates) {
    if (isRedacted(candidate)) {
      redacted = true;
      break;
    }
    // A registry handle ("mmr8008-171440") names no one.
    if (/^[a-z0-9]+-[a-z0-9-]+$/i.test(candidate) && /\d/.test(candidate)) continue;
    organization = candidate;
    break;
  }
  for (const field of ['registrantName', 'registrantEmail'] as const) {
    if ((found.get(field) ?? []).some(isRedacted)) redacted = true;
  }

  const ianaId = found.get('ianaId')?.find((v) => /^\d{1,6}$/.test(v)) ?? null;
  const referral =
    [first('refer'), first('whoisServer')].map((v) => (v ? hostname(v) : undefined)).find((v) => v !== undefined) ??
    null;
  const emailOf = (v: string | undefined): string | null => (v ? (canonicalValue('email', v) ?? null) : null);

  const record: WhoisRecord = {
    domain: first('domain')?.toLowerCase() ?? null,
    registrar: {
      name: registrarName,
      ianaId,
      url: first('registrarUrl') ?? registrarSection.url ?? null,
      whoisServer: first('whoisServer') ? (hostname(first('whoisServer') ?? '') ?? null) : null,
    },
    registrant: {
      organization,
      country: countryOf(first('registrantCountry') ?? registrantSection.country ?? ''),
      redacted,
    },
    created: dateOf('created'),
    expires: dateOf('expires'),
    updated: dateOf('updated'),
    status,
    nameServers,
    dnssec: dnssecOf(first('dnssec') ?? ''),
    abuse: { email: emailOf(first('abuseEmail')), phone: first('abusePhone') ?? null },
    notFound: false,
    rateLimited: false,
    rateLimitText: null,
    referral,
    problems,
  };

  // Refusals and "not found": read on every line, comments included (".fr" says it in "%%").
  const hasData = record.created !== null || nameServers.length > 0 || registrarName !== null;
  if (!hasData) {
    let start = 0;
    let count = 0;
    while (start <= text.length && count < MAX_LINES) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const raw = text.slice(start, Math.min(end, start + MAX_LINE)).trim();
      start = end + 1;
      count++;
      if (raw === '') continue;
      if (!record.rateLimited && RATE_LIMIT.some((re) => re.test(raw))) {
        record.rateLimited = true;
        record.rateLimitText = raw.replace(/^[%#\s]+/, '').slice(0, 200);
      }
      if (!record.notFound && NOT_FOUND.some((re) => re.test(raw))) record.notFound = true;
    }
    if (record.rateLimited) record.notFound = false;
  }
  return record;
}
