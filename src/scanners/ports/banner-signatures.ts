// The shipped banner signatures (resources/ports/banners.json): products named by what a server
// says first. Validated and compiled once when the module loads; a pattern that could backtrack
// catastrophically (the tech scanner's regex guard) or does not compile fails the whole set, so a
// bad signature fails its unit test, not a scan.
import * as z from 'zod';
import table from '../../../resources/ports/banners.json';
import { regexProblems } from '../tech/regex-guard';
import { slugOf } from '../tech/signatures';

// No 'm': ^ is the banner's start, so a pattern for one protocol cannot match a line inside another's.
// 'd': capture indices tell a whole version from one cut by its bound.
const FLAGS = 'id';

const Pattern = z
  .string()
  .min(1)
  .max(300)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, FLAGS);
    } catch {
      ctx.addIssue({ code: 'custom', message: `/${source}/ is not a valid regular expression` });
      return;
    }
    for (const problem of regexProblems(source)) ctx.addIssue({ code: 'custom', message: `/${source}/: ${problem}` });
  });

const Product = z
  .object({
    name: z.string().min(1).max(60),
    categories: z.array(z.string().regex(/^[a-z][a-z-]{1,30}$/)).min(1),
    /** The CPE 2.3 prefix up to the product, as in the tech signatures. */
    cpe: z
      .string()
      .regex(/^cpe:2\.3:[aho]:[^:\s]+:[^:\s]+$/)
      .optional(),
    /** The version's letter suffix goes to CPE's update field (OpenSSH 8.2p1 is 8.2:p1 in NVD). */
    cpeUpdate: z.boolean().optional(),
    patterns: z.array(Pattern).min(1).max(10),
  })
  .strict();

const SignatureTable = z
  .object({ $comment: z.string(), version: z.literal(1), products: z.array(Product).min(1) })
  .strict()
  .refine((t) => new Set(t.products.map((p) => p.name)).size === t.products.length, { message: 'names are unique' });

export interface BannerProduct {
  name: string;
  slug: string;
  categories: string[];
  cpe?: string;
  cpeUpdate: boolean;
  patterns: RegExp[];
}

/** Parses and compiles a signature table; throws with every problem listed. */
export function loadBannerSignatures(json: unknown): BannerProduct[] {
  const parsed = SignatureTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid banner signatures: ${z.prettifyError(parsed.error)}`);
  return parsed.data.products.map((p) => ({
    name: p.name,
    slug: slugOf(p.name),
    categories: p.categories,
    ...(p.cpe ? { cpe: p.cpe } : {}),
    cpeUpdate: p.cpeUpdate ?? false,
    patterns: p.patterns.map((source) => new RegExp(source, FLAGS)),
  }));
}

export const BANNER_SIGNATURES: readonly BannerProduct[] = loadBannerSignatures(table);
