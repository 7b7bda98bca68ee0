// The shipped technology signatures (resources/tech/signatures.json), validated and compiled once
// when the module loads. A pattern that could backtrack catastrophically (regex-guard.ts) or does
// not compile makes the whole set fail to load, so a bad signature fails its unit test, not a scan.
import * as z from 'zod';
import table from '../../../resources/tech/signatures.json';
import { regexProblems } from './regex-guard';

const Pattern = z
  .string()
  .max(300)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, 'i');
    } catch {
      ctx.addIssue({ code: 'custom', message: `/${source}/ is not a valid regular expression` });
      return;
    }
    for (const problem of regexProblems(source)) ctx.addIssue({ code: 'custom', message: `/${source}/: ${problem}` });
  });

const HeaderName = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a lowercase header or meta name');

export const Technology = z
  .object({
    name: z.string().min(1).max(60),
    categories: z.array(z.string().regex(/^[a-z][a-z-]{1,30}$/)).min(1),
    website: z.string().url().optional(),
    /** The CPE 2.3 prefix up to the product, e.g. cpe:2.3:a:jquery:jquery. */
    cpe: z
      .string()
      .regex(/^cpe:2\.3:[aho]:[^:\s]+:[^:\s]+$/)
      .optional(),
    /** [header name, pattern on its value]; an empty pattern means the header's presence. */
    headers: z.array(z.tuple([HeaderName, Pattern])).optional(),
    /** Patterns on Set-Cookie names. */
    cookies: z.array(Pattern).optional(),
    /** Patterns on the page's HTML. */
    html: z.array(Pattern).optional(),
    /** Patterns on each script's src URL. */
    scripts: z.array(Pattern).optional(),
    /** [meta name, pattern on its content]. */
    meta: z.array(z.tuple([HeaderName, Pattern])).optional(),
    /** Technologies this one implies (WordPress implies PHP). */
    implies: z.array(z.string()).optional(),
  })
  .strict();
export type Technology = z.infer<typeof Technology>;

const SignatureTable = z
  .object({ $comment: z.string(), version: z.literal(1), technologies: z.array(Technology).min(1) })
  .strict()
  .superRefine((t, ctx) => {
    const names = new Set(t.technologies.map((s) => s.name));
    if (names.size !== t.technologies.length) ctx.addIssue({ code: 'custom', message: 'names are unique' });
    for (const tech of t.technologies) {
      for (const implied of tech.implies ?? []) {
        if (!names.has(implied)) ctx.addIssue({ code: 'custom', message: `${tech.name} implies unknown ${implied}` });
      }
    }
  });

export interface CompiledTechnology {
  name: string;
  /** The node value's stem: lowercase, no spaces ("microsoft-iis"). */
  slug: string;
  categories: string[];
  cpe?: string;
  headers: { name: string; pattern: RegExp }[];
  cookies: RegExp[];
  html: RegExp[];
  scripts: RegExp[];
  meta: { name: string; pattern: RegExp }[];
  implies: string[];
}

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.+]+/g, '-')
    .replace(/^-|-$/g, '');
}

// 'd' gives capture groups' indices, which tell a whole version from one cut by its bound.
const compile = (source: string): RegExp => new RegExp(source, 'id');

/** Parses and compiles a signature table; throws with every problem listed. */
export function loadSignatures(json: unknown): CompiledTechnology[] {
  const parsed = SignatureTable.safeParse(json);
  if (!parsed.success) throw new Error(`invalid technology signatures: ${z.prettifyError(parsed.error)}`);
  return parsed.data.technologies.map((t) => ({
    name: t.name,
    slug: slugOf(t.name),
    categories: t.categories,
    ...(t.cpe ? { cpe: t.cpe } : {}),
    headers: (t.headers ?? []).map(([name, source]) => ({ name, pattern: compile(source) })),
    cookies: (t.cookies ?? []).map(compile),
    html: (t.html ?? []).map(compile),
    scripts: (t.scripts ?? []).map(compile),
    meta: (t.meta ?? []).map(([name, source]) => ({ name, pattern: compile(source) })),
    implies: t.implies ?? [],
  }));
}

export const SIGNATURES: readonly CompiledTechnology[] = loadSignatures(table);
