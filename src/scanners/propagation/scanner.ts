// The propagation scanner: the same questions to several public resolvers at once, compared as
// sets. A disagreement is a finding (and the addresses only some resolvers return become pivots);
// a resolver that failed is reported apart, since silence says nothing about what it holds.
import type { EntityKey, JsonValue, Props } from '../../shared/model';
import type { DnsRecordType, DnsResponse, ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { dnsEvidence, Refs } from '../dns/evidence';
import { cnameChain, recordsOf } from '../dns/queries';
import { GraphBuilder } from '../kit/graph-builder';
import {
  answerText,
  type Comparison,
  classifyError,
  classifyRcode,
  compareReplies,
  NXDOMAIN,
  partialRecords,
  type Reply,
  recordSet,
} from './compare';
import { DEFAULT_RECORD_TYPES, DEFAULT_RESOLVERS, propagationManifest } from './manifest';
import { parseRecordTypes, parseResolvers, type ResolverSpec } from './resolvers';

const MAX_RECORDS = 256;
const MAX_CONCURRENCY = 32;

interface Task {
  type: DnsRecordType;
  resolver: ResolverSpec;
}

interface Outcome {
  task: Task;
  reply: Reply;
  refs: string[];
}

/** A list option: absent means the default; anything but a list of strings is an error, never ignored. */
function stringList(key: string, value: JsonValue | undefined, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new Error(`invalid options: ${key} must be a list of strings`);
}

function positive(value: JsonValue | undefined, fallback: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.min(Math.floor(value), max)
    : fallback;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Asks one resolver one question under its own deadline; the run's cancellation still wins. */
async function ask(
  name: string,
  task: Task,
  ctx: ScanContext,
  timeoutMs: number,
): Promise<{ response: DnsResponse } | { error: string }> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return {
      response: await ctx.net.resolver.query(
        name,
        task.type,
        AbortSignal.any([ctx.signal, deadline]),
        task.resolver.server,
      ),
    };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    if (deadline.aborted) return { error: `${task.resolver.server} timed out after ${timeoutMs} ms` };
    return { error: errorText(error) };
  }
}

function replyOf(name: string, task: Task, result: { response: DnsResponse } | { error: string }): Reply {
  const resolver = task.resolver.name;
  if ('error' in result) {
    return { resolver, kind: 'failed', reason: classifyError(result.error), message: result.error.slice(0, 500) };
  }
  const { response } = result;
  if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') {
    return {
      resolver,
      kind: 'failed',
      reason: classifyRcode(response.rcode),
      message: `${task.resolver.server} answered ${response.rcode}`,
    };
  }
  const chain = cnameChain(name, response.answers);
  const data = recordsOf(response, task.type, chain.names)
    .slice(0, MAX_RECORDS)
    .map((r) => r.data);
  return { resolver, kind: 'answer', rcode: response.rcode, records: recordSet(task.type, data) };
}

/** Runs the tasks at most `limit` at a time, yielding progress; outcomes come back in task order. */
async function* runAll(
  name: string,
  tasks: readonly Task[],
  ctx: ScanContext,
  timeoutMs: number,
  limit: number,
  refs: Refs,
): AsyncGenerator<ScanEvent, Outcome[]> {
  const outcomes: Outcome[] = new Array(tasks.length);
  const inFlight = new Map<number, Promise<{ index: number; result: { response: DnsResponse } | { error: string } }>>();
  let next = 0;
  let done = 0;
  const launch = (index: number): void => {
    const task = tasks[index] as Task;
    inFlight.set(
      index,
      ask(name, task, ctx, timeoutMs).then((result) => ({ index, result })),
    );
  };
  while (next < tasks.length && inFlight.size < limit) launch(next++);
  while (inFlight.size > 0) {
    const { index, result } = await Promise.race(inFlight.values());
    inFlight.delete(index);
    const task = tasks[index] as Task;
    let evidence: string[] = [];
    if ('response' in result) {
      const ev = dnsEvidence({ name, type: task.type }, result.response, refs);
      for (const event of ev.events) yield event;
      evidence = ev.refs;
    }
    outcomes[index] = { task, reply: replyOf(name, task, result), refs: evidence };
    done++;
    yield {
      kind: 'progress',
      fraction: done / tasks.length,
      message: `${task.type} ${name.slice(0, 200)} @ ${task.resolver.name}`,
    };
    if (next < tasks.length) launch(next++);
  }
  return outcomes;
}

/** The domain's per-type, per-resolver table: what each resolver said, or why it said nothing. */
function tableOf(comparison: Comparison, replies: readonly Reply[]): Props {
  const resolvers: Props = {};
  for (const reply of replies) {
    resolvers[reply.resolver] =
      reply.kind === 'failed'
        ? { failed: reply.reason, error: reply.message }
        : reply.rcode === 'NXDOMAIN'
          ? { rcode: NXDOMAIN, answers: [] }
          : { rcode: 'NOERROR', answers: reply.records };
  }
  return { status: comparison.status, resolvers };
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const name = canonicalValue('domain', input.value);
  if (name === undefined) throw new Error(`"${input.value.slice(0, 100)}" is not a domain name`);
  const { resolvers, errors: resolverErrors } = parseResolvers(
    stringList('resolvers', ctx.options.resolvers, DEFAULT_RESOLVERS),
  );
  const { types, errors: typeErrors } = parseRecordTypes(
    stringList('recordTypes', ctx.options.recordTypes, DEFAULT_RECORD_TYPES),
  );
  const optionErrors = [...resolverErrors, ...typeErrors];
  if (optionErrors.length > 0) throw new Error(`invalid options: ${optionErrors.join('; ')}`);
  if (resolvers.length === 0) throw new Error('invalid options: no resolvers to ask');
  if (types.length === 0) throw new Error('invalid options: no record types to compare');
  // One question may take at most what leaves the run time to report (its own timeout is 60 s).
  const timeoutMs = positive(ctx.options.timeoutMs, 5000, propagationManifest.timeoutMs - 10_000);
  const limit = positive(ctx.options.concurrency, 8, MAX_CONCURRENCY);

  const tasks = types.flatMap((type) => resolvers.map((resolver) => ({ type, resolver })));
  const outcomes = yield* runAll(name, tasks, ctx, timeoutMs, limit, new Refs());

  if (outcomes.every((o) => o.reply.kind === 'failed')) {
    const reasons = outcomes.map(
      (o) => `${o.task.type} @ ${o.task.resolver.name}: ${o.reply.kind === 'failed' ? o.reply.message : ''}`,
    );
    throw new Error(`every resolver failed for ${name}: ${reasons.slice(0, 40).join('; ')}`);
  }

  const subject: EntityKey = { type: 'domain', value: name };
  const graph = new GraphBuilder('dns');
  const table: Props = {};
  const failures: string[] = [];
  const failureRefs: string[] = [];
  graph.entity(
    subject,
    outcomes.flatMap((o) => o.refs),
  );
  for (const type of types) {
    const ofType = outcomes.filter((o) => o.task.type === type);
    const replies = ofType.map((o) => o.reply);
    const comparison = compareReplies(replies);
    table[type] = tableOf(comparison, replies);
    const refs = ofType.flatMap((o) => o.refs);
    for (const f of comparison.failed) failures.push(`${type} @ ${f.resolver}: ${f.reason} (${f.message})`);
    failureRefs.push(...ofType.filter((o) => o.reply.kind === 'failed').flatMap((o) => o.refs));
    if (comparison.status === 'disagree') {
      graph.finding({
        about: subject,
        severity: 'medium',
        title: `Public resolvers disagree on the ${type} records of ${name}`,
        detail:
          `Asked the same ${type} question, the resolvers gave ${comparison.groups.length} different answers:\n` +
          comparison.groups.map((g) => `- ${answerText(g.answer)}: ${g.resolvers.join(', ')}`).join('\n') +
          '\nA resolver answering differently may hold a stale cached record, see a regional (geo-DNS) answer, ' +
          'or have been served a hijacked or poisoned one.',
        evidence: refs,
      });
    }
    if (type === 'A' || type === 'AAAA') {
      for (const [address, by] of partialRecords(comparison)) {
        const ip = canonicalValue('ip', address);
        if (ip === undefined) continue;
        const cited = ofType.filter((o) => by.includes(o.reply.resolver)).flatMap((o) => o.refs);
        graph.relation(subject, 'resolves_to', { type: 'ip', value: ip }, cited, { resolvers: by });
      }
    }
  }
  graph.prop(subject, 'propagation', table);
  if (failures.length > 0) {
    graph.finding({
      about: subject,
      severity: 'info',
      title: `Some public resolvers did not answer for ${name}`,
      detail: `These questions got no usable answer; they are left out of the comparison:\n${failures.map((f) => `- ${f}`).join('\n')}`,
      ...(failureRefs.length > 0 ? { evidence: failureRefs } : {}),
    });
  }
  yield* graph.drain();
}

export const propagationScanner: Scanner = { manifest: propagationManifest, run };
