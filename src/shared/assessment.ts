// The Overall Assessment of one target: what an investigator reads first. Red / yellow / green
// signals across every module that ran, the values worth pivoting on with how widely each is
// shared in the case, the significant absences, and the A-F grade.
import * as z from 'zod';
import { Grade } from './grade';
import { Entity, EntityType } from './model';

export const SIGNAL_LEVELS = ['red', 'yellow', 'green'] as const;

export const Signal = z.object({
  level: z.enum(SIGNAL_LEVELS),
  text: z.string(),
  /** The scanner or grade category it came from. */
  source: z.string(),
  /** The entity the signal is about: the target, or one of its addresses, certificates or URLs. */
  about: z.string(),
});
export type Signal = z.infer<typeof Signal>;

/**
 * How widely a pivot value is shared: by no other entity of the target's kind in the case, by a
 * few (a tight cluster), by many, or by so many that it is shared infrastructure.
 */
export const SHARE_CLASSES = ['unique', 'tight', 'broad', 'shared infrastructure'] as const;
export type ShareClass = (typeof SHARE_CLASSES)[number];

export function shareClass(shared: number): ShareClass {
  if (shared === 0) return 'unique';
  if (shared < 5) return 'tight';
  if (shared < 50) return 'broad';
  return 'shared infrastructure';
}

/** Pivots an assessment lists per role at most. */
export const MAX_PIVOTS_PER_ROLE = 50;
/** Pivots a reader is shown per role before "and N more". */
export const PIVOTS_SHOWN_PER_ROLE = 10;

export const Pivot = z.object({
  entityId: z.number().int(),
  type: EntityType,
  value: z.string(),
  /** What the value is to the target: "address", "SAN domain", "name server", ... */
  role: z.string(),
  /** Other entities of the target's type that reach the same value the same way. */
  shared: z.number().int().nonnegative(),
  class: z.enum(SHARE_CLASSES),
  /** Why the value is a weak pivot (a CDN address, say), when it is one. */
  weak: z.string().nullable(),
});
export type Pivot = z.infer<typeof Pivot>;

export const Absence = z.object({
  text: z.string(),
  /** The scanner whose run shows the absence; absences are only claimed where one ran. */
  source: z.string(),
});
export type Absence = z.infer<typeof Absence>;

export const Assessment = z.object({
  entity: Entity,
  grade: Grade,
  signals: z.array(Signal),
  /** At most MAX_PIVOTS_PER_ROLE per role: a certificate can name thousands of domains. */
  pivots: z.array(Pivot),
  /** How many values each role has in all, listed or not. */
  pivotTotals: z.record(z.string(), z.number().int().nonnegative()),
  absences: z.array(Absence),
  /** The scanners that have finished a run on the target. */
  scannersRun: z.array(z.string()),
});
export type Assessment = z.infer<typeof Assessment>;

/** The pivots by role, in the order found, each role cut to PIVOTS_SHOWN_PER_ROLE with how many more it has. */
export function pivotGroups(a: Assessment): { role: string; shown: Pivot[]; more: number }[] {
  const groups = new Map<string, Pivot[]>();
  for (const p of a.pivots) groups.set(p.role, [...(groups.get(p.role) ?? []), p]);
  return [...groups].map(([role, pivots]) => {
    const shown = pivots.slice(0, PIVOTS_SHOWN_PER_ROLE);
    return { role, shown, more: Math.max(a.pivotTotals[role] ?? pivots.length, pivots.length) - shown.length };
  });
}
