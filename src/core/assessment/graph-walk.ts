// Walks the case graph from an assessed target along relation kinds, either way. Besides the
// stored relations it knows one link that is only a prop: the certificate a TLS port served
// (`tlsCertificate.sha256`, left by tls-cert on the host it dialled). The stored relation from a
// host to a certificate, `covered_by_cert`, says the certificate names the host; a certificate
// served on an address rarely names the address, yet it is what the address pivots on.
import type { Entity, Graph, RelationKind } from '../../shared/model';

/** The derived link from a host to the certificate its TLS port served. */
export const SERVES_CERTIFICATE = 'serves_certificate';
export type LinkKind = RelationKind | typeof SERVES_CERTIFICATE;

/** One step along a link, forwards (from → to) or backwards. */
export interface Step {
  kind: LinkKind;
  forward: boolean;
}

export const out = (kind: LinkKind): Step => ({ kind, forward: true });
export const back = (kind: LinkKind): Step => ({ kind, forward: false });

interface Edge {
  kind: LinkKind;
  to: number;
}

export class Adjacency {
  private readonly outgoing = new Map<number, Edge[]>();
  private readonly incoming = new Map<number, Edge[]>();

  constructor(graph: Graph) {
    for (const r of graph.relations) this.link(r.from, r.kind, r.to);
    const certificates = new Map(graph.entities.filter((e) => e.type === 'certificate').map((e) => [e.value, e.id]));
    for (const e of graph.entities) {
      const served = servedFingerprint(e);
      const certificate = served === null ? undefined : certificates.get(`sha256:${served}`);
      if (certificate !== undefined) this.link(e.id, SERVES_CERTIFICATE, certificate);
    }
  }

  private link(from: number, kind: LinkKind, to: number): void {
    push(this.outgoing, from, { kind, to });
    push(this.incoming, to, { kind, to: from });
  }

  step(ids: Iterable<number>, step: Step): Set<number> {
    const next = new Set<number>();
    const edges = step.forward ? this.outgoing : this.incoming;
    for (const id of ids) for (const e of edges.get(id) ?? []) if (e.kind === step.kind) next.add(e.to);
    return next;
  }

  /** Everything the entity points at, whatever the relation. */
  targetsOf(id: number): number[] {
    return (this.outgoing.get(id) ?? []).map((e) => e.to);
  }

  walk(start: number, steps: Step[]): Set<number> {
    let at = new Set([start]);
    for (const step of steps) at = this.step(at, step);
    return at;
  }

  /** The entities that reach `end` by `steps` (walked backwards from it). */
  reachers(end: number, steps: Step[]): Set<number> {
    let at = new Set([end]);
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i] as Step;
      at = this.step(at, { kind: step.kind, forward: !step.forward });
    }
    return at;
  }
}

/** The served certificate's fingerprint in lowercase, or null; props are scan data and may hold anything. */
function servedFingerprint(entity: Entity): string | null {
  const served = entity.props.tlsCertificate;
  if (typeof served !== 'object' || served === null || Array.isArray(served)) return null;
  const sha256 = served.sha256;
  return typeof sha256 === 'string' ? sha256.toLowerCase() : null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
