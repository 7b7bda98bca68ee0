// The DNSSEC scanner: walks the chain of trust of a domain (chain.ts), then reports the verdict
// (signed / unsigned / broken, or unknown when it could not tell) on the domain entity with the
// zones' keys, DS matches and signature checks, the DNSSEC grade, and findings.

import { gradePropKey, scoreCategory } from '../../shared/grade';
import type { EntityKey, JsonValue } from '../../shared/model';
import type { ScanContext, ScanEvent, ScanInput, Scanner } from '../../shared/scanner';
import { canonicalValue } from '../../shared/target';
import { Refs } from '../dns/evidence';
import { GraphBuilder } from '../kit/graph-builder';
import { type ChainResult, walkChain } from './chain';
import { dnssecManifest } from './manifest';
import { Session } from './session';
import type { SigCheck } from './verify';
import { describeSig } from './zone';

/** Plain JSON of the reports (interfaces without index signatures are not JsonValue to the compiler). */
const json = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value));

function report(domain: EntityKey, chain: ChainResult, refs: string[]): ScanEvent[] {
  const graph = new GraphBuilder('dns');
  const name = domain.value;
  graph.entity(domain, refs, {
    dnssec: chain.verdict,
    dnssecReasons: chain.reasons,
    dnssecZone: chain.zone,
    dnssecAnchor: chain.anchor,
    dnssecChain: json(chain.zones.map((zone, i) => ({ ...zone, dsSignatures: chain.dsSignatures[i] ?? [] }))),
    dnssecSignatures: json(chain.dataSignatures),
  });
  const reasons = chain.reasons.join('; ');
  if (chain.verdict !== 'unknown') {
    const lost = chain.verdict === 'signed' ? [] : [{ points: 10, reason: `DNSSEC ${chain.verdict}: ${reasons}` }];
    graph.prop(domain, gradePropKey('dnssec'), json(scoreCategory('dnssec', dnssecManifest.id, lost)));
  }
  const all = [
    ...chain.zones.flatMap((z) => z.dnskeySignatures),
    ...chain.dsSignatures.flat(),
    ...chain.dataSignatures,
  ];
  const { alone: staleAlone, beside: staleBeside } = staleSignatures(all);
  const staleLines = (list: SigCheck[]) =>
    [...new Set(list.map((s) => `${s.owner} ${s.covers}: ${describeSig(s)}`))].join('\n');
  if (staleAlone.length > 0) {
    graph.finding({
      about: domain,
      severity: 'high',
      title: `Expired or not yet valid DNSSEC signatures for ${name}`,
      detail: staleLines(staleAlone),
      evidence: refs,
    });
  }
  if (staleBeside.length > 0) {
    graph.finding({
      about: domain,
      severity: 'info',
      title: `Stale DNSSEC signatures beside valid ones for ${name}`,
      detail: `Each of these RRsets also carries a valid signature, so validation succeeds (a key rollover or a re-signing in progress leaves such signatures):\n${staleLines(staleBeside)}`,
      evidence: refs,
    });
  }
  const unsupported = all.filter((s) => s.status === 'unsupported-algorithm');
  if (unsupported.length > 0 || chain.zones.some((z) => z.status === 'unsupported')) {
    graph.finding({
      about: domain,
      severity: 'info',
      title: `DNSSEC algorithms this scanner cannot verify for ${name}`,
      detail: [
        ...new Set([
          ...unsupported.map(describeSig),
          ...chain.zones.flatMap((z) => (z.status === 'unsupported' ? z.problems : [])),
        ]),
      ].join('\n'),
      evidence: refs,
    });
  }
  switch (chain.verdict) {
    case 'broken':
      graph.finding({
        about: domain,
        severity: 'high',
        title: `DNSSEC validation fails for ${name}`,
        detail: chain.reasons.join('\n'),
        evidence: refs,
      });
      break;
    case 'unsigned':
      graph.finding({
        about: domain,
        severity: 'low',
        title: `${name} is not signed with DNSSEC`,
        detail: chain.reasons.join('\n'),
        evidence: refs,
      });
      break;
    case 'unknown':
      graph.finding({
        about: domain,
        severity: 'info',
        title: `DNSSEC of ${name} could not be checked`,
        detail: reasons || 'no answer to judge',
        evidence: refs,
      });
      break;
    case 'signed':
      break;
  }
  return graph.drain();
}

/**
 * Expired and not-yet-valid signatures: `alone` over RRsets no valid signature covers (they fail
 * validation), `beside` next to a valid one over the same RRset (a key rollover or a slow
 * re-sign leaves them; nothing breaks).
 */
export function staleSignatures(all: readonly SigCheck[]): { alone: SigCheck[]; beside: SigCheck[] } {
  const rrsetOf = (s: SigCheck) => `${s.owner} ${s.covers}`;
  const validated = new Set(all.filter((s) => s.status === 'valid').map(rrsetOf));
  const stale = all.filter((s) => s.status === 'expired' || s.status === 'not-yet-valid');
  return {
    alone: stale.filter((s) => !validated.has(rrsetOf(s))),
    beside: stale.filter((s) => validated.has(rrsetOf(s))),
  };
}

async function* run(input: ScanInput, ctx: ScanContext): AsyncGenerator<ScanEvent> {
  if (input.type !== 'domain') throw new Error(`the dnssec scanner does not accept ${input.type} entities`);
  const value = canonicalValue('domain', input.value);
  if (value === undefined) throw new Error(`"${input.value}" is not a domain name`);
  const domain: EntityKey = { type: 'domain', value };
  yield { kind: 'progress', fraction: 0, message: `DNSSEC of ${value}` };
  const session = new Session(ctx, new Refs());
  const chain = yield* walkChain(value.toLowerCase(), session, Math.floor(Date.now() / 1000));
  yield* session.flush();
  if (session.allRefs.length === 0) throw new Error(`every DNS query for ${value} failed: ${chain.reasons.join('; ')}`);
  yield* report(domain, chain, session.allRefs);
  yield { kind: 'progress', fraction: 1, message: `DNSSEC: ${chain.verdict}` };
}

export const dnssecScanner: Scanner = { manifest: dnssecManifest, run };
