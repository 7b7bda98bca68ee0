// The values an assessed target pivots on, found by fixed paths through the graph per target type,
// each with how many other entities of the target's type reach the same value the same way.
import { MAX_PIVOTS_PER_ROLE, type Pivot, shareClass } from '../../shared/assessment';
import type { Entity, EntityType } from '../../shared/model';
import { type Adjacency, back, out, SERVES_CERTIFICATE, type Step } from './graph-walk';

/** A kind of pivot value: the path from the target to it, and the type it must have. */
interface PivotPath {
  role: string;
  steps: Step[];
  type: EntityType;
}

// A host's certificates are those naming it and the one its TLS port served; the SAN domains are
// the other names on either. Listed in that order: a value found both ways is listed once.
const hostCertificatePaths: PivotPath[] = [
  { role: 'certificate', steps: [out('covered_by_cert')], type: 'certificate' },
  { role: 'certificate', steps: [out(SERVES_CERTIFICATE)], type: 'certificate' },
  { role: 'SAN domain', steps: [out('covered_by_cert'), back('covered_by_cert')], type: 'domain' },
  { role: 'SAN domain', steps: [out(SERVES_CERTIFICATE), back('covered_by_cert')], type: 'domain' },
];

/** What a domain's owner chose: kept by the domain whatever its addresses are. */
const domainOwnerPaths: PivotPath[] = [
  { role: 'name server', steps: [out('has_ns')], type: 'domain' },
  { role: 'mail server', steps: [out('has_mx')], type: 'domain' },
  // Where mail and DNS really are: hosting shared with other domains shows at these addresses.
  { role: 'mail server address', steps: [out('has_mx'), out('resolves_to')], type: 'ip' },
  { role: 'name server address', steps: [out('has_ns'), out('resolves_to')], type: 'ip' },
  { role: 'registrar', steps: [out('registered_with')], type: 'registrar' },
  { role: 'registrant', steps: [out('registered_by')], type: 'organization' },
];

const PIVOT_PATHS: Partial<Record<EntityType, PivotPath[]>> = {
  domain: [
    { role: 'address', steps: [out('resolves_to')], type: 'ip' },
    ...hostCertificatePaths,
    ...domainOwnerPaths,
    { role: 'ASN', steps: [out('resolves_to'), out('in_asn')], type: 'asn' },
    { role: 'netblock', steps: [out('resolves_to'), out('in_netblock')], type: 'netblock' },
    { role: 'subdomain', steps: [back('subdomain_of')], type: 'domain' },
  ],
  ip: [
    { role: 'reverse DNS name', steps: [out('ptr_to')], type: 'domain' },
    { role: 'domain on this address', steps: [back('resolves_to')], type: 'domain' },
    ...hostCertificatePaths,
    { role: 'ASN', steps: [out('in_asn')], type: 'asn' },
    { role: 'netblock', steps: [out('in_netblock')], type: 'netblock' },
  ],
  // An address's infrastructure is its domain's: its mail servers, name servers and registration.
  email: [
    { role: 'email domain', steps: [out('uses_email_domain')], type: 'domain' },
    ...domainOwnerPaths.map((p) => ({ ...p, steps: [out('uses_email_domain'), ...p.steps] })),
  ],
};

export function pivots(
  target: Entity,
  adjacency: Adjacency,
  byId: Map<number, Entity>,
): { pivots: Pivot[]; totals: Record<string, number> } {
  const list: Pivot[] = [];
  const totals: Record<string, number> = {};
  const listed = new Set<string>();
  for (const path of PIVOT_PATHS[target.type] ?? []) {
    for (const id of adjacency.walk(target.id, path.steps)) {
      const entity = byId.get(id);
      if (!entity || entity.type !== path.type || id === target.id) continue;
      const key = `${path.role}\u0000${id}`;
      if (listed.has(key)) continue;
      listed.add(key);
      totals[path.role] = (totals[path.role] ?? 0) + 1;
      if ((totals[path.role] ?? 0) > MAX_PIVOTS_PER_ROLE) continue;
      let shared = 0;
      for (const other of adjacency.reachers(id, path.steps)) {
        if (other !== target.id && byId.get(other)?.type === target.type) shared++;
      }
      list.push({
        entityId: id,
        type: entity.type,
        value: entity.value,
        role: path.role,
        shared,
        class: shareClass(shared),
        weak: weakness(entity),
      });
    }
  }
  return { pivots: list, totals };
}

/** A CDN or WAF address (marked by the tech scanner or a known range) stands for thousands of sites. */
function weakness(entity: Entity): string | null {
  for (const key of ['cdn', 'waf'] as const) {
    const name = entity.props[key];
    if (typeof name === 'string' && name !== '') {
      return `${key === 'cdn' ? 'CDN' : 'WAF'}-fronted (${name}): shared by unrelated sites, a weak pivot`;
    }
  }
  return null;
}
