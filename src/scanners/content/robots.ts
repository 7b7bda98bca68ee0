// A robots.txt reader (RFC 9309's shape): groups of user-agent lines with their allow and
// disallow rules, sitemap lines anywhere. Bounded: lines, rules and value lengths are capped, and
// anything it does not understand is skipped, never thrown.

export interface RobotsGroup {
  agents: string[];
  allow: string[];
  disallow: string[];
}

export interface Robots {
  groups: RobotsGroup[];
  sitemaps: string[];
  /** A cap was reached; the file has more than was read. */
  capped: boolean;
}

export const ROBOTS_LIMITS = { maxLines: 10_000, maxRules: 2_000, maxValue: 2_048, maxSitemaps: 50 };

/** Reads robots.txt text. */
export function parseRobots(text: string, limits = ROBOTS_LIMITS): Robots {
  const groups: RobotsGroup[] = [];
  const sitemaps: string[] = [];
  let current: RobotsGroup | undefined;
  // Consecutive user-agent lines share a group; a rule after them closes the agent list.
  let collectingAgents = false;
  let rules = 0;
  let capped = false;
  const lines = text.split(/\r\n|\r|\n/, limits.maxLines + 1);
  if (lines.length > limits.maxLines) capped = true;
  for (const raw of lines.slice(0, limits.maxLines)) {
    const line = raw.replace(/#.*$/, '');
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .slice(0, limits.maxValue);
    if (key === 'sitemap') {
      if (value === '') continue;
      if (sitemaps.length < limits.maxSitemaps) sitemaps.push(value);
      else capped = true;
      continue;
    }
    if (key === 'user-agent') {
      if (!collectingAgents || !current) {
        current = { agents: [], allow: [], disallow: [] };
        groups.push(current);
        collectingAgents = true;
      }
      if (value !== '') current.agents.push(value);
      continue;
    }
    if (key !== 'allow' && key !== 'disallow') continue;
    collectingAgents = false;
    // Rules before any user-agent line belong to no group (RFC 9309); an empty rule allows all.
    if (!current || value === '') continue;
    if (rules >= limits.maxRules) {
      capped = true;
      continue;
    }
    rules++;
    (key === 'allow' ? current.allow : current.disallow).push(value);
  }
  return { groups, sitemaps, capped };
}

/** Every path the file names (allowed or disallowed), deduplicated, in order. */
export function robotsPaths(robots: Robots): string[] {
  return [...new Set(robots.groups.flatMap((g) => [...g.disallow, ...g.allow]))];
}
