// The TLS versions and ciphers scanner: every attempt is one handcrafted ClientHello over
// ctx.net.dial and the first thing the server answers, so what it finds is what the server
// accepts, not what the local TLS library is willing to offer. The attempts are kept as
// evidence (a JSON transcript), the verdicts become findings, the summary a prop.
import type { JsonValue, Props } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { GraphBuilder } from '../kit/graph-builder';
import { buildClientHello, x25519PublicKey } from './client-hello';
import { exchange } from './exchange';
import { tlsProbeManifest } from './manifest';
import { type Attempt, describe, type Outcome, probe } from './probe';
import { suiteByCode, suiteName } from './suites';
import { resolveTarget } from './target';
import { judgeProbe } from './verdict';

const CATEGORY = 'certificates';
const ATTEMPT_TIMEOUT_MS = 8_000;
const TRANSCRIPT_REF = 'tls-probe:transcript';

interface Options {
  port: number;
  maxConnections: number;
  timeLimitMs: number;
}

function readOptions(raw: Record<string, JsonValue>): Options {
  const number = (v: JsonValue | undefined, fallback: number, min: number, max: number): number =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;
  return {
    port: number(raw.port, 443, 1, 65535),
    maxConnections: number(raw.maxConnections, 300, 5, 5000),
    timeLimitMs: number(raw.timeLimitSeconds, 120, 1, 3600) * 1000,
  };
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  const options = readOptions(ctx.options);
  const target = await resolveTarget(input, ctx);
  const where = `${target.host}:${options.port}`;
  yield { kind: 'progress', fraction: 0.02, message: `probing ${where}` };
  const keyShare = x25519PublicKey();
  const transcript: JsonValue[] = [];
  const attempt: Attempt = async (protocol, suites) => {
    let outcome: Outcome;
    try {
      const hello = buildClientHello({ protocol, suites, serverName: target.serverName, keyShare });
      const result = await exchange(
        ctx.net,
        { host: target.address, port: options.port, timeoutMs: ATTEMPT_TIMEOUT_MS, signal: ctx.signal },
        hello,
        false,
      );
      outcome = result.answer;
    } catch (error) {
      ctx.signal.throwIfAborted();
      outcome = { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
    }
    transcript.push({ version: protocol.label, offered: suites.length, answer: describe(outcome) });
    return outcome;
  };
  const started = Date.now();
  const result = await probe(attempt, {
    maxConnections: options.maxConnections,
    deadline: started + options.timeLimitMs,
  });
  const durationMs = Date.now() - started;
  yield {
    kind: 'evidence',
    ref: TRANSCRIPT_REF,
    mediaType: 'application/json',
    source: `tls-probe://${where}`,
    encoding: 'utf8',
    content: JSON.stringify(
      { target: where, address: target.address, serverName: target.serverName, attempts: transcript },
      null,
      1,
    ),
  };
  if (result.unreachable) {
    // Nothing listening is a result about the host, not a failure of the probe.
    const graph = new GraphBuilder(CATEGORY);
    graph.finding({
      about: { type: target.isIp ? 'ip' : 'domain', value: target.host },
      severity: 'info',
      title: `No TLS versions probed: nothing answered at ${where}`,
      detail: result.versions[0]?.detail ?? 'no attempt was made',
      evidence: [TRANSCRIPT_REF],
    });
    yield* graph.drain();
    yield { kind: 'progress', fraction: 1, message: 'nothing answered' };
    return;
  }
  yield { kind: 'progress', fraction: 0.9, message: `${result.connections} connections in ${durationMs} ms` };

  const graph = new GraphBuilder(CATEGORY);
  const subject = { type: target.isIp ? 'ip' : 'domain', value: target.host } as const;
  const protocols: Props = {};
  const suites: Props = {};
  for (const v of result.versions) {
    protocols[v.protocol] = { accepted: v.accepted, detail: v.detail.slice(0, 300) };
    if (v.accepted) suites[v.protocol] = { order: v.suites.map(suiteName), preference: v.preference };
  }
  const all = result.versions.flatMap((v) => v.suites).map((code) => suiteByCode(code)?.fs);
  graph.entity(subject, [TRANSCRIPT_REF], {
    tls: {
      port: options.port,
      address: target.address,
      protocols,
      suites,
      forwardSecrecy: all.length === 0 ? null : all.every(Boolean) ? 'all' : all.some(Boolean) ? 'some' : 'none',
      connections: result.connections,
      durationMs,
      complete: !result.capped,
    },
  });
  for (const v of judgeProbe(result)) {
    graph.finding({
      about: subject,
      severity: v.severity,
      title: v.title,
      detail: v.detail,
      evidence: [TRANSCRIPT_REF],
    });
  }
  yield* graph.drain();
  yield { kind: 'progress', fraction: 1, message: 'done' };
}

export const tlsProbeScanner: Scanner = { manifest: tlsProbeManifest, run };
