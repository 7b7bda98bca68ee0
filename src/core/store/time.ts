// Entities and relations keep first/last seen as INTEGER milliseconds since the epoch (UTC):
// they are read in bulk, and a number is far cheaper to move through JSON than an ISO string.
// Every other timestamp in a case is ISO 8601 text. The API always speaks ISO 8601.

/** ISO 8601 for a millisecond timestamp, memoised: a batch shares a handful of timestamps. */
export class IsoTimes {
  private readonly memo = new Map<number, string>();

  of(ms: number): string {
    let iso = this.memo.get(ms);
    if (iso === undefined) {
      iso = new Date(ms).toISOString();
      this.memo.set(ms, iso);
    }
    return iso;
  }
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
