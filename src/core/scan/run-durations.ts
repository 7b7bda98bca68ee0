// How long each scanner's runs have taken lately, so a Full Scan can start the slowest first:
// with a few runs at a time, a long run started last is the scan's tail.

/** Weight of the newest run in the moving average. */
const NEWEST = 0.3;

export class RunDurations {
  private readonly average = new Map<string, number>();

  record(scannerId: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const before = this.average.get(scannerId);
    this.average.set(scannerId, before === undefined ? ms : before + NEWEST * (ms - before));
  }

  /** Milliseconds a run of this scanner is expected to take; 0 when none has run yet. */
  expected(scannerId: string): number {
    return this.average.get(scannerId) ?? 0;
  }

  /** The ids, slowest first; ties (scanners not seen yet among them) keep their order. */
  slowestFirst<T extends { id: string }>(items: T[]): T[] {
    return [...items].sort((a, b) => this.expected(b.id) - this.expected(a.id));
  }
}
