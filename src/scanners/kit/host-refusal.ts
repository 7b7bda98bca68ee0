// Active scanners touch only what the case allows, and a page or a redirect can point anywhere
// (the analyst's own network included), so every host is checked against ctx.policy before it is
// contacted: an address as is, a name by every address it resolves to (A and AAAA). A name that
// cannot be resolved is refused: a check that cannot be made lets nothing through.
import type { ScanContext } from '../../shared/scanner';
import { canonicalIp } from '../../shared/target';

export type RefusalContext = Pick<ScanContext, 'net' | 'policy'>;

async function addressesOf(name: string, ctx: RefusalContext, signal: AbortSignal): Promise<string[]> {
  const answers = await Promise.all(
    (['A', 'AAAA'] as const).map(async (type) => {
      const response = await ctx.net.resolver.query(name, type, signal);
      return response.answers.filter((record) => record.type === type).map((record) => record.data);
    }),
  );
  return answers.flat();
}

/** Why `host` (a URL's hostname, brackets allowed) must not be contacted, or undefined when it may. */
export async function hostRefusal(host: string, ctx: RefusalContext, signal: AbortSignal): Promise<string | undefined> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (canonicalIp(bare) !== undefined) return ctx.policy.refuses(bare);
  let addresses: string[];
  try {
    addresses = await addressesOf(bare, ctx, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return `${bare} could not be resolved to check it: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (addresses.length === 0) return `${bare} has no address`;
  for (const address of addresses) {
    const reason = ctx.policy.refuses(address);
    if (reason) return `${bare} resolves to ${reason}`;
  }
  return undefined;
}
