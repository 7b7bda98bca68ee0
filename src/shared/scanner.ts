// The scanner contract: what a scanner declares (its manifest), what it yields while it runs
// (scan events, validated when they leave the worker), and what it is given (the context).
import * as z from 'zod';
import { EntityKey, EntityType, JsonValue, Props, RelationKind, Severity } from './model';
import { canonicalIp, internalAddressClass } from './target';

export const ScannerOption = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  type: z.enum(['string', 'number', 'boolean', 'string[]']),
  default: JsonValue,
  description: z.string(),
});
export type ScannerOption = z.infer<typeof ScannerOption>;

/** One step of a fan-out path: a relation kind followed from → to, or to → from when `backward`. */
export const FanOutStep = z.object({ kind: RelationKind, backward: z.boolean().optional() }).strict();
export type FanOutStep = z.infer<typeof FanOutStep>;

export const ScannerManifest = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string(),
  description: z.string(),
  category: z.enum(['dns', 'registration', 'certificates', 'web', 'network', 'reputation', 'email']),
  accepts: z.array(EntityType).min(1),
  produces: z.array(EntityType),
  /** passive: asks third parties only; active: touches the target itself. */
  mode: z.enum(['passive', 'active']),
  timeoutMs: z.number().int().positive(),
  /** Runs started per second at most (the orchestrator spaces them; not in the lab), or null. */
  rateLimitPerSecond: z.number().positive().nullable(),
  options: z.array(ScannerOption),
  /**
   * Where a Full Scan runs the module. Absent: in phase 1, on the target. Phase 2 starts when
   * phase 1 has ended, for modules that read what it found: on the target when the module accepts
   * it, and on what phase 1 linked to it: `fanOut`, entities one relation of these kinds away in
   * either direction (takeover on its subdomains); `fanOutPaths`, entities at the end of these
   * directed paths (CVE lookup on the technologies of the target's addresses' services).
   */
  fullScan: z
    .object({
      phase: z.literal(2),
      fanOut: z.array(RelationKind).max(5).optional(),
      fanOutPaths: z.array(z.array(FanOutStep).min(1).max(4)).max(5).optional(),
    })
    .strict()
    .optional(),
});
export type ScannerManifest = z.infer<typeof ScannerManifest>;

/** Evidence is referred to by a name local to the run until the store gives it an id. */
const EvidenceRef = z.string().min(1).max(200);

export const ScanEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('evidence'),
    ref: EvidenceRef,
    mediaType: z.string().max(200),
    source: z.string().max(2048),
    /** Text content as is, binary content base64-encoded. */
    encoding: z.enum(['utf8', 'base64']),
    content: z.string().max(64 * 1024 * 1024),
  }),
  z.object({
    kind: z.literal('entity'),
    entity: EntityKey,
    props: Props.optional(),
    evidence: z.array(EvidenceRef).optional(),
  }),
  z.object({
    kind: z.literal('relation'),
    from: EntityKey,
    relation: RelationKind,
    to: EntityKey,
    props: Props.optional(),
    evidence: z.array(EvidenceRef).optional(),
  }),
  z.object({
    kind: z.literal('finding'),
    about: EntityKey,
    severity: Severity,
    category: z.string().max(100),
    title: z.string().max(500),
    detail: z.string().max(20_000),
    evidence: z.array(EvidenceRef).optional(),
  }),
  z.object({
    kind: z.literal('progress'),
    fraction: z.number().min(0).max(1),
    message: z.string().max(500),
  }),
]);
export type ScanEvent = z.infer<typeof ScanEvent>;

/** How a worker's network layer is set up; plain data so it can cross into the worker. */
/** Where the lab sends a connection to a scenario address: a loopback listener, or nowhere. */
export const LabRoute = z.object({
  address: z.string(),
  port: z.number().int().min(0).max(65535),
  proto: z.enum(['tcp', 'udp']),
  to: z.union([z.object({ host: z.string(), port: z.number().int() }), z.literal('refuse'), z.literal('drop')]),
});
export type LabRoute = z.infer<typeof LabRoute>;

export const TracerouteHop = z.object({
  ttl: z.number().int().min(1).max(255),
  address: z.string().nullable(),
  rttMs: z.array(z.number().nonnegative()),
});
export type TracerouteHop = z.infer<typeof TracerouteHop>;

/** The simulated internet's wiring, handed to scanners' net when a case runs against the lab. */
export const LabWiring = z.object({
  routes: z.array(LabRoute),
  /** Every address the scenario names, served or not: labels the lab answers for, so scans may touch them. */
  addresses: z.array(z.string()).optional(),
  /** What happens to a scenario address and port the lab does not serve: refused, or silence. */
  unrouted: z.enum(['refuse', 'drop']),
  traceroutes: z.array(z.object({ target: z.string(), hops: z.array(TracerouteHop) })),
});
export type LabWiring = z.infer<typeof LabWiring>;

export const NetConfig = z.object({
  /** DNS servers as "host" or "host:port" (IPv6 as "[addr]:port"). */
  resolvers: z.array(z.string()).min(1),
  /** socks5://[user:pass@]host:port; when set, every connection and every DNS query goes through it. */
  proxy: z.string().nullable(),
  timeoutMs: z.number().int().positive(),
  retries: z.number().int().min(0).max(5),
  /** Base URLs of third-party services by name (crtsh, rdap, wayback, nvd, ...); the lab points them at itself. */
  endpoints: z.record(z.string(), z.string()).optional(),
  /** The analyst's API keys for third-party services, by service name (nvd, ...). */
  apiKeys: z.record(z.string(), z.string().max(500)).optional(),
  /** Set when scans run against the lab: scenario addresses map to loopback servers, nothing else is reached. */
  lab: LabWiring.optional(),
});
export type NetConfig = z.infer<typeof NetConfig>;

/** The record types the resolver asks for. */
export const DNS_RECORD_TYPES = [
  'A',
  'AAAA',
  'MX',
  'NS',
  'TXT',
  'CNAME',
  'SOA',
  'PTR',
  'CAA',
  'SRV',
  'DNSKEY',
  'DS',
  'RRSIG',
  'NSEC',
  'NSEC3',
] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsQueryOptions {
  /**
   * Ask for DNSSEC records: sets EDNS's DO bit (RRSIGs and NSEC/NSEC3 proofs come back) and CD
   * (a validating resolver hands over data that fails validation, so the caller can say why).
   */
  dnssec?: boolean;
}

export interface DnsAnswerRecord {
  name: string;
  type: string;
  ttl: number;
  /** Presentation form: an address, a name, "10 mx.example.com", TXT strings joined, SOA fields. */
  data: string;
}

export interface DnsResponse {
  question: { name: string; type: DnsRecordType };
  server: string;
  rcode: string;
  authoritative: boolean;
  truncated: boolean;
  answers: DnsAnswerRecord[];
  authorities: DnsAnswerRecord[];
  /** The additional section (EDNS OPT shown as a pseudo-record), when the resolver reports it. */
  additionals?: DnsAnswerRecord[];
  /** The response packet as received, for evidence. */
  raw: Uint8Array;
}

export interface Resolver {
  /** Asks the configured resolvers, or only `server` ("host" or "host:port") when given. */
  query(
    name: string,
    type: DnsRecordType,
    signal?: AbortSignal,
    server?: string,
    options?: DnsQueryOptions,
  ): Promise<DnsResponse>;
}

export interface DialOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TlsDialOptions extends DialOptions {
  servername?: string;
  alpn?: string[];
  /** Certificates are inspected, not trusted: verification is the scanner's own verdict. */
  rejectUnauthorized?: false;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Bytes of body kept; the rest is read and dropped or the connection closed. */
  maxBodyBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  url: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
  bodyTruncated: boolean;
}

/** A duplex byte stream; scanners see this shape and never Node's socket classes. */
export interface Connection {
  write(data: Uint8Array): Promise<void>;
  /** Reads what arrives next; resolves to null at end of stream. */
  read(signal?: AbortSignal): Promise<Uint8Array | null>;
  close(): void;
  readonly remote: string;
}

export interface Net {
  resolver: Resolver;
  dial(options: DialOptions): Promise<Connection>;
  dialTls(
    options: TlsDialOptions,
  ): Promise<Connection & { peerCertificatesDer(): Uint8Array[]; alpn(): string | null }>;
  http(request: HttpRequest): Promise<HttpResponse>;
  /** Base URL of a named third-party service; throws when none is configured. */
  endpoint(name: string): string;
  /** The analyst's API key for a named third-party service, when one is configured. */
  apiKey(name: string): string | undefined;
  /** The route to an address, hop by hop. */
  traceroute(target: string, options?: { maxHops?: number; signal?: AbortSignal }): Promise<TracerouteHop[]>;
}

export interface ScanLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** What the core decided a run may touch; plain data, so it crosses into the worker. */
export const ScanPolicyData = z.object({
  /** The case allows internal targets (its settings or its scope). */
  allowInternal: z.boolean(),
});
export type ScanPolicyData = z.infer<typeof ScanPolicyData>;

/** The rules an active scanner applies to every address it is about to contact. */
export interface ScanPolicy {
  /** Why `ip` must not be contacted (a private, loopback, link-local or other non-public address), or undefined. */
  refuses(ip: string): string | undefined;
}

/**
 * Non-public addresses are refused unless the case allows internal targets. In the lab, scenario
 * addresses are labels for loopback servers and allowed; the machine's own loopback is not.
 */
export function scanPolicy(data: ScanPolicyData, lab?: LabWiring): ScanPolicy {
  const scenario = new Set(
    [...(lab?.routes.map((route) => route.address) ?? []), ...(lab?.addresses ?? [])].map(
      (address) => canonicalIp(address) ?? address,
    ),
  );
  return {
    refuses(ip) {
      const canonical = canonicalIp(ip);
      if (canonical === undefined) return `${ip} is not an IP address`;
      const range = internalAddressClass(canonical);
      if (range === undefined || data.allowInternal || scenario.has(canonical)) return undefined;
      return `${canonical} is a ${range} address`;
    },
  };
}

export interface ScanContext {
  net: Net;
  signal: AbortSignal;
  options: Record<string, JsonValue>;
  log: ScanLogger;
  policy: ScanPolicy;
}

export interface ScanInput extends EntityKey {
  props: Props;
}

export interface Scanner {
  manifest: ScannerManifest;
  run(input: ScanInput, ctx: ScanContext): AsyncIterable<ScanEvent>;
}
