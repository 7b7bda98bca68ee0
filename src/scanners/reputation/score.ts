// The grade's IP reputation score of one address from what the lists said. A DROP listing (a
// hijacked or criminal netblock) loses everything; each list that saw abuse loses a share by how
// serious its listing is; policy listings (PBL: "this range should not send mail directly") lose
// nothing. Lists that could not be asked are neither passes nor failures: with no list checked
// there is no score at all.
import { type CategoryScore, GRADE_CATEGORIES, scoreCategory } from '../../shared/grade';
import type { CodeMeaning } from './lists';

export interface ScoredListing {
  /** The list's name: Spamhaus ZEN, Spamhaus DROP. */
  list: string;
  kind: CodeMeaning['kind'];
  severity: CodeMeaning['severity'];
  /** The listing's short name: CSS, or the DROP block. */
  name: string;
  /** What the listing says, as people read it: "CSS (127.0.0.3)", "203.0.113.0/24 (SBL600001)". */
  what: string;
  /** What the list means by it. */
  meaning: string;
}

/** Points an abuse listing costs, out of the category's 15. */
export const ABUSE_POINTS: Readonly<Record<CodeMeaning['severity'], number>> = {
  high: 8,
  medium: 5,
  low: 2,
  info: 0,
};

const RANK: Readonly<Record<CodeMeaning['severity'], number>> = { info: 0, low: 1, medium: 2, high: 3 };

function cost(listing: ScoredListing): number {
  if (listing.kind === 'drop') return GRADE_CATEGORIES.reputation.weight;
  if (listing.kind === 'policy') return 0;
  return ABUSE_POINTS[listing.severity];
}

/**
 * The score, or null when no list could be checked. `checked` counts the lists that answered
 * (listed or not); each list costs points once, for its most serious listing.
 */
export function reputationScore(
  address: string,
  listings: readonly ScoredListing[],
  checked: number,
): CategoryScore | null {
  if (checked === 0) return null;
  const worst = new Map<string, ScoredListing>();
  for (const listing of listings) {
    const known = worst.get(listing.list);
    if (
      !known ||
      cost(listing) > cost(known) ||
      (cost(listing) === cost(known) && RANK[listing.severity] > RANK[known.severity])
    )
      worst.set(listing.list, listing);
  }
  const lost = [...worst.values()]
    .map((listing) => ({ listing, points: cost(listing) }))
    .filter((l) => l.points > 0)
    .sort((a, b) => b.points - a.points || a.listing.list.localeCompare(b.listing.list))
    .map(({ listing, points }) => ({
      points,
      reason:
        listing.kind === 'drop'
          ? `${address} is in ${listing.list}: ${listing.what}, a netblock hijacked or run by criminals`
          : `${address} is listed by ${listing.list}: ${listing.what} (${listing.severity})`,
    }));
  return scoreCategory('reputation', 'reputation', lost);
}
