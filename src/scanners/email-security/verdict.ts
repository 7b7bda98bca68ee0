// The email posture in one score and one verdict. Pure: the scanner feeds it what SPF, DMARC and
// DKIM showed, and it says how far a stranger can send mail that passes as the domain's.
import { type CategoryScore, GRADE_CATEGORIES, scoreCategory } from '../../shared/grade';
import type { Severity } from '../../shared/model';
import type { DmarcPolicy } from './dmarc';
import type { SpfQualifier } from './spf';

export interface PostureInput {
  spf: {
    status: 'none' | 'ok' | 'permerror' | 'temperror';
    /** The qualifier of the "all" that ends evaluation; null when the record has none. */
    ending?: SpfQualifier | null;
    /** The domain's own record lets no server pass ("v=spf1 -all"): it says the domain sends no mail. */
    passesNone?: boolean;
  };
  dmarc: {
    status: 'none' | 'ok' | 'invalid' | 'several' | 'temperror';
    /** The policy applied to this domain (its own p=, or the organisational domain's sp=). */
    policy?: DmarcPolicy;
    pct?: number;
    inheritedFrom?: string;
  };
  dkim: { usable: number; tried: number };
  /** The domain's only MX is the null MX "0 ." (RFC 7505): it receives no mail. */
  nullMx?: boolean;
}

export type Verdict = 'spoofable' | 'partially spoofable' | 'not spoofable' | 'undetermined';

export interface Posture {
  /** 0-3: one point each for an enforcing SPF, an enforcing DMARC policy, a DKIM key (or no need of one). */
  score: number;
  points: { spf: boolean; dmarc: boolean; dkim: boolean };
  /**
   * The domain declares it neither receives (null MX) nor sends (SPF passes no server) mail: with
   * nothing to sign, DKIM is not needed and its point is not lost.
   */
  noMail: boolean;
  /** What each part of the score rests on, in words (the first three reasons). */
  why: { spf: string; dmarc: string; dkim: string };
  verdict: Verdict;
  severity: Severity;
  reasons: string[];
}

const ENDINGS: Record<SpfQualifier, string> = {
  '+': 'SPF ends "+all": every server on the internet passes SPF for this domain',
  '?': 'SPF ends "?all": servers it does not list get a neutral result, not a failure',
  '~': 'SPF ends "~all": servers it does not list soft-fail',
  '-': 'SPF ends "-all": servers it does not list fail',
};

function spfReason(spf: PostureInput['spf']): string {
  switch (spf.status) {
    case 'none':
      return 'no SPF record: receivers cannot tell which servers may send for the domain';
    case 'permerror':
      return 'the SPF record is broken (permerror): receivers treat it as no usable SPF';
    case 'temperror':
      return 'the SPF record could not be read (DNS failure)';
    case 'ok':
      return spf.ending
        ? ENDINGS[spf.ending]
        : 'SPF has no "all" mechanism: servers it does not list get a neutral result';
  }
}

function dmarcReason(dmarc: PostureInput['dmarc']): string {
  const inherited = dmarc.inheritedFrom ? ` (inherited from ${dmarc.inheritedFrom})` : '';
  switch (dmarc.status) {
    case 'none':
      return 'no DMARC record: receivers apply no policy to mail that fails SPF and DKIM alignment';
    case 'several':
      return 'several DMARC records: receivers ignore them all';
    case 'invalid':
      return 'the DMARC record is invalid (no valid p= tag): receivers ignore it';
    case 'temperror':
      return 'the DMARC record could not be read (DNS failure)';
    case 'ok':
      break;
  }
  const pct = dmarc.pct !== undefined && dmarc.pct < 100 ? `, applied to ${dmarc.pct}% of failing mail only` : '';
  switch (dmarc.policy) {
    case 'reject':
      return `DMARC p=reject${inherited}: mail failing alignment is refused${pct}`;
    case 'quarantine':
      return `DMARC p=quarantine${inherited}: mail failing alignment is delivered as spam${pct}`;
    default:
      return `DMARC p=none${inherited}: mail failing alignment is delivered as usual (monitoring only)`;
  }
}

export function assessPosture(input: PostureInput): Posture {
  const { spf, dmarc, dkim } = input;
  const spfEnforcing = spf.status === 'ok' && (spf.ending === '-' || spf.ending === '~');
  const passAll = spf.status === 'ok' && spf.ending === '+';
  const dmarcEnforcing = dmarc.status === 'ok' && (dmarc.policy === 'quarantine' || dmarc.policy === 'reject');
  const full = dmarc.pct === undefined || dmarc.pct === 100;
  const noMail = input.nullMx === true && spf.status === 'ok' && spf.ending === '-' && spf.passesNone === true;
  const points = { spf: spfEnforcing, dmarc: dmarcEnforcing, dkim: dkim.usable > 0 || noMail };
  const score = Number(points.spf) + Number(points.dmarc) + Number(points.dkim);
  const why = {
    spf: spfReason(spf),
    dmarc: dmarcReason(dmarc),
    dkim:
      dkim.usable > 0
        ? `DKIM: ${dkim.usable} key(s) found`
        : noMail
          ? 'DKIM: not needed, the domain sends no mail to sign'
          : `DKIM: no usable key found under the ${dkim.tried} selector(s) tried (others may exist)`,
  };
  const reasons = [why.spf, why.dmarc, why.dkim];

  let verdict: Verdict;
  let severity: Severity;
  if (passAll) {
    // +all makes SPF pass for anyone using the domain as envelope sender, and that pass is aligned:
    // DMARC is satisfied whatever its policy.
    verdict = 'spoofable';
    severity = 'high';
    reasons.push('a forged message using the domain as envelope sender passes SPF, and so DMARC');
  } else if (spf.status === 'temperror' || dmarc.status === 'temperror') {
    verdict = 'undetermined';
    severity = 'info';
  } else if (dmarcEnforcing && dmarc.policy === 'reject' && full) {
    verdict = 'not spoofable';
    severity = 'info';
  } else if (dmarcEnforcing) {
    verdict = 'partially spoofable';
    severity = full ? 'low' : 'medium';
    reasons.push(
      full
        ? 'forged mail is quarantined rather than refused: it may still reach a spam folder'
        : 'the DMARC policy covers only part of the failing mail: the rest is delivered',
    );
  } else if (spfEnforcing) {
    verdict = 'partially spoofable';
    severity = 'medium';
    reasons.push(
      'SPF checks only the envelope sender: without an enforcing DMARC policy the From: header readers see can be forged',
    );
  } else {
    verdict = 'spoofable';
    severity = 'high';
    reasons.push('nothing tells receivers to refuse mail forged in the domain’s name');
  }
  if (noMail) {
    reasons.push(
      'the domain declares it neither receives mail (null MX) nor sends any ("v=spf1 -all"): the recommended set-up for a domain without mail',
    );
  } else if (input.nullMx && !spfEnforcing) {
    reasons.push('the domain accepts no mail (null MX) but does not say it sends none ("v=spf1 -all")');
  }
  return { score, points, noMail, why, verdict, severity, reasons };
}

/** The email category of the grade: its weight split in three, each third lost with the reason it is missing. */
export function emailGrade(posture: Posture): CategoryScore {
  const third = GRADE_CATEGORIES.email.weight / 3;
  const parts = ['spf', 'dmarc', 'dkim'] as const;
  const lost = parts
    .filter((part) => !posture.points[part])
    .map((part) => ({ points: third, reason: posture.why[part] }));
  return scoreCategory('email', 'email-security', lost);
}
