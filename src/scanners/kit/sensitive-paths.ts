// The shipped sensitive-path word list (resources/content/sensitive-paths.json), validated when the
// module loads, and matching a path or URL against it segment by segment.
import * as z from 'zod';
import list from '../../../resources/content/sensitive-paths.json';
import type { Severity } from '../../shared/model';

const Word = z.string().regex(/^[a-z0-9._-]{1,60}$/, 'a lowercase path segment without slashes');

const Rule = z
  .object({
    match: z.enum(['segment', 'file', 'extension']),
    why: z.string().min(1).max(100),
    severity: z.enum(['low', 'medium', 'high']),
    values: z.array(Word).min(1),
  })
  .strict()
  .refine((r) => r.match !== 'extension' || r.values.every((v) => v.startsWith('.')), {
    message: 'extensions start with a dot',
  });
export type SensitiveRule = z.infer<typeof Rule>;

const WordList = z.object({ $comment: z.string(), version: z.literal(1), rules: z.array(Rule).min(1) }).strict();

/** Parses a word list; throws with every problem listed. */
export function loadWordList(json: unknown): SensitiveRule[] {
  const parsed = WordList.safeParse(json);
  if (!parsed.success) throw new Error(`invalid sensitive-path list: ${z.prettifyError(parsed.error)}`);
  return parsed.data.rules;
}

export const SENSITIVE_RULES: readonly SensitiveRule[] = loadWordList(list);

export interface SensitiveMatch {
  /** The path as given. */
  path: string;
  /** The segment that matched. */
  segment: string;
  why: string;
  severity: Severity;
}

/** The segments of a path or URL's path, lowercased and percent-decoded where that is valid. */
function segmentsOf(pathOrUrl: string): string[] {
  let path = pathOrUrl;
  if (/^[a-z][a-z0-9+.-]{0,20}:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return [];
    }
  }
  path = path.replace(/[?#].*$/, '');
  return path
    .split('/', 100)
    .map((segment) => {
      try {
        return decodeURIComponent(segment).toLowerCase();
      } catch {
        return segment.toLowerCase();
      }
    })
    .filter((s) => s !== '' && s !== '*');
}

function matches(rule: SensitiveRule, segment: string): boolean {
  // robots.txt wildcards and end anchors are not part of the name.
  const name = segment.replace(/[*$]+/g, '');
  return rule.values.some((value) => {
    if (rule.match === 'file') return name === value;
    if (rule.match === 'extension') return name.endsWith(value) && name.length > value.length;
    return name === value || (name.startsWith(value) && /[-_.]/.test(name[value.length] ?? ''));
  });
}

/** The first rule a path's segments meet, most severe rule first; undefined when none. */
export function sensitiveMatch(
  path: string,
  rules: readonly SensitiveRule[] = SENSITIVE_RULES,
): SensitiveMatch | undefined {
  const order: Severity[] = ['high', 'medium', 'low'];
  const sorted = [...rules].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  const segments = segmentsOf(path);
  for (const rule of sorted) {
    const segment = segments.find((s) => matches(rule, s));
    if (segment !== undefined) return { path, segment, why: rule.why, severity: rule.severity };
  }
  return undefined;
}
