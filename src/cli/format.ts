// Renders a finished CLI scan as text, JSON or CSV. Values came from the network: text output
// strips control characters (no terminal escapes) and CSV cells cannot start a formula.
import { type Assessment, pivotGroups } from '../shared/assessment';
import { formatPoints } from '../shared/grade';
import type { Entity, Finding, Relation, Run } from '../shared/model';

export interface ScanReport {
  target: string;
  case: string | null;
  runs: Run[];
  entities: Entity[];
  relations: Relation[];
  findings: Finding[];
  assessment: Assessment;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function safeText(value: string): string {
  return value.replace(CONTROL, '\uFFFD');
}

/** A value on one line of the report: line breaks in it (an error message quoted in a reason) become spaces. */
function oneLine(value: string): string {
  return safeText(value.replace(/\s*[\r\n]+\s*/g, ' '));
}

function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function toJson(report: ScanReport): string {
  return JSON.stringify(report, null, 2);
}

export function toCsv(report: ScanReport): string {
  const byId = new Map(report.entities.map((e) => [e.id, e]));
  const name = (id: number) => {
    const e = byId.get(id);
    return e ? `${e.type}:${e.value}` : String(id);
  };
  const rows = [['record', 'type', 'value', 'relation', 'from', 'to', 'first_seen', 'last_seen']];
  for (const e of report.entities) rows.push(['entity', e.type, e.value, '', '', '', e.firstSeen, e.lastSeen]);
  for (const r of report.relations)
    rows.push(['relation', '', '', r.kind, name(r.from), name(r.to), r.firstSeen, r.lastSeen]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

export function toText(report: ScanReport): string {
  const byId = new Map(report.entities.map((e) => [e.id, e]));
  const label = (id: number) => safeText(byId.get(id)?.value ?? `#${id}`);
  const lines: string[] = [`Target: ${safeText(report.target)}`];
  if (report.case) lines.push(`Case: ${report.case}`);
  lines.push('', ...assessmentLines(report.assessment));
  lines.push('', 'Runs:');
  for (const run of report.runs) {
    lines.push(
      `  ${run.scannerId} on ${safeText(run.target.value)}: ${run.status}${run.error ? ` (${safeText(run.error)})` : ''}`,
    );
  }
  const types = [...new Set(report.entities.map((e) => e.type))].sort();
  lines.push('', `Entities (${report.entities.length}):`);
  for (const type of types) {
    const values = report.entities.filter((e) => e.type === type).map((e) => safeText(e.value));
    lines.push(`  ${type}: ${values.sort().join(', ')}`);
  }
  lines.push('', `Relations (${report.relations.length}):`);
  for (const r of report.relations) lines.push(`  ${label(r.from)} --${r.kind}--> ${label(r.to)}`);
  if (report.findings.length > 0) {
    lines.push('', `Findings (${report.findings.length}):`);
    for (const f of report.findings) lines.push(`  [${f.severity}] ${label(f.entityId)}: ${safeText(f.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

const MARK = { red: 'RED   ', yellow: 'YELLOW', green: 'GREEN ' } as const;

/** The Overall Assessment first: what an investigator reads before the raw graph. */
export function assessmentLines(a: Assessment): string[] {
  const { grade } = a;
  const lines = [
    grade.letter === null
      ? 'Grade: unknown (no graded module ran)'
      : `Grade: ${grade.letter} (${grade.score}/100 over the categories known)`,
  ];
  for (const c of grade.categories) {
    const score = !c.applicable
      ? 'not applicable'
      : c.earned === null
        ? 'unknown (not scanned)'
        : `${formatPoints(c.earned)}/${c.weight}`;
    lines.push(`  ${c.title}: ${score}`);
    for (const lost of c.lost) lines.push(`    -${formatPoints(lost.points)}: ${oneLine(lost.reason)}`);
  }
  lines.push('', 'Signals:');
  if (a.signals.length === 0) lines.push('  (none)');
  for (const s of a.signals) {
    lines.push(`  ${MARK[s.level]} ${oneLine(s.text)}${s.about ? ` (${oneLine(s.about)})` : ''}`);
  }
  lines.push('', 'Pivots:');
  if (a.pivots.length === 0) lines.push('  (none)');
  for (const group of pivotGroups(a)) {
    for (const p of group.shown) {
      const others = p.shared === 1 ? '1 other shares it' : `${p.shared} others share it`;
      const weak = p.weak ? `; ${oneLine(p.weak)}` : '';
      lines.push(`  ${p.role}: ${oneLine(p.value)} (${p.class}: ${others}${weak})`);
    }
    if (group.more > 0) lines.push(`  ${group.role}: … and ${group.more} more`);
  }
  if (a.absences.length > 0) {
    lines.push('', 'Absences:');
    for (const absence of a.absences) lines.push(`  ${oneLine(absence.text)} [${absence.source}]`);
  }
  return lines;
}
