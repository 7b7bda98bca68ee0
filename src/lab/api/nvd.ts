// NVD's CVE API 2.0 for the lab: CVEs by cpeName / virtualMatchString / cveId, in the API's
// response shape. CPE 2.3 names are compared component by component; "*" (or a component left
// out) on either side matches anything, so "cpe:2.3:a:apache:http_server" finds every version.
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { CveRecord } from '../scenario/schema';

type Cve = z.infer<typeof CveRecord>;

/** part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other */
const CPE_COMPONENTS = 11;
const CPE_PREFIX = 'cpe:2.3:';
export const NVD_MAX_PAGE = 2000;

/** The components of a CPE 2.3 name (":" escaped as "\:" stays inside a component), or null. */
export function parseCpe(text: string): string[] | null {
  if (!text.toLowerCase().startsWith(CPE_PREFIX) || text.length > 1000) return null;
  const parts: string[] = [];
  let current = '';
  const body = text.slice(CPE_PREFIX.length);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch === '\\' && i + 1 < body.length) {
      current += ch + (body[i + 1] ?? '');
      i++;
    } else if (ch === ':') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  if (parts.length > CPE_COMPONENTS || parts.some((p) => p === '')) return null;
  return parts.map((p) => p.toLowerCase());
}

/** Whether a queried CPE and a record's CPE can name the same software. */
export function cpeMatches(query: readonly string[], record: readonly string[]): boolean {
  for (let i = 0; i < CPE_COMPONENTS; i++) {
    const q = query[i] ?? '*';
    const r = record[i] ?? '*';
    if (q !== '*' && r !== '*' && q !== r) return false;
  }
  return true;
}

export function severityOf(score: number): 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/** NVD prints times as UTC without a zone, with milliseconds. */
function nvdTime(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString().replace(/Z$/, '');
}

function matchCriteriaId(cpe: string): string {
  const hex = createHash('sha256').update(cpe).digest('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface CveGroup {
  id: string;
  records: Cve[];
  cpes: { text: string; parts: string[] }[];
}

/** Records grouped by CVE id (one CVE may affect several CPEs), oldest first. */
export function indexCves(records: readonly Cve[]): CveGroup[] {
  const byId = new Map<string, CveGroup>();
  for (const record of records) {
    const group = byId.get(record.id) ?? { id: record.id, records: [], cpes: [] };
    group.records.push(record);
    const parts = parseCpe(record.cpe);
    if (parts) group.cpes.push({ text: record.cpe, parts });
    byId.set(record.id, group);
  }
  return [...byId.values()].sort((a, b) => {
    const pa = Date.parse(a.records[0]?.published ?? '');
    const pb = Date.parse(b.records[0]?.published ?? '');
    return pa !== pb ? pa - pb : a.id < b.id ? -1 : 1;
  });
}

export interface NvdQuery {
  cpe: string[] | null;
  cveId: string | null;
  resultsPerPage: number;
  startIndex: number;
}

/** Reads the parameters; returns the message NVD would put in its error, or the query. */
export function parseNvdQuery(params: URLSearchParams): NvdQuery | string {
  const cpeText = params.get('cpeName') ?? params.get('virtualMatchString');
  let cpe: string[] | null = null;
  if (cpeText !== null) {
    cpe = parseCpe(cpeText);
    if (cpe === null) return `Invalid cpeName or virtualMatchString: ${cpeText.slice(0, 100)}`;
  }
  const cveId = params.get('cveId');
  if (cveId !== null && !/^CVE-\d{4}-\d{4,}$/i.test(cveId)) return `Invalid cveId: ${cveId.slice(0, 40)}`;
  const number = (name: string, fallback: number, max: number): number | string => {
    const text = params.get(name);
    if (text === null) return fallback;
    if (!/^\d{1,7}$/.test(text)) return `Invalid ${name}`;
    return Math.min(Number(text), max);
  };
  const resultsPerPage = number('resultsPerPage', NVD_MAX_PAGE, NVD_MAX_PAGE);
  const startIndex = number('startIndex', 0, 10_000_000);
  if (typeof resultsPerPage === 'string') return resultsPerPage;
  if (typeof startIndex === 'string') return startIndex;
  return { cpe, cveId: cveId?.toUpperCase() ?? null, resultsPerPage, startIndex };
}

function cveObject(group: CveGroup): Record<string, unknown> {
  const first = group.records[0];
  const scored = group.records.find((r) => r.cvss !== undefined);
  const published = nvdTime(first?.published ?? '');
  const metrics =
    scored?.cvss === undefined
      ? {}
      : {
          cvssMetricV31: [
            {
              source: 'nvd@nist.gov',
              type: 'Primary',
              cvssData: {
                version: '3.1',
                baseScore: scored.cvss,
                baseSeverity: scored.severity ?? severityOf(scored.cvss),
              },
            },
          ],
        };
  return {
    id: group.id,
    sourceIdentifier: 'cve@mitre.org',
    published,
    lastModified: published,
    vulnStatus: scored ? 'Analyzed' : 'Awaiting Analysis',
    descriptions: [{ lang: 'en', value: first?.description ?? '' }],
    metrics,
    configurations: [
      {
        nodes: [
          {
            operator: 'OR',
            negate: false,
            cpeMatch: group.cpes.map((cpe) => ({
              vulnerable: true,
              criteria: cpe.text,
              matchCriteriaId: matchCriteriaId(cpe.text),
            })),
          },
        ],
      },
    ],
    references: [],
  };
}

/** The API's response for a query: one page of matching CVEs. */
export function nvdResponse(groups: readonly CveGroup[], query: NvdQuery, now: Date): Record<string, unknown> {
  const matching = groups.filter(
    (group) =>
      (query.cveId === null || group.id === query.cveId) &&
      (query.cpe === null || group.cpes.some((cpe) => query.cpe !== null && cpeMatches(query.cpe, cpe.parts))),
  );
  const page = matching.slice(query.startIndex, query.startIndex + query.resultsPerPage);
  return {
    resultsPerPage: page.length,
    startIndex: query.startIndex,
    totalResults: matching.length,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp: now.toISOString().replace(/Z$/, ''),
    vulnerabilities: page.map((group) => ({ cve: cveObject(group) })),
  };
}
