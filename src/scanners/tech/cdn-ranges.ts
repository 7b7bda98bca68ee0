// The CDN and WAF providers' published edge ranges (resources/tech/cdn-ranges.json), parsed once
// when the module loads; an address inside one belongs to the provider, not to the site.
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import table from '../../../resources/tech/cdn-ranges.json';

const Cidr = z.string().refine((text) => {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}, 'not a CIDR range');

const RangeTable = z
  .object({
    $comment: z.string(),
    version: z.literal(1),
    providers: z
      .array(
        z
          .object({
            name: z.string().min(1),
            kind: z.enum(['cdn', 'waf']),
            source: z.string().min(1),
            retrieved: z.string().regex(/^\d{4}-\d{2}$/),
            ranges: z.array(Cidr).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface CdnProvider {
  name: string;
  kind: 'cdn' | 'waf';
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** Parses a range table; throws with every problem listed. */
export function loadRanges(json: unknown): CdnProvider[] {
  const parsed = RangeTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid CDN range table: ${z.prettifyError(parsed.error)}`);
  return parsed.data.providers.map((p) => ({
    name: p.name,
    kind: p.kind,
    ranges: p.ranges.map((r) => ipaddr.parseCIDR(r)),
  }));
}

export const CDN_PROVIDERS: readonly CdnProvider[] = loadRanges(table);

/** The provider whose published ranges hold `ip`, if any. */
export function providerOf(ip: string, providers: readonly CdnProvider[] = CDN_PROVIDERS): CdnProvider | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return undefined;
  }
  return providers.find((p) =>
    p.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits)),
  );
}
