// The harness the scanner tests share: run a scanner as the worker would (a context with a Net, an
// AbortSignal, options and a logger), collect what it yields split by kind, check the scan-event
// contract, start a built-in lab scenario with a Net wired to it, and build fake Nets whose
// resolver answers from a function.
import { expect } from 'vitest';
import { createNet } from '../../src/core/net';
import { netConfig } from '../../src/core/service/net-config';
import { builtinScenario } from '../../src/lab/builtin';
import { type Lab, startLab } from '../../src/lab/lab';
import { loadScenario } from '../../src/lab/scenario/load';
import type { Scenario } from '../../src/lab/scenario/schema';
import type { EntityKey, JsonValue, Props } from '../../src/shared/model';
import {
  type DnsRecordType,
  type DnsResponse,
  type Net,
  type Resolver,
  ScanEvent,
  type ScanInput,
  type Scanner,
  type ScanPolicy,
  scanPolicy,
} from '../../src/shared/scanner';

export type EventOf<K extends ScanEvent['kind']> = Extract<ScanEvent, { kind: K }>;

/** What one run yielded, in order and by kind, and what it logged. */
export interface ScanRun {
  events: ScanEvent[];
  evidence: EventOf<'evidence'>[];
  entities: EventOf<'entity'>[];
  relations: EventOf<'relation'>[];
  findings: EventOf<'finding'>[];
  progress: EventOf<'progress'>[];
  logs: string[];
}

/** The input to scan; props default to none. */
export type HarnessInput = Omit<ScanInput, 'props'> & { props?: Props };

/**
 * Runs `scanner` on `input` to the end and collects its events. Each event must pass the
 * `ScanEvent` schema as it is yielded, as the worker checks it, so a run that later throws has
 * still had what it yielded checked. A run that throws rejects with its error.
 */
export async function runScanner(
  scanner: Scanner,
  input: HarnessInput,
  net: Net,
  options: Record<string, JsonValue> = {},
  {
    signal = new AbortController().signal,
    policy = scanPolicy({ allowInternal: false }),
  }: { signal?: AbortSignal; policy?: ScanPolicy } = {},
): Promise<ScanRun> {
  const logs: string[] = [];
  const log = (message: string): void => {
    logs.push(message);
  };
  const events: ScanEvent[] = [];
  for await (const event of scanner.run(
    { ...input, props: input.props ?? {} },
    { net, signal, options, log: { debug: log, info: log, warn: log }, policy },
  )) {
    const parsed = ScanEvent.safeParse(event);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    events.push(event);
  }
  const of = <K extends ScanEvent['kind']>(kind: K) => events.filter((e): e is EventOf<K> => e.kind === kind);
  return {
    events,
    evidence: of('evidence'),
    entities: of('entity'),
    relations: of('relation'),
    findings: of('finding'),
    progress: of('progress'),
    logs,
  };
}

export interface ScanContract {
  /** The category every finding carries: the scanner's own. */
  category: string;
  /** Findings allowed to cite no evidence, by title; by default every finding cites some. */
  findingsWithoutEvidence?: (title: string) => boolean;
  /** Whether the run must report progress ending at 1 (default true); fractions never go down either way. */
  progressEndsAtOne?: boolean;
}

/**
 * The contract every run keeps, whatever it found: every event valid; evidence refs unique and
 * emitted before they are cited; relations only between entities already emitted; progress
 * fractions non-decreasing and ending at 1; findings carrying the scanner's category and citing
 * evidence.
 */
export function checkScanContract(run: Pick<ScanRun, 'events'>, contract: ScanContract): void {
  const { category, findingsWithoutEvidence = () => false, progressEndsAtOne = true } = contract;
  const emitted = new Set<string>();
  const entities = new Set<string>();
  const key = (k: EntityKey) => `${k.type}:${k.value}`;
  const fractions: number[] = [];
  for (const event of run.events) {
    const parsed = ScanEvent.safeParse(event);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    if (event.kind === 'evidence') {
      expect(emitted.has(event.ref), `evidence ${event.ref} emitted twice`).toBe(false);
      emitted.add(event.ref);
      continue;
    }
    if (event.kind === 'progress') {
      fractions.push(event.fraction);
      continue;
    }
    for (const ref of event.evidence ?? []) expect(emitted.has(ref), `cites ${ref} before it exists`).toBe(true);
    if (event.kind === 'entity') entities.add(key(event.entity));
    if (event.kind === 'relation') {
      expect(entities.has(key(event.from)), `relation from ${key(event.from)} before the entity`).toBe(true);
      expect(entities.has(key(event.to)), `relation to ${key(event.to)} before the entity`).toBe(true);
    }
    if (event.kind === 'finding') {
      expect(event.category, event.title).toBe(category);
      if (!findingsWithoutEvidence(event.title)) {
        expect(event.evidence ?? [], `finding "${event.title}" cites no evidence`).not.toHaveLength(0);
      }
    }
  }
  expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  if (progressEndsAtOne) expect(fractions.at(-1)).toBe(1);
}

/** Starts the built-in lab scenario `name` (nova-parcels, hostile, ...) and a Net wired to it, as scans against the lab get. */
/**
 * Starts a lab scenario (a built-in one by name, or a test's own) with a Net wired to it, and the
 * scan policy a case against that lab gives scanners: its scenario addresses allowed, nothing internal.
 */
export async function startLabNet(scenario: string | Scenario): Promise<{ lab: Lab; net: Net; policy: ScanPolicy }> {
  const lab = await startLab(typeof scenario === 'string' ? loadScenario(builtinScenario(scenario)) : scenario);
  return { lab, net: createNet(netConfig(lab.net)), policy: scanPolicy({ allowInternal: false }, lab.net.lab) };
}

/** Counts a fake Net's resolver keeps: queries asked, and how many were in flight at once. */
export interface FakeNetStats {
  queries: number;
  inFlight: number;
  maxInFlight: number;
}
export const fakeNetStats = (): FakeNetStats => ({ queries: 0, inFlight: 0, maxInFlight: 0 });

/** What a fake resolver answers for a question: fields over a NOERROR answer with nothing in it, or an error to throw. */
export type FakeAnswer = (name: string, type: DnsRecordType) => Partial<DnsResponse> | Error;

/**
 * A Net whose resolver answers from `answer`, after `delayMs` (a timer, so queries overlap as they
 * would on a network) and unless `signal` is aborted; nothing else is reachable.
 */
export function fakeNet(answer: FakeAnswer, { stats = fakeNetStats(), delayMs = 0 } = {}): Net {
  const query: Resolver['query'] = async (name, type, signal) => {
    stats.queries++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      signal?.throwIfAborted();
      const result = answer(name, type);
      if (result instanceof Error) throw result;
      return {
        question: { name, type },
        server: 'fake:53',
        rcode: 'NOERROR',
        authoritative: true,
        truncated: false,
        answers: [],
        authorities: [],
        raw: new Uint8Array(12),
        ...result,
      };
    } finally {
      stats.inFlight--;
    }
  };
  const unreachable = () => Promise.reject(new Error('not in this test'));
  return {
    resolver: { query },
    dial: unreachable,
    dialTls: unreachable,
    http: unreachable,
    endpoint: () => {
      throw new Error('not in this test');
    },
    apiKey: () => undefined,
    traceroute: unreachable,
  };
}
