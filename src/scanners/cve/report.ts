// What the CVEs NVD listed mean for a technology: the ranking (highest score first), the props
// left on the node, and the wording and severity of the finding. Pure, so it is tested directly.
import type { JsonValue, Props, Severity } from '../../shared/model';
import { type Cve, cleanText } from './nvd';

/** CVEs kept in the `cves` prop at most. */
export const MAX_LISTED = 50;
/** CVEs described in the finding at most. */
export const MAX_DESCRIBED = 10;
const DESCRIPTION_IN_DETAIL = 200;

/** The finding's severity from the highest CVSS base score; info when no CVE is scored. */
export function findingSeverity(score: number | null): Severity {
  if (score === null) return 'info';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** Highest score first, unscored last; newer first among equals, then by id, so the order is stable. */
export function rankCves(cves: readonly Cve[]): Cve[] {
  return [...cves].sort(
    (a, b) =>
      (b.score ?? -1) - (a.score ?? -1) ||
      (a.published < b.published ? 1 : a.published > b.published ? -1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** "OpenSSH 8.2p1" from the name and version the tech and ports scanners leave, else the node's value. */
export function technologyLabel(value: string, props: Props): string {
  const name = typeof props.name === 'string' ? props.name : '';
  const version = typeof props.version === 'string' ? props.version : '';
  const label = name !== '' ? `${name}${version !== '' ? ` ${version}` : ''}` : value;
  return cleanText(label, 100) || 'this technology';
}

/** The `cves` prop: how many NVD knows, the worst, and the first 50 by score. */
export function cvesProp(ranked: readonly Cve[], count: number): JsonValue {
  const top = ranked[0];
  return {
    count,
    max: top && top.score !== null ? { id: top.id, score: top.score, severity: top.severity } : null,
    list: ranked.slice(0, MAX_LISTED).map((c) => ({
      id: c.id,
      score: c.score,
      severity: c.severity,
      published: c.published,
    })),
  };
}

function cveLine(cve: Cve): string {
  const severity = cve.severity ? ` ${cve.severity}` : '';
  const score = cve.score === null ? 'not scored yet' : `CVSS ${cve.score}${severity} (v${cve.cvssVersion})`;
  const cwes = cve.cwes.length > 0 ? `, ${cve.cwes.slice(0, 3).join(' ')}` : '';
  const description =
    cve.description === '' ? '(no English description)' : cleanText(cve.description, DESCRIPTION_IN_DETAIL);
  const reference = cve.references[0] ? ` See ${cve.references[0]}` : '';
  return `${cve.id}: ${score}, published ${cve.published.slice(0, 10)}${cwes}. ${description}${reference}`;
}

/** The finding listing the CVEs; `count` is NVD's total, `ranked` those read. */
export function cveFinding(
  label: string,
  cpe: string,
  ranked: readonly Cve[],
  count: number,
): { severity: Severity; title: string; detail: string } {
  const top = ranked[0];
  const scored = top && top.score !== null ? top : undefined;
  const highest = scored ? ` (highest ${scored.id}, CVSS ${scored.score})` : '';
  const plural = count === 1 ? 'CVE' : 'CVEs';
  const described = ranked.slice(0, MAX_DESCRIBED);
  const more =
    ranked.length > described.length
      ? `\n… and ${ranked.length - described.length} more read (the technology's cves prop lists up to ${MAX_LISTED}).`
      : '';
  const read = ranked.length < count ? ` ${ranked.length} were read.` : '';
  return {
    severity: findingSeverity(scored?.score ?? null),
    title: `${label} has ${count} known ${plural}${highest}`,
    detail:
      `NVD lists ${count} ${plural} for ${cpe}.${read} Highest score first (descriptions are NVD's text):\n` +
      described.map(cveLine).join('\n') +
      more,
  };
}
