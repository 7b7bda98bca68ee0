// Clickjacking: may another site load this page in a frame and trick a visitor into clicking on
// it? CSP frame-ancestors decides where browsers support it (all current ones), and overrides
// X-Frame-Options; X-Frame-Options DENY or SAMEORIGIN protects older browsers. ALLOW-FROM was
// never widely supported and current browsers ignore it.
import { type CspPolicy, type FrameAncestors, frameAncestors } from './csp';

export type XfoValue = 'deny' | 'sameorigin' | 'allow-from' | 'invalid' | 'absent';

/** X-Frame-Options as browsers read it: several headers (or a list) must agree, or the header is invalid. */
export function parseXfo(values: readonly string[]): XfoValue {
  const tokens = values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
  if (tokens.length === 0) return 'absent';
  const kinds = new Set(
    tokens.map((t): XfoValue => {
      if (t === 'deny' || t === 'sameorigin') return t;
      return t.startsWith('allow-from') ? 'allow-from' : 'invalid';
    }),
  );
  return kinds.size === 1 ? ([...kinds][0] as XfoValue) : 'invalid';
}

export interface ClickjackingVerdict {
  protected: boolean;
  /** What decides it: frame-ancestors, X-Frame-Options, or nothing. */
  by: 'frame-ancestors' | 'x-frame-options' | 'none';
  reason: string;
}

function describeAncestors(ancestors: Exclude<FrameAncestors, { kind: 'unset' }>): string {
  return ancestors.kind === 'none' ? "'none'" : ancestors.sources.join(' ');
}

export function clickjackingVerdict(policies: readonly CspPolicy[], xfoValues: readonly string[]): ClickjackingVerdict {
  const ancestors = frameAncestors(policies);
  if (ancestors.kind !== 'unset') {
    const list = describeAncestors(ancestors);
    return ancestors.kind === 'any'
      ? { protected: false, by: 'frame-ancestors', reason: `CSP frame-ancestors ${list} lets any site frame the page` }
      : { protected: true, by: 'frame-ancestors', reason: `CSP frame-ancestors ${list} limits who may frame the page` };
  }
  const xfo = parseXfo(xfoValues);
  switch (xfo) {
    case 'deny':
    case 'sameorigin':
      return {
        protected: true,
        by: 'x-frame-options',
        reason: `X-Frame-Options ${xfo.toUpperCase()} (no CSP frame-ancestors)`,
      };
    case 'allow-from':
      return {
        protected: false,
        by: 'x-frame-options',
        reason: 'X-Frame-Options ALLOW-FROM is ignored by current browsers, and there is no CSP frame-ancestors',
      };
    case 'invalid':
      return {
        protected: false,
        by: 'x-frame-options',
        reason:
          'X-Frame-Options has an invalid or conflicting value, which browsers ignore, and there is no CSP frame-ancestors',
      };
    case 'absent':
      return { protected: false, by: 'none', reason: 'neither CSP frame-ancestors nor X-Frame-Options is set' };
  }
}
