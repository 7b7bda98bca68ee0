// Renders a finished CLI scan as text, JSON or CSV. Values came from the network: text output
// strips control characters (no terminal escapes) and CSV cells cannot start a formula.
import type { Entity, Finding, Relation, Run } from '../shared/model';

export interface ScanReport {
  target: string;
  case: string | null;
  runs: Run[];
  entities: Entity[];
  relations: Relation[];
  findings: Finding[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function safeText(value: string): string {
  return value.replace(CONTROL, '\uFFFD');
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
