// The A-F security grade. Each scanner scores the categories it knows about and leaves the score
// on the entity it scanned, as a prop named `grade.<category>` (shallow prop merges keep one
// category's score from overwriting another's). The grade is then pure arithmetic over whatever
// categories have a score: a category no scanner has scored is unknown, not a pass or a fail, and
// one the graded entity cannot have (DNSSEC of an address) is not applicable and left out.
import * as z from 'zod';
import type { EntityType } from './model';

/** NetTrace's weights: 118 points in all, normalised to 0-100 over the categories known. */
export const GRADE_CATEGORIES = {
  ssl: { title: 'SSL certificate', weight: 25 },
  headers: { title: 'Security headers', weight: 27 },
  reputation: { title: 'IP reputation', weight: 15 },
  ports: { title: 'Open ports', weight: 13 },
  httpsRedirect: { title: 'HTTPS redirect', weight: 10 },
  dnssec: { title: 'DNSSEC', weight: 10 },
  email: { title: 'Email security', weight: 10 },
  cookies: { title: 'Cookie security', weight: 8 },
} as const;
export type GradeCategory = keyof typeof GRADE_CATEGORIES;
export const GRADE_CATEGORY_IDS = Object.keys(GRADE_CATEGORIES) as GradeCategory[];

/**
 * Categories only a domain has: DNSSEC signs a zone, and SPF, DMARC and DKIM are published by a
 * domain. Anything else (an address, a URL) is graded without them: they do not count against it.
 */
const DOMAIN_ONLY: ReadonlySet<GradeCategory> = new Set<GradeCategory>(['dnssec', 'email']);

/** Whether an entity of the type can have the category at all. */
export function categoryApplies(category: GradeCategory, type: EntityType): boolean {
  return type === 'domain' || !DOMAIN_ONLY.has(category);
}

/** The entity prop that holds a category's score. */
export function gradePropKey(category: GradeCategory): string {
  return `grade.${category}`;
}

/** One category's score as a scanner leaves it: points earned out of the category's weight, and why any were lost. */
export const CategoryScore = z.object({
  earned: z.number().min(0),
  lost: z.array(z.object({ points: z.number().positive(), reason: z.string().min(1).max(1000) })).max(100),
  /** The scanner that scored it. */
  scanner: z.string(),
});
export type CategoryScore = z.infer<typeof CategoryScore>;

/**
 * Builds a category score from the points lost: earned is the weight minus the losses, floored at
 * zero, so a scanner only has to name what is wrong.
 */
export function scoreCategory(
  category: GradeCategory,
  scanner: string,
  lost: { points: number; reason: string }[],
): CategoryScore {
  const weight = GRADE_CATEGORIES[category].weight;
  const kept = lost.filter((l) => l.points > 0);
  const total = kept.reduce((sum, l) => sum + l.points, 0);
  return { earned: Math.max(0, weight - total), lost: kept, scanner };
}

/** Points as people read them: at most two decimals (a third of 10 is 3.33, not 3.3333333333333335). */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

export const GRADE_LETTERS = ['A', 'B', 'C', 'D', 'F'] as const;
export type GradeLetter = (typeof GRADE_LETTERS)[number];

export function gradeLetter(score: number): GradeLetter {
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'F';
}

export const GradeCategoryResult = z.object({
  id: z.enum(GRADE_CATEGORY_IDS as [GradeCategory, ...GradeCategory[]]),
  title: z.string(),
  weight: z.number(),
  /** False when the graded entity cannot have the category (DNSSEC of an address): it is left out of the score. */
  applicable: z.boolean(),
  /** Null when no scanner has scored the category, or it does not apply. */
  earned: z.number().nullable(),
  lost: CategoryScore.shape.lost,
  scanner: z.string().nullable(),
});
export type GradeCategoryResult = z.infer<typeof GradeCategoryResult>;

export const Grade = z.object({
  /** 0-100 over the known categories; null when none is known. */
  score: z.number().nullable(),
  letter: z.enum(GRADE_LETTERS).nullable(),
  categories: z.array(GradeCategoryResult),
});
export type Grade = z.infer<typeof Grade>;

/** Reads a category's score from props; a malformed value counts as unknown. */
export function readCategoryScore(props: Record<string, unknown>, category: GradeCategory): CategoryScore | null {
  const parsed = CategoryScore.safeParse(props[gradePropKey(category)]);
  return parsed.success ? parsed.data : null;
}

/**
 * The grade from one score per category (absent = unknown) of an entity of the type given; without
 * a type every category applies.
 */
export function computeGrade(scores: Partial<Record<GradeCategory, CategoryScore>>, type?: EntityType): Grade {
  let earned = 0;
  let possible = 0;
  const categories = GRADE_CATEGORY_IDS.map((id): GradeCategoryResult => {
    const { title, weight } = GRADE_CATEGORIES[id];
    const applicable = type === undefined || categoryApplies(id, type);
    const score = applicable ? scores[id] : undefined;
    if (score === undefined) return { id, title, weight, applicable, earned: null, lost: [], scanner: null };
    const clamped = Math.min(weight, Math.max(0, score.earned));
    earned += clamped;
    possible += weight;
    return { id, title, weight, applicable, earned: clamped, lost: score.lost, scanner: score.scanner };
  });
  if (possible === 0) return { score: null, letter: null, categories };
  const score = Math.round((earned / possible) * 100);
  return { score, letter: gradeLetter(score), categories };
}
