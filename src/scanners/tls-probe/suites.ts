// The shipped cipher-suite table (resources/tls/cipher-suites.json, written from IANA's TLS
// Cipher Suites registry): what each code means and how weak it is. Checked once at load.
import * as z from 'zod';
import table from '../../../resources/tls/cipher-suites.json';

const Rating = z.enum(['insecure', 'weak', 'legacy', 'secure']);
export type SuiteRating = z.infer<typeof Rating>;

const Suite = z.object({
  code: z.string().regex(/^0x[0-9A-F]{4}$/),
  name: z.string().startsWith('TLS_'),
  openssl: z.string().nullable(),
  kx: z.string(),
  auth: z.string(),
  enc: z.string(),
  mac: z.string(),
  /** Forward secrecy: an ephemeral, authenticated key exchange. */
  fs: z.boolean(),
  tls13: z.boolean(),
  export: z.boolean(),
  flags: z.array(z.string()),
  rating: Rating,
});

export type CipherSuite = Omit<z.infer<typeof Suite>, 'code'> & { code: number };

export const SUITES: readonly CipherSuite[] = z
  .array(Suite)
  .parse(table.suites)
  .map((suite) => ({ ...suite, code: Number.parseInt(suite.code.slice(2), 16) }));

const byCode = new Map(SUITES.map((suite) => [suite.code, suite]));

export function suiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}

/** A suite's IANA name, or its code in hex when the table does not know it. */
export function suiteName(code: number): string {
  return byCode.get(code)?.name ?? `0x${code.toString(16).padStart(4, '0').toUpperCase()}`;
}

export const TLS13_SUITES: readonly number[] = SUITES.filter((s) => s.tls13).map((s) => s.code);
export const LEGACY_SUITES: readonly number[] = SUITES.filter((s) => !s.tls13).map((s) => s.code);
