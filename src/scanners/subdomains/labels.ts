// The host labels to ask: the shipped list (validated when the module loads, so a broken list
// fails its unit test rather than a scan) or the analyst's own, each checked as a DNS label.
import * as z from 'zod';
import list from '../../../resources/subdomains/common-labels.json';
import type { JsonValue } from '../../shared/model';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
/** Labels asked at most: each is one question to the resolver. */
export const MAX_LABELS = 1000;

const LabelList = z
  .object({
    $comment: z.string(),
    version: z.literal(1),
    labels: z.array(z.string().regex(LABEL, 'a lowercase DNS label')).min(1).max(MAX_LABELS),
  })
  .strict();

/** Parses a label list; throws with every problem listed. */
export function loadLabels(json: unknown): string[] {
  const parsed = LabelList.safeParse(json);
  if (!parsed.success) throw new Error(`invalid subdomain label list: ${z.prettifyError(parsed.error)}`);
  return [...new Set(parsed.data.labels)];
}

export const COMMON_LABELS: readonly string[] = loadLabels(list);

/** The `labels` option: absent or empty means the shipped list; anything else must be valid labels. */
export function labelsOption(value: JsonValue | undefined): string[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return [...COMMON_LABELS];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Error('invalid options: labels must be a list of host labels');
  }
  const labels = [...new Set(value.map((v) => String(v).trim().toLowerCase()))];
  const bad = labels.filter((l) => !LABEL.test(l));
  if (bad.length > 0) {
    throw new Error(
      `invalid options: not DNS labels: ${bad
        .slice(0, 10)
        .map((b) => JSON.stringify(b.slice(0, 70)))
        .join(', ')}`,
    );
  }
  if (labels.length > MAX_LABELS) throw new Error(`invalid options: ${labels.length} labels, at most ${MAX_LABELS}`);
  return labels;
}
