// The address a TLS scan connects to. A name is resolved here (A, then AAAA) and every address
// it has is checked against the run's policy before any connection: the scan then dials the
// address it checked, with the name as SNI, so a second resolution cannot point it elsewhere.
import type { ScanContext, ScanInput } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';

export interface TlsTarget {
  /** The scanned value, canonical (a domain or an IP). */
  host: string;
  isIp: boolean;
  /** What is dialled. */
  address: string;
  /** SNI: the domain; null for an IP. */
  serverName: string | null;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function resolveTarget(
  input: ScanInput,
  ctx: Pick<ScanContext, 'net' | 'policy' | 'signal'>,
): Promise<TlsTarget> {
  if (input.type !== 'domain' && input.type !== 'ip')
    throw new Error(`a TLS scan does not accept ${input.type} entities`);
  const host = canonicalValue(input.type, input.value);
  if (!host) throw new Error(`"${input.value.slice(0, 300)}" is not a valid ${input.type}`);
  const refuse = (address: string): void => {
    const reason = ctx.policy.refuses(address);
    if (reason) throw new Error(`${host} is not scanned: ${reason} (the case does not allow internal targets)`);
  };
  if (input.type === 'ip') {
    refuse(host);
    return { host, isIp: true, address: host, serverName: null };
  }
  const addresses: string[] = [];
  const problems: string[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    try {
      const response = await ctx.net.resolver.query(host, type, ctx.signal);
      addresses.push(...response.answers.filter((r) => r.type === type).map((r) => r.data));
    } catch (error) {
      ctx.signal.throwIfAborted();
      problems.push(`${type}: ${errorText(error)}`);
    }
  }
  if (addresses.length === 0) {
    throw new Error(`${host} has no address to connect to${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`);
  }
  for (const address of addresses) refuse(address);
  return { host, isIp: false, address: addresses[0] as string, serverName: host };
}
