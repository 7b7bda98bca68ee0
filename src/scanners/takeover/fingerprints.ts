// The shipped takeover fingerprint table (resources/takeover/fingerprints.json, from the public
// knowledge of can-i-take-over-xyz and nuclei-templates), validated when the module loads so a
// broken table fails its unit test rather than a scan; and matching a CNAME target against it.
import * as z from 'zod';
import table from '../../../resources/takeover/fingerprints.json';

const Suffix = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a CNAME suffix is a lowercase domain name');

const Pattern = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const TakeoverService = z
  .object({
    service: z.string().min(1),
    cname: z.array(Suffix).min(1),
    cnameRegex: z.array(Pattern).optional(),
    fingerprint: z.array(z.string().min(4)),
    nxdomain: z.boolean(),
    status: z.enum(['vulnerable', 'edge case', 'not vulnerable']),
    notes: z.string().optional(),
  })
  .strict()
  // A service with no way to prove takeover could only ever produce unconfirmed matches.
  .refine((s) => s.nxdomain || s.fingerprint.length > 0 || s.status === 'not vulnerable', {
    message: 'a takeover-prone service needs a fingerprint or the NXDOMAIN sign',
  });
export type TakeoverService = z.infer<typeof TakeoverService>;

export const FingerprintTable = z
  .object({ $comment: z.string(), version: z.literal(1), services: z.array(TakeoverService).min(1) })
  .strict()
  .refine((t) => new Set(t.services.map((s) => s.service)).size === t.services.length, {
    message: 'service names are unique',
  });
export type FingerprintTable = z.infer<typeof FingerprintTable>;

/** Parses a table; throws with every problem listed. */
export function loadTable(json: unknown): TakeoverService[] {
  const parsed = FingerprintTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid takeover fingerprint table: ${z.prettifyError(parsed.error)}`);
  return parsed.data.services;
}

export const SERVICES: readonly TakeoverService[] = loadTable(table);

function endsWithLabel(name: string, suffix: string): boolean {
  return name === suffix || name.endsWith(`.${suffix}`);
}

/** The service a CNAME target belongs to, if the table knows it. The longest suffix wins (stats.pingdom.com over pingdom.com). */
export function matchService(
  target: string,
  services: readonly TakeoverService[] = SERVICES,
): TakeoverService | undefined {
  const name = target.toLowerCase().replace(/\.$/, '');
  let best: { service: TakeoverService; length: number } | undefined;
  for (const service of services) {
    for (const suffix of service.cname) {
      if (endsWithLabel(name, suffix) && (!best || suffix.length > best.length))
        best = { service, length: suffix.length };
    }
    if (!best && service.cnameRegex?.some((source) => new RegExp(source).test(name))) {
      best = { service, length: 0 };
    }
  }
  return best?.service;
}

/** The fingerprint strings found in a response body (case-insensitively: pages vary in case across versions). */
export function matchFingerprints(body: string, service: TakeoverService): string[] {
  const lower = body.toLowerCase();
  return service.fingerprint.filter((f) => lower.includes(f.toLowerCase()));
}
