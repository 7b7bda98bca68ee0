// NVD's CVE API 2.0 answer, read with zod: tolerant of the fields we do not use (NVD adds them
// over time), strict on those we do. A vulnerability that does not fit is skipped and counted,
// never thrown, so one odd record does not hide the others. Every string from NVD is bounded and
// cleaned of control and bidi characters: descriptions are free text anyone can get published.
import * as z from 'zod';

export type CvssVersion = '3.1' | '3.0' | '2.0';
export type CvssSeverity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface Cve {
  id: string;
  /** ISO 8601, UTC. */
  published: string;
  /** The English description, one cleaned line, bounded; '' when NVD gives none. */
  description: string;
  /** The base score of the preferred CVSS metric, or null when the CVE is not scored yet. */
  score: number | null;
  severity: CvssSeverity | null;
  cvssVersion: CvssVersion | null;
  /** CWE ids ("CWE-78"), NVD's placeholders (NVD-CWE-noinfo) left out. */
  cwes: string[];
  /** http(s) reference URLs, bounded in number and length. */
  references: string[];
}

export type NvdPage =
  | { ok: true; totalResults: number; startIndex: number; received: number; cves: Cve[]; skipped: number }
  | { ok: false; reason: string };

export const MAX_DESCRIPTION = 1000;
export const MAX_REFERENCES = 10;
const MAX_CWES = 10;
const MAX_URL = 2048;
/** NVD's largest page; an answer holding more is read only this far. */
export const MAX_PAGE = 2000;

const Severity = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const Text = z.object({ lang: z.string().max(20), value: z.string() });

const Metric = z.object({
  source: z.string().max(200).optional(),
  type: z.string().max(50).optional(),
  cvssData: z.object({
    version: z.string().max(10),
    baseScore: z.number().min(0).max(10),
    baseSeverity: Severity.optional(),
  }),
  /** CVSS v2 keeps the severity beside cvssData. */
  baseSeverity: Severity.optional(),
});
type Metric = z.infer<typeof Metric>;

const Vulnerability = z.object({
  cve: z.object({
    id: z.string().regex(/^CVE-\d{4}-\d{4,19}$/),
    published: z.string().max(64),
    descriptions: z.array(Text).max(100),
    metrics: z
      .object({
        cvssMetricV31: z.array(Metric).max(50).optional(),
        cvssMetricV30: z.array(Metric).max(50).optional(),
        cvssMetricV2: z.array(Metric).max(50).optional(),
      })
      .optional(),
    weaknesses: z
      .array(z.object({ description: z.array(Text).max(50) }))
      .max(50)
      .optional(),
    references: z
      .array(z.object({ url: z.string() }))
      .max(10_000)
      .optional(),
  }),
});

const Page = z.object({
  totalResults: z.number().int().nonnegative(),
  startIndex: z.number().int().nonnegative().optional(),
  vulnerabilities: z.array(z.unknown()),
});

/** One line of NVD text: control, zero-width and bidi characters as spaces, runs of space as one, cut. */
export function cleanText(text: string, max: number): string {
  const clean = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function severityOfScore(score: number): CvssSeverity {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/** The newest CVSS version present, and in it NVD's own (Primary) metric before a CNA's. */
function preferredMetric(metrics: z.infer<typeof Vulnerability>['cve']['metrics']): {
  metric: Metric;
  version: CvssVersion;
} | null {
  const byVersion: [Metric[] | undefined, CvssVersion][] = [
    [metrics?.cvssMetricV31, '3.1'],
    [metrics?.cvssMetricV30, '3.0'],
    [metrics?.cvssMetricV2, '2.0'],
  ];
  for (const [list, version] of byVersion) {
    const metric = list?.find((m) => m.type === 'Primary') ?? list?.[0];
    if (metric) return { metric, version };
  }
  return null;
}

/** NVD prints UTC without a zone ("2023-07-20T03:15:10.170"); a string that is no such time is malformed. */
function isoTime(text: string): string | null {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!match) return null;
  const ms = Date.parse(match[1] ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** One vulnerability, or null when it lacks what we read or holds it in the wrong shape. */
export function readVulnerability(item: unknown): Cve | null {
  const parsed = Vulnerability.safeParse(item);
  if (!parsed.success) return null;
  const cve = parsed.data.cve;
  const published = isoTime(cve.published);
  if (published === null) return null;
  const english = cve.descriptions.find((d) => d.lang.toLowerCase() === 'en') ?? null;
  const preferred = preferredMetric(cve.metrics);
  const score = preferred?.metric.cvssData.baseScore ?? null;
  const cwes = new Set<string>();
  for (const weakness of cve.weaknesses ?? []) {
    for (const d of weakness.description) if (/^CWE-\d{1,6}$/.test(d.value)) cwes.add(d.value);
  }
  const references = new Set<string>();
  for (const ref of cve.references ?? []) {
    if (references.size >= MAX_REFERENCES) break;
    if (ref.url.length <= MAX_URL && /^https?:\/\/[^\s]+$/i.test(ref.url)) references.add(ref.url);
  }
  return {
    id: cve.id,
    published,
    description: english ? cleanText(english.value, MAX_DESCRIPTION) : '',
    score,
    severity:
      preferred === null
        ? null
        : (preferred.metric.cvssData.baseSeverity ??
          preferred.metric.baseSeverity ??
          severityOfScore(preferred.metric.cvssData.baseScore)),
    cvssVersion: preferred?.version ?? null,
    cwes: [...cwes].slice(0, MAX_CWES),
    references: [...references],
  };
}

/** One page of the API's answer (already JSON-parsed). */
export function parseNvdPage(json: unknown): NvdPage {
  const page = Page.safeParse(json);
  if (!page.success) {
    const shape = json === null ? 'null' : Array.isArray(json) ? 'a list' : `a ${typeof json}`;
    return {
      ok: false,
      reason:
        typeof json === 'object' && json !== null && !Array.isArray(json)
          ? 'the answer lacks totalResults or vulnerabilities'
          : `expected a JSON object, got ${shape}`,
    };
  }
  const items = page.data.vulnerabilities.slice(0, MAX_PAGE);
  const cves: Cve[] = [];
  let skipped = 0;
  for (const item of items) {
    const cve = readVulnerability(item);
    if (cve) cves.push(cve);
    else skipped++;
  }
  return {
    ok: true,
    totalResults: page.data.totalResults,
    startIndex: page.data.startIndex ?? 0,
    received: items.length,
    cves,
    skipped,
  };
}
