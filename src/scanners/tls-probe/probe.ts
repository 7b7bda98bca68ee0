// Which versions a server accepts and, per version, which suites in which order: each version is
// offered alone with every suite we know; the suite the server picks is removed and the rest is
// offered again until it refuses, which lists the accepted suites in the server's order when it
// enforces one. Offering the accepted suites reversed tells whether it does. Bounded by a number
// of connections and a deadline; an attempt's outcome is given by the caller (`attempt`).
import type { ServerAnswer } from './server-flight';
import { LEGACY_SUITES, TLS13_SUITES } from './suites';
import { PROTOCOLS, type Protocol, type ProtocolId, versionLabel } from './versions';

export type Outcome = ServerAnswer | { kind: 'error'; reason: string };
export type Attempt = (protocol: Protocol, suites: readonly number[]) => Promise<Outcome>;

export interface VersionResult {
  protocol: ProtocolId;
  accepted: boolean;
  /** Why not, or what the first answer was. */
  detail: string;
  /** Accepted suites in the order found. */
  suites: number[];
  /** Whose order decides; null when fewer than two suites were found or the check was not made. */
  preference: 'server' | 'client' | 'unknown' | null;
}

export interface ProbeResult {
  versions: VersionResult[];
  connections: number;
  /** The connection budget or the deadline ended the probe early. */
  capped: boolean;
  /** Every attempt failed to connect: there is no server to judge. */
  unreachable: boolean;
}

export interface ProbeLimits {
  maxConnections: number;
  /** Date.now() after which no new connection is made. */
  deadline: number;
}

const ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  40: 'handshake_failure',
  47: 'illegal_parameter',
  50: 'decode_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
};

export function describe(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'hello':
      return `${outcome.helloRetry ? 'HelloRetryRequest' : 'ServerHello'} ${versionLabel(outcome.version)}, suite 0x${outcome.suite.toString(16).padStart(4, '0')}`;
    case 'alert':
      return `alert ${ALERTS[outcome.description] ?? outcome.description}`;
    case 'unexpected':
    case 'error':
      return outcome.reason;
  }
}

/** The suite a hello agreed on for `protocol`, or null when it is not an acceptance among `offered`. */
function chosen(outcome: Outcome, protocol: Protocol, offered: readonly number[]): number | null {
  if (outcome.kind !== 'hello' || outcome.version !== protocol.wire) return null;
  return offered.includes(outcome.suite) ? outcome.suite : null;
}

export async function probe(attempt: Attempt, limits: ProbeLimits): Promise<ProbeResult> {
  let connections = 0;
  let capped = false;
  let reached = false;
  const budget = (): boolean => {
    if (connections < limits.maxConnections && Date.now() < limits.deadline) return true;
    capped = true;
    return false;
  };
  const once = async (protocol: Protocol, suites: readonly number[]): Promise<Outcome> => {
    connections++;
    const outcome = await attempt(protocol, suites);
    if (outcome.kind !== 'error') reached = true;
    return outcome;
  };

  const versions: VersionResult[] = [];
  for (const protocol of PROTOCOLS) {
    if (!budget()) break;
    const candidates = protocol.id === 'TLSv1.3' ? TLS13_SUITES : LEGACY_SUITES;
    const first = await once(protocol, candidates);
    const firstSuite = chosen(first, protocol, candidates);
    const result: VersionResult = {
      protocol: protocol.id,
      accepted: firstSuite !== null,
      detail:
        first.kind === 'hello' && firstSuite === null && first.version !== protocol.wire
          ? `the server chose ${versionLabel(first.version)}`
          : describe(first),
      suites: firstSuite === null ? [] : [firstSuite],
      preference: null,
    };
    versions.push(result);
    if (firstSuite === null) continue;
    let remaining = candidates.filter((s) => s !== firstSuite);
    while (remaining.length > 0 && budget()) {
      const next = chosen(await once(protocol, remaining), protocol, remaining);
      if (next === null) break;
      result.suites.push(next);
      remaining = remaining.filter((s) => s !== next);
    }
    if (result.suites.length >= 2 && budget()) {
      const reversed = [...result.suites].reverse();
      const pick = chosen(await once(protocol, reversed), protocol, reversed);
      result.preference = pick === result.suites[0] ? 'server' : pick === reversed[0] ? 'client' : 'unknown';
    }
  }
  return { versions, connections, capped, unreachable: !reached };
}
