// The shipped DNS blacklists (resources/reputation/dnsbl.json) and how to ask them: the zones,
// what each lists, and how to read each return code. The table is validated when the module
// loads, so a broken table fails its unit test rather than a scan.
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import table from '../../../resources/reputation/dnsbl.json';
import { reverseName } from '../dns/records';

/** A DNSBL return code: an IPv4 address in 127.0.0.0/8 (RFC 5782 section 2.1). */
const ReturnCode = z
  .string()
  .refine((v) => ipaddr.IPv4.isValidFourPartDecimal(v) && v.startsWith('127.'), 'an address in 127.0.0.0/8');

const Meaning = z.object({
  name: z.string().min(1).max(60),
  meaning: z.string().min(1).max(300),
  /** abuse: the list saw harm; policy: says nothing about the owner; drop: a hijacked or criminal netblock. */
  kind: z.enum(['abuse', 'policy', 'drop']),
  severity: z.enum(['info', 'low', 'medium', 'high']),
});

const ByAnswer = Meaning.extend({ answers: z.array(ReturnCode).min(1) }).strict();
const ByBit = Meaning.extend({
  bit: z
    .number()
    .int()
    .refine((b) => [1, 2, 4, 8, 16, 32, 64, 128].includes(b), 'one bit of the last octet'),
}).strict();

const Hostname = z
  .string()
  .max(200)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lowercase host name');

export const DnsblSpec = z
  .object({
    name: z.string().min(1).max(80),
    zone: Hostname,
    subject: z.enum(['ip', 'domain']),
    /** The list answers nibble-reversed IPv6 queries. */
    ipv6: z.boolean(),
    lists: z.string().min(1).max(500),
    about: z.url().optional(),
    codes: z.array(ByAnswer),
    bits: z.array(ByBit).optional(),
    refused: z.array(z.object({ answers: z.array(ReturnCode).min(1), meaning: z.string().min(1).max(300) }).strict()),
  })
  .strict()
  .refine((spec) => spec.codes.length > 0 || (spec.bits?.length ?? 0) > 0, 'a list needs codes or bits')
  .refine((spec) => spec.subject === 'ip' || !spec.ipv6, 'only address lists take IPv6 queries')
  .refine((spec) => {
    const refused = new Set(spec.refused.flatMap((r) => r.answers));
    return spec.codes.every((c) => c.answers.every((a) => !refused.has(a)));
  }, 'an answer is both a listing and a refusal');
export type DnsblSpec = z.infer<typeof DnsblSpec>;
export type CodeMeaning = z.infer<typeof Meaning>;

export const DnsblTable = z
  .object({ $comment: z.string(), version: z.literal(1), lists: z.array(DnsblSpec).min(1) })
  .strict()
  .refine((t) => new Set(t.lists.map((l) => l.zone)).size === t.lists.length, 'a zone is listed twice');

/** Parses a table; throws with every problem listed. */
export function loadDnsblTable(json: unknown): DnsblSpec[] {
  const parsed = DnsblTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid DNSBL table: ${z.prettifyError(parsed.error)}`);
  return parsed.data.lists;
}

export const DNSBLS: readonly DnsblSpec[] = loadDnsblTable(table);

/** Longest name DNS carries (RFC 1035, presentation form without the final dot). */
const MAX_NAME = 253;

/**
 * The address the lists describe: an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4
 * address, which is what sent the mail or hosts the site.
 */
export function listedAddress(ip: string): string {
  return ipaddr.process(ip).toString();
}

/**
 * The name to ask a list about a subject: reversed octets or nibbles of an address (as for PTR),
 * or the domain itself, under the list's zone. Undefined when the name would be too long.
 */
export function dnsblQueryName(spec: DnsblSpec, subject: string): string | undefined {
  const prefix =
    spec.subject === 'ip' ? reverseName(listedAddress(subject)).replace(/\.(?:in-addr|ip6)\.arpa$/, '') : subject;
  const name = `${prefix}.${spec.zone}`;
  return name.length <= MAX_NAME ? name : undefined;
}

/**
 * RFC 5782 section 5: no list may hold 127.0.0.1 (address lists) or INVALID (domain lists). A list
 * that answers for it lists everything: a dead zone taken over, or a resolver rewriting answers.
 */
export function dnsblTestName(spec: DnsblSpec): string {
  return spec.subject === 'ip' ? `1.0.0.127.${spec.zone}` : `invalid.${spec.zone}`;
}
