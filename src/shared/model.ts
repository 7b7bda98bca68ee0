// The data model shared by every process: entity types, relation kinds, findings, and the
// records the case store hands out. Pure types and schemas: no Node, no DOM.
import * as z from 'zod';

export const ENTITY_TYPES = [
  'domain',
  'ip',
  'netblock',
  'asn',
  'registrar',
  'organization',
  'email',
  'certificate',
  'url',
  'service',
  'technology',
  'location',
] as const;
export const EntityType = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof EntityType>;

export const RELATION_KINDS = [
  'resolves_to',
  'has_ns',
  'has_mx',
  'cname_to',
  'ptr_to',
  'subdomain_of',
  'registered_with',
  'covered_by_cert',
  'issued_by',
  'in_asn',
  'in_netblock',
  'located_in',
  'exposes_service',
  'redirects_to',
  'route_hop',
  'uses_email_domain',
  // WHOIS: a domain's registrant organisation, and a registrar's abuse contact.
  'registered_by',
  'has_abuse_contact',
  // Email: a domain's SPF record includes (or redirects to) another domain's.
  'spf_include',
  // Web: a site's technology; the domains its page loads scripts from; the social profiles and
  // email addresses its page mentions.
  'uses_technology',
  'loads_script_from',
  'mentions',
] as const;
export const RelationKind = z.enum(RELATION_KINDS);
export type RelationKind = z.infer<typeof RelationKind>;

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

// JSON values only: properties cross process boundaries and land in SQLite as JSON.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);
export const Props = z.record(z.string(), JsonValue);
export type Props = z.infer<typeof Props>;

/** An entity's identity: the same (type, canonical value) is always one node. */
export const EntityKey = z.object({
  type: EntityType,
  value: z.string().min(1).max(2048),
});
export type EntityKey = z.infer<typeof EntityKey>;

export const Timestamp = z.string().datetime();

export const Entity = z.object({
  id: z.number().int(),
  type: EntityType,
  value: z.string(),
  props: Props,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
});
export type Entity = z.infer<typeof Entity>;

export const Relation = z.object({
  id: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  kind: RelationKind,
  props: Props,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
});
export type Relation = z.infer<typeof Relation>;

export const Finding = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  entityId: z.number().int(),
  severity: Severity,
  category: z.string(),
  title: z.string(),
  detail: z.string(),
  evidenceIds: z.array(z.number().int()),
  createdAt: Timestamp,
});
export type Finding = z.infer<typeof Finding>;

export const EvidenceInfo = z.object({
  id: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mediaType: z.string(),
  source: z.string(),
  size: z.number().int().nonnegative(),
  capturedAt: Timestamp,
  runId: z.number().int().nullable(),
});
export type EvidenceInfo = z.infer<typeof EvidenceInfo>;

/** Evidence with its content shown as text (bounded); binary content is shown as hex. */
export const EvidenceText = EvidenceInfo.extend({
  text: z.string(),
  truncated: z.boolean(),
});
export type EvidenceText = z.infer<typeof EvidenceText>;

export const Observation = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  scannerId: z.string(),
  parentEntityId: z.number().int().nullable(),
  evidenceIds: z.array(z.number().int()),
  seenAt: Timestamp,
});
export type Observation = z.infer<typeof Observation>;

export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'cancelled'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const Run = z.object({
  id: z.number().int(),
  scannerId: z.string(),
  target: EntityKey,
  targetEntityId: z.number().int().nullable(),
  status: RunStatus,
  progress: z.number().min(0).max(1),
  message: z.string(),
  error: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
});
export type Run = z.infer<typeof Run>;

export const CaseSettings = z.object({
  allowPrivateTargets: z.boolean(),
  /** The lock: no active module runs in this case, whatever the scope. */
  passiveOnly: z.boolean(),
  /**
   * Active modules run on an entity only when it is at most this many relation hops from one of
   * the case's seeds (the targets the analyst typed or added to the scope).
   */
  scopeDistance: z.number().int().min(0).max(5),
});
export type CaseSettings = z.infer<typeof CaseSettings>;

export const CaseInfo = z.object({
  path: z.string(),
  name: z.string(),
  createdAt: Timestamp,
  schemaVersion: z.number().int(),
  settings: CaseSettings,
});
export type CaseInfo = z.infer<typeof CaseInfo>;

export const RecentCase = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: Timestamp,
});
export type RecentCase = z.infer<typeof RecentCase>;

export const Graph = z.object({
  entities: z.array(Entity),
  relations: z.array(Relation),
});
export type Graph = z.infer<typeof Graph>;

export const EntityDetail = z.object({
  entity: Entity,
  observations: z.array(Observation),
  findings: z.array(Finding),
  evidence: z.array(EvidenceText),
  relations: z.array(Relation),
});
export type EntityDetail = z.infer<typeof EntityDetail>;
