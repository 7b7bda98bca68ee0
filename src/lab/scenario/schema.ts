// A lab scenario: one JSON file describing a small internet (zones, hosts, sites, registries,
// third-party data, geolocation, routes). Validated on load; every error names its field path.
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import { JsonValue } from '../../shared/model';
import { Zone } from '../dns/zone';

const Ip = z
  .string()
  .refine((v) => ipaddr.isValid(v) && (!ipaddr.IPv4.isValid(v) || ipaddr.IPv4.isValidFourPartDecimal(v)), {
    message: 'not an IPv4 or IPv6 address',
  });
const Cidr = z.string().refine(
  (v) => {
    try {
      ipaddr.parseCIDR(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a CIDR block such as 185.220.101.0/24' },
);
const Hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9_*]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*$/, 'lowercase host name expected');
const IsoDate = z.string().datetime({ offset: true }).or(z.string().date());
const Port = z.number().int().min(1).max(65535);
const Headers = z.array(z.tuple([z.string().min(1).max(200), z.string().max(70_000)])).max(500);

/** Ways a lab server can misbehave on purpose, for the hostile scenario. */
export const Behaviour = z.enum([
  'normal',
  'hang', // accepts and never answers
  'reset', // resets the connection mid-response
  'slow', // one byte a second
  'endless', // a body that never ends
]);

export const PortSpec = z
  .object({
    port: Port,
    proto: z.enum(['tcp', 'udp']).default('tcp'),
    state: z.enum(['open', 'closed', 'filtered']).default('open'),
    /** What an open port says first (a banner), or answers to the first line for UDP. */
    banner: z.string().max(2_000_000).optional(),
    behaviour: Behaviour.default('normal'),
    /** The service name and version a fingerprint would find, e.g. "OpenSSH 8.9p1". */
    product: z.string().max(200).optional(),
  })
  .strict();

export const Host = z
  .object({
    address: Ip,
    ports: z.array(PortSpec).max(2000).default([]),
  })
  .strict();

export const Route = z
  .object({
    path: z.string().startsWith('/').max(2000),
    status: z.number().int().min(100).max(599).default(200),
    headers: Headers.default([]),
    /** Raw Set-Cookie values. */
    cookies: z.array(z.string().max(8000)).max(100).default([]),
    body: z.string().max(5_000_000).default(''),
    /** Repeat the body this many times (for large bodies without a large file). */
    repeat: z.number().int().min(1).max(100_000).default(1),
    /** A Location to redirect to (status defaults to 301 when set). */
    redirect: z.string().max(8000).optional(),
    behaviour: Behaviour.default('normal'),
  })
  .strict();

export const Certificate = z
  .object({
    subject: z
      .object({ CN: z.string().max(100_000), O: z.string().max(10_000).optional(), C: z.string().max(100).optional() })
      .strict(),
    sans: z.array(z.string().max(1000)).max(10_000).default([]),
    /** 'lab-ca' signs with the lab's CA (an intermediate is added); 'self-signed' signs with its own key. */
    issuer: z.enum(['lab-ca', 'self-signed']).default('lab-ca'),
    notBefore: IsoDate,
    notAfter: IsoDate,
    key: z
      .object({ type: z.enum(['rsa', 'ec']).default('rsa'), bits: z.number().int().min(256).max(4096).default(2048) })
      .strict()
      .default({ type: 'rsa', bits: 2048 }),
  })
  .strict();

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

export const Site = z
  .object({
    hostname: Hostname,
    address: Ip,
    http: z
      .object({ port: Port.default(80), routes: z.array(Route).max(1000) })
      .strict()
      .optional(),
    https: z
      .object({
        port: Port.default(443),
        routes: z.array(Route).max(1000),
        certificate: Certificate,
        versions: z.array(z.enum(TLS_VERSIONS)).min(1).default(['TLSv1.2', 'TLSv1.3']),
        /** OpenSSL cipher list for TLS 1.2 and below. */
        ciphers: z.string().max(5000).optional(),
        alpn: z.array(z.string()).default(['http/1.1']),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A server's host name: a plain DNS name (no wildcard), since the lab gives it an A record. */
const ServerName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)+$/,
    'lowercase server host name expected',
  );

/**
 * One domain's registration as WHOIS shows it. The lab serves it in two steps, like the real
 * thing: the TLD's registry server (derived from the TLD, or `registryServer`) answers `registry`,
 * which names the registrar's server ("Registrar WHOIS Server: ..."), and that server answers
 * `registrar.text`. whois.iana.org refers to each TLD's registry server.
 */
export const WhoisRecord = z
  .object({
    domain: Hostname,
    /** The registry's answer (thin or thick), as the registry prints it. */
    registry: z.string().max(2_000_000),
    /** The registry server's host name when not the usual one for the TLD (whois.nic.<tld> by default). */
    registryServer: ServerName.optional(),
    /** The registrar's server host name and its answer, when the registry refers to one. */
    registrar: z
      .object({
        server: ServerName,
        text: z.string().max(2_000_000),
        /** How the registrar's server behaves for this domain; defaults to the record's behaviour. */
        behaviour: Behaviour.optional(),
      })
      .strict()
      .optional(),
    /** How the servers behave when asked about this domain (registry and registrar alike). */
    behaviour: Behaviour.default('normal'),
  })
  .strict();

/** The RDAP domain object served at /domain/<domain> (RFC 9083 JSON, served as given). */
export const RdapRecord = z.object({ domain: Hostname, json: z.record(z.string(), JsonValue) }).strict();

/** Timestamps as crt.sh prints them ("2024-01-31T12:00:00" or with fractions); a zone is allowed. */
const CtTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/, 'a time such as 2024-01-31T12:00:00');

/**
 * One certificate as crt.sh lists it; the lab's Cert Spotter-style endpoint derives its own shape
 * (hashes, dns_names) from the same entry.
 */
export const CtEntry = z
  .object({
    /** The issuer's distinguished name, e.g. "C=US, O=Let's Encrypt, CN=R3". */
    issuer_name: z.string().max(10_000),
    /** crt.sh's id of the issuing CA; derived from issuer_name when absent. */
    issuer_ca_id: z.number().int().positive().optional(),
    common_name: z.string().max(10_000),
    /** The certificate's identities (SANs), one per line ("a.example\nwww.a.example"), as crt.sh prints them. */
    name_value: z.string().max(1_000_000),
    /** crt.sh's certificate id; entries with the same id are one certificate. */
    id: z.number().int().positive(),
    entry_timestamp: CtTime,
    not_before: CtTime,
    not_after: CtTime,
    /** Hex, as crt.sh prints it. */
    serial_number: z.string().regex(/^[0-9a-fA-F]{1,128}$/, 'hex serial number expected'),
  })
  .strict();

/** One Wayback Machine capture, as a CDX row. */
export const WaybackCapture = z
  .object({
    /** The captured URL ("http://example.com/login"; a URL without scheme is read as http://). */
    url: z.string().min(1).max(8000),
    timestamp: z.string().regex(/^\d{14}$/, 'a 14-digit CDX timestamp'),
    status: z
      .string()
      .regex(/^(\d{3}|-)$/, 'an HTTP status code or "-"')
      .default('200'),
    mimetype: z.string().max(200).default('text/html'),
    /** Base32 SHA-1 of the captured body; derived from url and timestamp when absent. */
    digest: z
      .string()
      .regex(/^[A-Z2-7]{32}$/, 'a 32-character base32 digest')
      .optional(),
    /** Size of the stored record in bytes; derived when absent. */
    length: z.number().int().nonnegative().optional(),
  })
  .strict();

/** One address listed in a DNS blacklist zone (RFC 5782 form: reversed octets or nibbles under `zone`). */
export const DnsblListing = z
  .object({
    zone: Hostname,
    address: Ip,
    /** The 127.0.0.x answer that says which list. */
    code: z
      .string()
      .refine((v) => ipaddr.IPv4.isValidFourPartDecimal(v), { message: 'an IPv4 address such as 127.0.0.2' })
      .default('127.0.0.2'),
    /** The TXT answer: the reason or a lookup URL. */
    txt: z.string().max(1000).optional(),
  })
  .strict();

/** One block of a Spamhaus DROP list: drop and edrop hold IPv4 blocks, drop-v6 IPv6 blocks. */
export const DropEntry = z
  .object({
    list: z.enum(['drop', 'edrop', 'drop-v6']),
    cidr: Cidr,
    /** The Spamhaus record id, "SBL" and digits. */
    sbl: z.string().regex(/^SBL\d{1,10}$/, 'an SBL id such as SBL123456'),
  })
  .strict()
  .refine((entry) => !ipaddr.isValidCIDR(entry.cidr) || (entry.list === 'drop-v6') === entry.cidr.includes(':'), {
    message: 'drop and edrop take IPv4 blocks, drop-v6 takes IPv6 blocks',
    path: ['cidr'],
  });

/**
 * A CVE affecting one CPE. The lab's NVD-style endpoint groups records by id (one CVE, several
 * CPEs) and matches queries component by component, "*" in either side matching anything.
 */
export const CveRecord = z
  .object({
    /** A CPE 2.3 name, e.g. cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:* (trailing parts may be left out). */
    cpe: z
      .string()
      .max(1000)
      .regex(/^cpe:2\.3:[aho*-](:[^:]*){2,}/, 'a CPE 2.3 name with at least part, vendor and product'),
    id: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
    published: IsoDate,
    description: z.string().max(10_000),
    /** CVSS v3.1 base score. */
    cvss: z.number().min(0).max(10).optional(),
    /** The base severity; derived from the score when absent. */
    severity: z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).optional(),
  })
  .strict()
  .refine((record) => record.severity === undefined || record.cvss !== undefined, {
    message: 'a severity needs a cvss score',
    path: ['severity'],
  });

export const GeoEntry = z
  .object({
    network: Cidr,
    country: z.string().length(2),
    countryName: z.string().optional(),
    city: z.string().optional(),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    asn: z.number().int().min(0).max(4294967295),
    org: z.string(),
  })
  .strict();

export const TraceroutePath = z
  .object({
    target: Ip,
    hops: z
      .array(z.object({ address: Ip.nullable(), rttMs: z.array(z.number().nonnegative()).max(5) }).strict())
      .max(64),
  })
  .strict();

export const PublicResolver = z
  .object({
    address: Ip,
    name: z.string(),
    /** Records this resolver answers differently from the authoritative zones (stale, hijacked). */
    overrides: z.array(Zone).default([]),
    behaviour: Behaviour.default('normal'),
  })
  .strict();

export const Scenario = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).default(''),
    zones: z.array(Zone).default([]),
    /** Zones to sign with DNSSEC at lab start, and how (broken on purpose or not). */
    dnssec: z
      .array(
        z
          .object({
            zone: Hostname,
            algorithm: z.union([z.literal(8), z.literal(13)]).default(13),
            fault: z.enum(['none', 'expired-signatures', 'bad-signature', 'ds-mismatch']).default('none'),
          })
          .strict(),
      )
      .default([]),
    hosts: z.array(Host).default([]),
    sites: z.array(Site).default([]),
    whois: z.array(WhoisRecord).default([]),
    rdap: z.array(RdapRecord).default([]),
    ct: z.array(z.object({ domain: Hostname, entries: z.array(CtEntry) }).strict()).default([]),
    wayback: z.array(WaybackCapture).default([]),
    dnsbl: z.array(DnsblListing).default([]),
    drop: z.array(DropEntry).default([]),
    cves: z.array(CveRecord).default([]),
    geo: z.array(GeoEntry).default([]),
    traceroute: z.array(TraceroutePath).default([]),
    resolvers: z.array(PublicResolver).default([]),
  })
  .strict();

export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
