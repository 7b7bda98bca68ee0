// The addresses a port scan connects to. An ip is scanned as is; a domain by the addresses it
// resolves to (A and AAAA, at most a few). Every address is checked against the run's policy
// before any connection, and the scan dials the addresses it checked, so a second resolution
// cannot point it elsewhere.

import type { ScanContext, ScanInput } from '../../shared/scanner';
import { canonicalIp, canonicalValue } from '../../shared/target';

/** Addresses of a domain scanned at most: each costs a full port list. */
export const MAX_ADDRESSES = 4;

export interface ScanTargets {
  subject: { type: 'domain' | 'ip'; value: string };
  addresses: string[];
  /** For a domain: the answers as text, the evidence of each domain -> address link. */
  resolution?: string;
  /** For a domain: addresses it has beyond MAX_ADDRESSES, not scanned. */
  skipped: string[];
}

/** An address as it stands before a port or in a Host header: IPv6 in brackets. */
export function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function scanTargets(
  input: ScanInput,
  ctx: Pick<ScanContext, 'net' | 'policy' | 'signal'>,
): Promise<ScanTargets> {
  if (input.type !== 'domain' && input.type !== 'ip')
    throw new Error(`a port scan does not accept ${input.type} entities`);
  const value = canonicalValue(input.type, input.value);
  if (!value) throw new Error(`"${input.value.slice(0, 300)}" is not a valid ${input.type}`);
  const subject = { type: input.type, value };
  const refuse = (address: string): void => {
    const reason = ctx.policy.refuses(address);
    if (reason) throw new Error(`${value} is not scanned: ${reason} (the case does not allow internal targets)`);
  };
  if (input.type === 'ip') {
    refuse(value);
    return { subject, addresses: [value], skipped: [] };
  }
  const found: string[] = [];
  const lines: string[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    try {
      const response = await ctx.net.resolver.query(value, type, ctx.signal);
      const records = response.answers.filter((r) => r.type === type);
      lines.push(
        `${value} ${type} (${response.server}, ${response.rcode}): ${records.map((r) => r.data).join(', ') || 'no records'}`,
      );
      for (const record of records) {
        const ip = canonicalIp(record.data);
        if (ip && !found.includes(ip)) found.push(ip);
      }
    } catch (error) {
      ctx.signal.throwIfAborted();
      lines.push(`${value} ${type}: ${errorText(error)}`);
    }
  }
  if (found.length === 0) throw new Error(`${value} has no address to scan (${lines.join('; ')})`);
  for (const address of found) refuse(address);
  return {
    subject,
    addresses: found.slice(0, MAX_ADDRESSES),
    resolution: lines.join('\n'),
    skipped: found.slice(MAX_ADDRESSES),
  };
}
