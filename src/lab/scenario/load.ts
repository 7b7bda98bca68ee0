// Loads and validates a scenario file. Every problem is reported with the path of its field
// ("sites.2.https.certificate.notAfter: ..."), all at once, so a scenario author fixes them in one go.
import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import { Scenario } from './schema';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const MAX_PROBLEMS = 50;

function describe(issues: z.core.$ZodIssue[]): string[] {
  const problems = issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  return problems.length > MAX_PROBLEMS
    ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`]
    : problems;
}

/** Cross-field rules the schema alone cannot say. */
function consistency(scenario: Scenario): string[] {
  const problems: string[] = [];
  // Names compare as DNS does: case and a trailing dot do not matter.
  const zoneName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');
  const zones = new Set(scenario.zones.map((z) => zoneName(z.origin)));
  scenario.dnssec.forEach((spec, i) => {
    if (!zones.has(zoneName(spec.zone))) problems.push(`dnssec.${i}.zone: no zone "${spec.zone}" in zones`);
  });
  const seen = new Set<string>();
  scenario.zones.forEach((zone, i) => {
    const origin = zoneName(zone.origin);
    if (seen.has(origin)) problems.push(`zones.${i}.origin: zone "${origin}" is defined twice`);
    seen.add(origin);
  });
  const listeners = new Map<string, string>();
  scenario.sites.forEach((site, i) => {
    const certificate = site.https?.certificate;
    if (certificate && Date.parse(certificate.notAfter) <= Date.parse(certificate.notBefore)) {
      problems.push(
        `sites.${i}.https.certificate.notAfter: ${certificate.notAfter} is not after notBefore ${certificate.notBefore}`,
      );
    }
    for (const scheme of ['http', 'https'] as const) {
      const port = site[scheme]?.port;
      if (port === undefined) continue;
      const key = `${site.address}:${port}`;
      const other = listeners.get(key);
      if (other && other !== scheme) problems.push(`sites.${i}.${scheme}.port: ${key} already serves ${other}`);
      listeners.set(key, scheme);
    }
  });
  return problems;
}

export function parseScenario(data: unknown, file = 'scenario'): Scenario {
  const parsed = Scenario.safeParse(data);
  if (!parsed.success) throw new ScenarioError(file, describe(parsed.error.issues));
  const problems = consistency(parsed.data);
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return parsed.data;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseScenario(data, file);
}
