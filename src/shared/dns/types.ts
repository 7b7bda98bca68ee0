// DNS record type codes: the one table the resolver, the lab and the DNSSEC code share
// (RFC 1035, 2782, 3596, 4034, 5155, 6672, 6891, 8659).
export const DNS_TYPE_CODES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  CAA: 257,
} as const;
export type DnsTypeName = keyof typeof DNS_TYPE_CODES;

const BY_NAME = new Map<string, number>(Object.entries(DNS_TYPE_CODES));
const BY_CODE = new Map<number, string>(Object.entries(DNS_TYPE_CODES).map(([name, code]) => [code, name]));

/** The code of a type named in the table, or undefined. */
export function dnsTypeCode(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** The name of a type code: the mnemonic when known, else RFC 3597's TYPEnnn. */
export function dnsTypeName(code: number): string {
  return BY_CODE.get(code) ?? `TYPE${code}`;
}
