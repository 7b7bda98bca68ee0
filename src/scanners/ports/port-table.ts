// The shipped port list (resources/ports/services.json): the ports an investigator checks first,
// each with the service usually found there, how to probe it and the risk of finding it open to
// the internet. Validated when the module loads, so a broken table fails its unit test, not a scan.
import * as z from 'zod';
import table from '../../../resources/ports/services.json';

export const RISKS = ['none', 'low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** read: wait for what the server says first; http: send HEAD / and read the head; tls: the server speaks second, read nothing. */
export type Probe = 'read' | 'http' | 'tls';

const PortEntry = z
  .object({
    port: z.number().int().min(1).max(65535),
    service: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,30}$/, 'a service name like nmap\'s ("ms-wbt-server")'),
    title: z.string().min(1).max(80),
    probe: z.enum(['read', 'http', 'tls']),
    risk: z.enum(RISKS),
    why: z.string().min(1).max(300).optional(),
  })
  .strict()
  .refine((e) => (e.risk === 'none') === (e.why === undefined), {
    message: 'a risky port says why it is risky, a safe one says nothing',
  });
export type PortEntry = z.infer<typeof PortEntry>;

const PortTable = z
  .object({ $comment: z.string(), version: z.literal(1), ports: z.array(PortEntry).min(1).max(1024) })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<number>();
    for (const entry of t.ports) {
      if (seen.has(entry.port)) ctx.addIssue({ code: 'custom', message: `port ${entry.port} is listed twice` });
      seen.add(entry.port);
    }
  });

/** Parses a port table into port -> entry, in port order; throws with every problem listed. */
export function loadPortTable(json: unknown): ReadonlyMap<number, PortEntry> {
  const parsed = PortTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid port table: ${z.prettifyError(parsed.error)}`);
  return new Map([...parsed.data.ports].sort((a, b) => a.port - b.port).map((e) => [e.port, e]));
}

export const PORT_TABLE = loadPortTable(table);

/** The ports scanned when the analyst names none. */
export const DEFAULT_PORTS: readonly number[] = [...PORT_TABLE.keys()];

/** What is known about a port; one the table does not list is an unknown service whose banner is read. */
export function portInfo(port: number, known: ReadonlyMap<number, PortEntry> = PORT_TABLE): PortEntry {
  return known.get(port) ?? { port, service: 'unknown', title: `port ${port}`, probe: 'read', risk: 'none' };
}
