// What the target bar shows for what was typed: the parse result of the shared parser, plus
// whether the scan may be sent as things stand.
import type { CaseInfo } from '../../shared/model';
import { type ParsedTarget, parseTarget } from '../../shared/target';

export type TargetCheck =
  | { state: 'empty' }
  | { state: 'invalid'; error: string }
  | {
      state: 'valid';
      target: ParsedTarget;
      warnings: string[];
      /** An internal target while the case does not allow them: nothing may be sent. */
      blockedInternal: boolean;
    };

export function checkTarget(text: string, caseInfo: CaseInfo | null): TargetCheck {
  if (text.trim() === '') return { state: 'empty' };
  const parsed = parseTarget(text);
  if (!parsed.ok) return { state: 'invalid', error: parsed.error };
  const t = parsed.target;
  const warnings: string[] = [];
  if (t.unicode) warnings.push(`Internationalised name: shown as ${t.unicode}, scanned as ${t.key.value}.`);
  if (t.homograph) warnings.push(`Possible homograph: ${t.homograph}.`);
  if (t.internal) warnings.push(`Internal target: ${t.internal}.`);
  const blockedInternal = t.internal !== undefined && !(caseInfo?.settings.allowPrivateTargets ?? false);
  return { state: 'valid', target: t, warnings, blockedInternal };
}
