// Asking the resolver a list of questions a few at a time, and reading answers: the CNAME chain
// from a name, and the records owned by that chain. Shared by the DNS-reading scanners.
import type { DnsAnswerRecord, DnsRecordType, DnsResponse, ScanContext, ScanEvent } from '../../shared/scanner';
import { timeoutSignal } from '../kit/timeout-signal';
import { dnsEvidence, type Refs } from './evidence';
import { nameKey } from './records';

/** Queries in flight at once: enough to be quick, few enough not to look like a flood. */
export const CONCURRENCY = 4;
/** CNAME links followed from the queried name. */
export const MAX_CHAIN = 16;
/** Records of one type taken from one answer; a hostile server can send thousands. */
export const MAX_RECORDS = 256;
/** Why a query has no outcome of its own when the deadline given to runQueries passed first. */
export const PAST_DEADLINE = "no answer before the run's time for these lookups ran out";

export interface Query {
  name: string;
  type: DnsRecordType;
}

export type Outcome = { query: Query; response: DnsResponse; refs: string[] } | { query: Query; error: string };
export type Answered = Extract<Outcome, { response: DnsResponse }>;
export type Failed = Extract<Outcome, { error: string }>;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('cancelled');
}

/** The CNAME chain from a name through one answer section: names visited and links, bounded. */
export function cnameChain(start: string, answers: readonly DnsAnswerRecord[]) {
  const targets = new Map<string, string>();
  for (const record of answers) {
    const owner = nameKey(record.name);
    if (record.type === 'CNAME' && !targets.has(owner)) targets.set(owner, nameKey(record.data));
  }
  const names = [start];
  const links: [string, string][] = [];
  let loop = false;
  let current = start;
  for (let step = 0; step < MAX_CHAIN; step++) {
    const target = targets.get(current);
    if (target === undefined) break;
    links.push([current, target]);
    if (names.includes(target)) {
      loop = true;
      break;
    }
    names.push(target);
    current = target;
  }
  return { names, links, loop };
}

/** Records of a type owned by a name of the chain (records about other names are ignored). */
export function recordsOf(response: DnsResponse, type: string, chain: readonly string[]): DnsAnswerRecord[] {
  const owners = new Set(chain);
  return response.answers.filter((r) => r.type === type && owners.has(nameKey(r.name)));
}

/**
 * Runs queries at most CONCURRENCY at a time, yielding progress as each completes, and returns
 * the outcomes in query order (so what follows is emitted in a stable order). Past `deadline`
 * (epoch ms) nothing more is asked and what is in flight is given up: those queries fail with
 * PAST_DEADLINE, while the run's own cancellation still throws.
 */
export async function* runQueries(
  queries: readonly Query[],
  ctx: ScanContext,
  progress: { from: number; to: number },
  deadline?: number,
): AsyncGenerator<ScanEvent, Outcome[]> {
  const outcomes: Outcome[] = new Array(queries.length);
  const inFlight = new Map<number, Promise<number>>();
  const budget = deadline === undefined ? undefined : timeoutSignal(ctx.signal, deadline - Date.now());
  let next = 0;
  let done = 0;
  const launch = (index: number): void => {
    const query = queries[index] as Query;
    const settle = budget?.aborted
      ? Promise.resolve().then(() => {
          outcomes[index] = { query, error: PAST_DEADLINE };
        })
      : ctx.net.resolver.query(query.name, query.type, budget ?? ctx.signal).then(
          (response) => {
            outcomes[index] = { query, response, refs: [] };
          },
          (error: unknown) => {
            outcomes[index] = { query, error: budget?.aborted ? PAST_DEADLINE : errorText(error) };
          },
        );
    inFlight.set(
      index,
      settle.then(() => index),
    );
  };
  while (next < queries.length && inFlight.size < CONCURRENCY) launch(next++);
  while (inFlight.size > 0) {
    const finished = await Promise.race(inFlight.values());
    inFlight.delete(finished);
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    done++;
    const query = queries[finished] as Query;
    yield {
      kind: 'progress',
      fraction: progress.from + ((progress.to - progress.from) * done) / queries.length,
      message: `${query.type} ${query.name.slice(0, 300)}`,
    };
    if (next < queries.length) launch(next++);
  }
  return outcomes;
}

/** Evidence events for every answered query (dig-like text, then the raw packet); fills in refs. */
export function evidenceOf(outcomes: Outcome[], refs: Refs): ScanEvent[] {
  const events: ScanEvent[] = [];
  for (const outcome of outcomes) {
    if (!('response' in outcome)) continue;
    const evidence = dnsEvidence(outcome.query, outcome.response, refs);
    events.push(...evidence.events);
    outcome.refs = evidence.refs;
  }
  return events;
}

export function answered(outcomes: readonly Outcome[]): Answered[] {
  return outcomes.filter((o): o is Answered => 'response' in o);
}
