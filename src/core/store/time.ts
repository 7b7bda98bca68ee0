// Entities and relations keep first/last seen as INTEGER milliseconds since the epoch (UTC):
// they are read in bulk, and a number is far cheaper to move through JSON than an ISO string.
// Every other timestamp in a case is ISO 8601 text. The API always speaks ISO 8601.

/**
 * ISO 8601 for millisecond timestamps given as offsets from a base, memoised: a batch shares one
 * timestamp, so a whole graph has few distinct ones. Offsets keep the keys small integers.
 */
export class IsoTimes {
  private readonly memo = new Map<number, string>();
  private lastOffset = Number.NaN;
  private lastIso = '';

  constructor(private readonly base = 0) {}

  of(offset: number): string {
    // Rows written together sit together: most calls repeat the previous offset.
    if (offset === this.lastOffset) return this.lastIso;
    let iso = this.memo.get(offset);
    if (iso === undefined) {
      iso = new Date(this.base + offset).toISOString();
      this.memo.set(offset, iso);
    }
    this.lastOffset = offset;
    this.lastIso = iso;
    return iso;
  }
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
