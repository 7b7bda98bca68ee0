// The shipped placeholder names (resources/tls/placeholder-names.json): subject and issuer values
// that tools fill in when nobody did (OpenSSL's "Internet Widgits Pty Ltd", keytool's "Unknown").
// They name no one, so they must never become organization nodes: every quickly made certificate
// would link to every other. The table is validated when the module loads, so a broken table fails
// its unit test rather than a scan.
import * as z from 'zod';
import table from '../../../resources/tls/placeholder-names.json';

const AttributeType = z.enum(['CN', 'O', 'OU', 'L', 'ST', 'C']);

export const PlaceholderTable = z
  .object({
    $comment: z.string(),
    version: z.literal(1),
    names: z
      .array(
        z
          .object({
            value: z.string().trim().min(1),
            types: z.array(AttributeType).min(1),
            source: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** Compared as people read a name: case, surrounding and repeated spaces do not matter. */
const normalise = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase();
const keyOf = (type: string, value: string): string => `${type}=${normalise(value)}`;

/** Parses a table into `TYPE=value` (normalised) -> source; throws with every problem listed. */
export function loadPlaceholders(json: unknown): ReadonlyMap<string, string> {
  const parsed = PlaceholderTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid placeholder name table: ${z.prettifyError(parsed.error)}`);
  const out = new Map<string, string>();
  for (const name of parsed.data.names) {
    for (const type of name.types) {
      const key = keyOf(type, name.value);
      if (out.has(key)) throw new Error(`invalid placeholder name table: ${key} is listed twice`);
      out.set(key, name.source);
    }
  }
  return out;
}

export const PLACEHOLDERS = loadPlaceholders(table);

/** Where a distinguished-name attribute's value comes from, when it is a known placeholder. */
export function placeholderSource(attribute: { type: string; value: string }): string | undefined {
  return PLACEHOLDERS.get(keyOf(attribute.type, attribute.value));
}
