// The email scanner's view of DNS: every question asked once (answers are cached, so an SPF
// include met twice costs one query), at most CONCURRENCY at a time, within a budget a hostile
// zone cannot exhaust. Answers become evidence when first cited, so refs follow the order in
// which the analysis relies on them, not the order in which the network answered.
import type { DnsRecordType, DnsResponse, ScanContext, ScanEvent } from '../../shared/scanner';
import { dnsEvidence, type Refs } from '../dns/evidence';
import { CONCURRENCY, errorText, type Query } from '../dns/queries';
import { nameKey } from '../dns/records';

export type Asked =
  | { kind: 'answer'; query: Query; response: DnsResponse }
  | { kind: 'error'; query: Query; error: string }
  /** Not asked: the budget it was drawn from ran out. */
  | { kind: 'skipped'; query: Query };
export type Answer = Extract<Asked, { kind: 'answer' }>;

/** A share of the run's queries; an SPF tree draws on its own so DKIM probes still run. */
export class Budget {
  constructor(public left: number) {}
}

export class DnsSession {
  private readonly cache = new Map<string, Promise<Asked>>();
  private readonly cited = new Map<Asked, string[]>();
  private evidence: ScanEvent[] = [];
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Queries sent so far. */
  asked = 0;

  constructor(
    private readonly ctx: ScanContext,
    private readonly refs: Refs,
  ) {}

  /** The answer to (name, type): asked once, the same promise for every caller. Never rejects. */
  query(name: string, type: DnsRecordType, budget: Budget): Promise<Asked> {
    const key = `${type} ${nameKey(name)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const query: Query = { name, type };
    if (budget.left <= 0 || name.length > 253) return Promise.resolve({ kind: 'skipped', query });
    budget.left--;
    this.asked++;
    const pending = this.limited(() => this.ctx.net.resolver.query(name, type, this.ctx.signal)).then(
      (response): Asked => ({ kind: 'answer', query, response }),
      (error: unknown): Asked => ({ kind: 'error', query, error: errorText(error) }),
    );
    this.cache.set(key, pending);
    return pending;
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.active >= CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** The evidence refs of an answer (made into evidence the first time); [] for anything else. */
  cite(asked: Asked): string[] {
    if (asked.kind !== 'answer') return [];
    const known = this.cited.get(asked);
    if (known) return known;
    const { events, refs } = dnsEvidence(asked.query, asked.response, this.refs);
    this.evidence.push(...events);
    this.cited.set(asked, refs);
    return refs;
  }

  /** Evidence cited since the last call, in citing order. */
  drain(): ScanEvent[] {
    const events = this.evidence;
    this.evidence = [];
    return events;
  }
}
