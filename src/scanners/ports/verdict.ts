// What one address's port states mean: which open services should not face the internet (a
// finding each, with why), what they cost in the grade's `ports` category, and the summary.
// Web, mail, SSH and DNS ports cost nothing; a port the table does not know is listed, not judged.
import type { Severity } from '../../shared/model';
import { escapeBanner } from './banner-text';
import { type PortEntry, portInfo, type Risk } from './port-table';
import type { PortResult } from './probe';

/** Points of the category's 13 lost per open service of each risk. */
export const RISK_POINTS: Record<Risk, number> = { none: 0, low: 1, medium: 3, high: 5 };

/** Open ports named in the summary's title; its detail lists them all. */
const MAX_LISTED = 20;

const SEVERITY: Record<Exclude<Risk, 'none'>, Severity> = { low: 'low', medium: 'medium', high: 'high' };

export interface VerdictFinding {
  severity: Severity;
  title: string;
  detail: string;
}

export interface AddressVerdict {
  open: PortResult[];
  closed: number;
  filtered: number;
  errors: number;
  /** Some port answered (open or closed): the address was reachable, so its ports can be judged. */
  answered: boolean;
  findings: VerdictFinding[];
  /** The grade's losses; scored only when `answered`. */
  losses: { points: number; reason: string }[];
}

/** "22/tcp (ssh)" */
export function portLabel(port: number, entry: PortEntry = portInfo(port)): string {
  return `${port}/tcp (${entry.service})`;
}

/** A banner as one bounded printable line. */
export function bannerLine(result: PortResult, max = 300): string | undefined {
  if (!result.banner) return undefined;
  const text = escapeBanner(result.banner);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The losses of the open ports: one per risky service, with the reason. */
export function portLosses(open: readonly number[], table?: ReadonlyMap<number, PortEntry>): AddressVerdict['losses'] {
  return open.flatMap((port) => {
    const entry = portInfo(port, table);
    const points = RISK_POINTS[entry.risk];
    if (points === 0) return [];
    return [{ points, reason: `${entry.title} (${port}/tcp) is open to the internet: ${entry.why ?? ''}`.trim() }];
  });
}

export function judgeAddress(
  address: string,
  results: readonly PortResult[],
  products: ReadonlyMap<number, string[]>,
): AddressVerdict {
  const open = results.filter((r) => r.state === 'open').sort((a, b) => a.port - b.port);
  const count = (state: PortResult['state']) => results.filter((r) => r.state === state).length;
  const closed = count('closed');
  const filtered = count('filtered');
  const errors = count('error');
  const findings: VerdictFinding[] = [];
  const describe = (r: PortResult): string => {
    const names = products.get(r.port) ?? [];
    const banner = bannerLine(r);
    return [
      `${portLabel(r.port)} open (connected in ${r.connectMs} ms)`,
      names.length > 0 ? `product: ${names.join(', ')}` : undefined,
      banner ? `banner: ${banner}` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join('; ');
  };
  for (const r of open) {
    const entry = portInfo(r.port);
    if (entry.risk === 'none') continue;
    findings.push({
      severity: SEVERITY[entry.risk],
      title: `${entry.title} (${r.port}/tcp) is open to the internet on ${address}`,
      detail: `${entry.why ?? ''}\n${describe(r)}`,
    });
  }
  const tally = `${closed} closed, ${filtered} filtered${errors > 0 ? `, ${errors} not scanned (errors)` : ''} of ${results.length} TCP ports scanned`;
  if (open.length > 0) {
    const shown = open.slice(0, MAX_LISTED).map((r) => `${r.port} (${portInfo(r.port).service})`);
    const list = `${shown.join(', ')}${open.length > MAX_LISTED ? ', …' : ''}`;
    findings.push({
      severity: 'info',
      title: `${address} has ${open.length} open TCP port${open.length === 1 ? '' : 's'}: ${list}`,
      detail: `${open.map((r) => `- ${describe(r)}`).join('\n')}\n${tally}.`,
    });
  } else if (closed > 0) {
    findings.push({
      severity: 'info',
      title: `${address} has no open TCP port among those scanned`,
      detail: `${tally}.`,
    });
  } else {
    findings.push({
      severity: 'info',
      title: `No port answered on ${address}`,
      detail: `Every connection went unanswered or failed, so the host may be down or drop everything: ${tally}.`,
    });
  }
  return {
    open,
    closed,
    filtered,
    errors,
    answered: open.length > 0 || closed > 0,
    findings,
    losses: portLosses(open.map((r) => r.port)).slice(0, 100),
  };
}
