// A lab scenario: one JSON file describing a small internet (zones, hosts, sites, registries,
// third-party data, geolocation, routes). Validated on load; every error names its field path.
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import { JsonValue } from '../../shared/model';
import { DnssecSpec } from '../dns/dnssec';
import { Zone } from '../dns/zone';
import { payload } from './bytes';

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
const Headers = z.array(z.tuple([z.string().min(1).max(200), payload(70_000)])).max(500);

/**
 * Ways a lab server can misbehave on purpose, for the hostile scenario. On a web route they apply
 * after the request is read; on a port, from the moment the connection is accepted.
 */
export const Behaviour = z.enum([
  'normal',
  'hang', // accepts and never answers (the connection stays open until the client gives up)
  'reset', // sends part of the response (or banner), then resets the connection (TCP RST)
  'slow', // sends the whole response (or banner) one byte a second
  'endless', // a body (or banner) that never ends: chunked on the web, repeated on a port
]);
export type Behaviour = z.infer<typeof Behaviour>;

/** One port of a host, as a port scan would find it. */
export const PortSpec = z
  .object({
    port: Port,
    /** Transport: 'tcp' gets a listener, 'udp' a responder. */
    proto: z.enum(['tcp', 'udp']).default('tcp'),
    /** 'open' is served; 'closed' refuses connections; 'filtered' never answers (the client times out). */
    state: z.enum(['open', 'closed', 'filtered']).default('open'),
    /**
     * TCP: what the service sends as soon as a connection opens (none if absent).
     * UDP: the answer to any datagram (the datagram is echoed when absent), cut to 65,507 bytes.
     */
    banner: payload(2_000_000).optional(),
    /** How the port misbehaves. UDP knows 'hang' (no answer) and 'slow' (answers a second late). */
    behaviour: Behaviour.default('normal'),
    /** The service name and version a fingerprint would find, e.g. "OpenSSH 8.9p1". */
    product: z.string().max(200).optional(),
  })
  .strict();
export type PortSpec = z.infer<typeof PortSpec>;

/** A machine at one scenario address and its ports (web sites add their own ports 80/443). */
export const Host = z
  .object({
    /** The scenario address (a label: the lab listens on 127.0.0.1 and routes this address there). */
    address: Ip,
    /** Ports a scan finds; any port not listed is refused. A port a site serves belongs to the site. */
    ports: z.array(PortSpec).max(2000).default([]),
  })
  .strict();
export type Host = z.infer<typeof Host>;

/** One answer of a web site, chosen by the request's path. */
export const Route = z
  .object({
    /**
     * The path matched exactly. The query string of a request is ignored unless this path has
     * one ("/search?q=x" matches only that query).
     */
    path: z.string().startsWith('/').max(2000),
    /** The status code; 200 when absent, or 301 when `redirect` is set. */
    status: z.number().int().min(100).max(599).optional(),
    /** Response headers in the order sent, written as given (hostile values included). */
    headers: Headers.default([]),
    /** Raw Set-Cookie values, one header line each, sent after `headers`. */
    cookies: z.array(payload(8000)).max(100).default([]),
    /** The body. */
    body: payload(5_000_000).default(''),
    /** Repeat the body this many times (for large bodies without a large file); streamed. */
    repeat: z.number().int().min(1).max(100_000).default(1),
    /** A Location to redirect to. Redirect loops are two routes redirecting to each other. */
    redirect: z.string().max(8000).optional(),
    /**
     * An open redirect: the Location is this query parameter's value as the request sent it
     * (percent-decoded), or `redirect` when the request has none. Values with control characters
     * are not reflected.
     */
    redirectParam: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a query parameter name')
      .optional(),
    /** How the server misbehaves on this route. */
    behaviour: Behaviour.default('normal'),
  })
  .strict();
export type Route = z.infer<typeof Route>;

/**
 * Certificates whose keys have the same type, size and id share one key pair (a pivot a scanner
 * can find); without an id, each distinct certificate has a key of its own (the same certificate
 * served by several sites keeps one key).
 */
const KeyId = z.string().min(1).max(100).optional();

/** A certificate's key. Keys are made once per process and reused on later lab starts. */
const CertificateKey = z.union(
  [
    z
      .object({
        type: z.literal('rsa').default('rsa'),
        /** RSA modulus size; 512 and 1024 exist to be found weak. */
        bits: z
          .union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(3072), z.literal(4096)])
          .default(2048),
        id: KeyId,
      })
      .strict(),
    z
      .object({
        type: z.literal('ec'),
        /** The curve by its size: 256 is P-256, 384 is P-384. */
        bits: z.union([z.literal(256), z.literal(384)]).default(256),
        id: KeyId,
      })
      .strict(),
  ],
  {
    error:
      'expected { type: "rsa", bits: 512 | 1024 | 2048 | 3072 | 4096 } or { type: "ec", bits: 256 | 384 } (and an optional id)',
  },
);

/** A TLS certificate, issued at lab start with a key the lab generates. */
export const Certificate = z
  .object({
    /** Subject fields, any string (control characters, markup and very long values included). */
    subject: z
      .object({
        /** Common name. */
        CN: z.string().max(100_000),
        /** Organisation. */
        O: z.string().max(10_000).optional(),
        /** Country (normally two letters; anything goes). */
        C: z.string().max(100).optional(),
      })
      .strict(),
    /**
     * Subject alternative names: DNS names, and IP addresses for entries that parse as one. When
     * absent, the site's host name alone; an empty list means none.
     */
    sans: z.array(z.string().max(1000)).max(10_000).optional(),
    /** 'lab-ca' signs with the lab's CA (an intermediate is added); 'self-signed' signs with its own key. */
    issuer: z.enum(['lab-ca', 'self-signed']).default('lab-ca'),
    /** Start of validity; a date in the future makes a not-yet-valid certificate. */
    notBefore: IsoDate,
    /** End of validity; a date in the past makes an expired certificate. */
    notAfter: IsoDate,
    /** The key type and size. */
    key: CertificateKey.default({ type: 'rsa', bits: 2048 }),
  })
  .strict();
export type Certificate = z.infer<typeof Certificate>;

export const TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** A web site: one host name served over HTTP, HTTPS or both at a scenario address. */
export const Site = z
  .object({
    /** The virtual host: matched against the Host header (HTTP) and SNI (HTTPS). */
    hostname: Hostname,
    /** The scenario address serving it; sites sharing an address and port share one listener. */
    address: Ip,
    /** Plain HTTP. */
    http: z
      .object({
        /** The TCP port. */
        port: Port.default(80),
        /** The answers by path; any other path gets a 404. */
        routes: z.array(Route).max(1000),
      })
      .strict()
      .optional(),
    /** HTTPS. */
    https: z
      .object({
        /** The TCP port. */
        port: Port.default(443),
        /** The answers by path; any other path gets a 404. */
        routes: z.array(Route).max(1000),
        /** The certificate presented to clients whose SNI names this site (or that send none). */
        certificate: Certificate,
        /**
         * Exactly the TLS versions offered; TLSv1 and TLSv1.1 need OpenSSL's security level 0, which
         * the lab sets. Node cannot speak SSLv3: the lab answers a hello that settles on SSLv3 with
         * its own ServerHello, certificate chain and ServerHelloDone, then closes.
         */
        versions: z.array(z.enum(TLS_VERSIONS)).min(1).default(['TLSv1.2', 'TLSv1.3']),
        /**
         * OpenSSL cipher list for TLS 1.2 and below (TLS_* names set the TLS 1.3 suites). When
         * absent: Node's defaults, or OpenSSL's DEFAULT for sites with TLS 1.0/1.1 or RSA keys
         * under 2048 bits. Suites Node's OpenSSL lacks (3DES, RC4, ...) can be listed by their
         * OpenSSL names: the lab answers a hello offering none of the site's other listed suites
         * with a ServerHello choosing one of them, then closes.
         */
        ciphers: z.string().max(5000).optional(),
        /** Whose cipher order decides: the server's list (as most servers are set up) or the client's. */
        cipherOrder: z.enum(['server', 'client']).default('server'),
        /**
         * ALPN protocols offered, in preference order. Empty: no ALPN. The lab answers HTTP/1.1
         * only: 'h2' is advertised for ALPN checks, and a client that picks it gets no answer.
         */
        alpn: z
          .array(z.enum(['h2', 'http/1.1']))
          .max(2)
          .default(['http/1.1']),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Site = z.infer<typeof Site>;

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
    registry: payload(2_000_000),
    /** The registry server's host name when not the usual one for the TLD (whois.nic.<tld> by default). */
    registryServer: ServerName.optional(),
    /** The registrar's server host name and its answer, when the registry refers to one. */
    registrar: z
      .object({
        server: ServerName,
        text: payload(2_000_000),
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
    dnssec: z.array(DnssecSpec).default([]),
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
