// Content-Security-Policy (CSP Level 3, 2.2): a header holds policies separated by commas, each a
// list of directives separated by semicolons, each a name and whitespace-separated source
// expressions. Names are case-insensitive; a repeated directive is ignored after its first use.
// Several headers (or several policies) are all enforced: each must allow what the page does.

export type CspPolicy = Map<string, string[]>;

const DIRECTIVE_NAME = /^[a-z0-9-]{1,64}$/;

export function parseCsp(values: readonly string[]): CspPolicy[] {
  const policies: CspPolicy[] = [];
  for (const value of values) {
    for (const text of value.split(',')) {
      const policy: CspPolicy = new Map();
      for (const directive of text.split(';')) {
        const tokens = directive
          .trim()
          .split(/[ \t\n\r\f]+/)
          .filter((t) => t !== '');
        const name = tokens[0]?.toLowerCase();
        if (name === undefined || !DIRECTIVE_NAME.test(name) || policy.has(name)) continue;
        policy.set(name, tokens.slice(1));
      }
      if (policy.size > 0) policies.push(policy);
    }
  }
  return policies;
}

/** The sources that govern scripts in a policy: script-src, else default-src; null when neither is set. */
export function scriptSources(policy: CspPolicy): string[] | null {
  return policy.get('script-src') ?? policy.get('default-src') ?? null;
}

/** Sources that let any origin in: `*`, or a bare scheme such as `https:`. */
export function isWildcardSource(source: string): boolean {
  const s = source.toLowerCase();
  return s === '*' || s === 'http:' || s === 'https:' || s === 'http://*' || s === 'https://*';
}

/**
 * Why a set of policies leaves scripts unrestricted or weakly restricted; empty when every script
 * must come from a listed origin, a nonce or a hash.
 */
export function scriptWeaknesses(policies: readonly CspPolicy[]): string[] {
  const governed = policies.map(scriptSources).filter((s): s is string[] => s !== null);
  if (governed.length === 0) return ['no script-src or default-src: scripts are not restricted'];
  // Several policies all apply; the strictest one decides, so a weakness counts only if every one has it.
  const every = (test: (sources: string[]) => boolean): boolean => governed.every(test);
  const lower = (sources: string[]) => sources.map((s) => s.toLowerCase());
  const nonceOrHash = (sources: string[]) =>
    lower(sources).some((s) => s.startsWith("'nonce-") || /^'sha(256|384|512)-/.test(s));
  const problems: string[] = [];
  if (every((s) => s.some(isWildcardSource) && !lower(s).includes("'strict-dynamic'"))) {
    problems.push('scripts may load from any origin (a wildcard or bare scheme source)');
  }
  // With a nonce or a hash, browsers ignore 'unsafe-inline' (CSP Level 2).
  if (every((s) => lower(s).includes("'unsafe-inline'") && !nonceOrHash(s))) {
    problems.push("'unsafe-inline' lets injected inline scripts run");
  }
  if (every((s) => lower(s).includes("'unsafe-eval'"))) problems.push("'unsafe-eval' allows eval() of strings");
  if (every((s) => lower(s).includes('data:'))) problems.push('data: URLs may be loaded as scripts');
  return problems;
}

export type FrameAncestors =
  | { kind: 'none' }
  | { kind: 'restricted'; sources: string[] }
  | { kind: 'any'; sources: string[] }
  | { kind: 'unset' };

/**
 * What frame-ancestors allows across policies. Each policy with the directive restricts framing;
 * the strictest wins ('none' beats a list, a list beats a wildcard).
 */
export function frameAncestors(policies: readonly CspPolicy[]): FrameAncestors {
  let best: FrameAncestors = { kind: 'unset' };
  const rank = { unset: 0, any: 1, restricted: 2, none: 3 } as const;
  for (const policy of policies) {
    const sources = policy.get('frame-ancestors');
    if (sources === undefined) continue;
    const list = sources.filter((s) => s.toLowerCase() !== "'none'");
    const current: FrameAncestors =
      list.length === 0
        ? { kind: 'none' }
        : list.some(isWildcardSource)
          ? { kind: 'any', sources: list }
          : { kind: 'restricted', sources: list };
    if (rank[current.kind] > rank[best.kind]) best = current;
  }
  return best;
}
