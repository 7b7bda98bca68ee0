// The API between a UI (or CLI) and the core service: requests with their params and results,
// and the events the core pushes. Defined once; every transport validates against it.
import * as z from 'zod';
import { Assessment } from './assessment';
import {
  CaseInfo,
  CaseSettings,
  Entity,
  EntityDetail,
  EntityKey,
  Finding,
  Graph,
  RecentCase,
  Relation,
  Run,
} from './model';
import { ScannerManifest } from './scanner';

const Empty = z.object({}).strict();
const Path = z.string().min(1).max(4096);

export const AppInfo = z.object({
  version: z.string(),
  /** Set when the backend runs against the lab: a simulated internet, not the real one. */
  lab: z.object({ name: z.string(), description: z.string() }).nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Raw text typed by the user, or an existing entity. */
const ScanTarget = z.union([
  z.object({ text: z.string().max(4096) }).strict(),
  z.object({ entityId: z.number().int().positive() }).strict(),
  EntityKey.strict(),
]);

export const SkippedModule = z.object({ scannerId: z.string(), reason: z.string() });
export type SkippedModule = z.infer<typeof SkippedModule>;

export const FullScanStarted = z.object({
  targetEntityId: z.number().int(),
  /** Phase 1 runs, queued. */
  runs: z.array(Run),
  /** Modules that wait for phase 1. */
  phase2: z.array(z.string()),
  /** Modules that accept the target but do not run, with why (out of scope, passive-only lock). */
  skipped: z.array(SkippedModule),
});
export type FullScanStarted = z.infer<typeof FullScanStarted>;

export const ScopeStatus = z.object({
  /** Hops from the nearest seed; null when farther than the scope searches. */
  distance: z.number().int().nullable(),
  activeAllowed: z.boolean(),
  /** Why active modules may not run, when they may not. */
  reason: z.string().nullable(),
});
export type ScopeStatus = z.infer<typeof ScopeStatus>;

export const methods = {
  'app.info': { params: Empty, result: AppInfo },
  'case.create': {
    params: z.object({ name: z.string().trim().min(1).max(200), path: Path.optional() }).strict(),
    result: CaseInfo,
  },
  'case.open': { params: z.object({ path: Path }).strict(), result: CaseInfo },
  'case.current': { params: Empty, result: CaseInfo.nullable() },
  'case.listRecent': { params: Empty, result: z.array(RecentCase) },
  'case.close': { params: Empty, result: z.null() },
  /** Saves a consistent copy of the open case (SQLite backup) and carries on in the copy. */
  'case.saveAs': { params: z.object({ path: Path }).strict(), result: CaseInfo },
  'case.updateSettings': { params: CaseSettings.partial().strict(), result: CaseInfo },
  'graph.get': { params: Empty, result: Graph },
  'scanners.list': { params: Empty, result: z.array(ScannerManifest) },
  'scan.start': {
    params: z
      .object({
        scannerId: z.string().min(1).max(100),
        target: ScanTarget,
        options: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    result: z.array(Run),
  },
  /**
   * Every module that accepts the target, in two phases (see ScannerManifest.fullScan); active
   * modules only where the case's scope allows. Resolves once phase 1 is queued.
   */
  'scan.full': { params: z.object({ target: ScanTarget }).strict(), result: FullScanStarted },
  /** Makes an entity a seed of the case: in scope for active modules. */
  'scope.add': { params: z.object({ entityId: z.number().int().positive() }).strict(), result: Entity },
  /** How many hops the entity is from the case's seeds, and whether active modules may run on it. */
  'scope.check': { params: z.object({ entityId: z.number().int().positive() }).strict(), result: ScopeStatus },
  'assessment.get': { params: z.object({ entityId: z.number().int().positive() }).strict(), result: Assessment },
  'scan.cancel': { params: z.object({ runId: z.number().int().positive() }).strict(), result: z.null() },
  'runs.list': { params: Empty, result: z.array(Run) },
  'findings.list': { params: Empty, result: z.array(Finding) },
  'entity.get': { params: z.object({ entityId: z.number().int().positive() }).strict(), result: EntityDetail },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.infer<Methods[M]['result']>;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export const events = {
  'run.queued': Run,
  'run.started': Run,
  'run.progress': Run,
  'run.finished': Run,
  'run.failed': Run,
  'graph.added': z.object({ entities: z.array(Entity), relations: z.array(Relation) }),
  'case.changed': CaseInfo.nullable(),
  /** Every run of a Full Scan has ended; its assessment can be read. */
  'fullScan.finished': z.object({ targetEntityId: z.number().int(), runIds: z.array(z.number().int()) }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventData<E extends EventName> = z.infer<Events[E]>;

/** Stable error codes: UIs branch on these, never on message text. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_target',
  'target_refused',
  /** An active module on a target outside the case's scope, or under the passive-only lock. */
  'out_of_scope',
  'no_case',
  'not_a_case',
  'case_too_new',
  'case_io',
  'not_found',
  'scanner_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ApiErrorBody = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The request field at fault, as a dotted path, where one is. */
  field: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

// Wire frames, the same on every transport.
export const RequestFrame = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;
export const ResponseFrame = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ApiErrorBody }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrame>;
export const EventFrame = z.object({ event: z.string(), data: z.unknown() });
export type EventFrame = z.infer<typeof EventFrame>;

/** Describes a zod failure as "field: problem" with the dotted path of the first issue. */
export function describeIssue(error: z.ZodError, prefix = ''): { field: string; message: string } {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== '').join('.');
  const field = path === '' ? '(root)' : path;
  return { field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** Validates a request frame; the result is a typed call or an ApiError naming the bad field. */
export function parseRequest(frame: unknown): { id: number; method: MethodName; params: unknown } {
  const parsed = RequestFrame.safeParse(frame);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new ApiError('invalid_request', `malformed request: ${message}`, field);
  }
  const { id, method } = parsed.data;
  if (!(method in methods)) throw new ApiError('invalid_request', `unknown method "${method}"`, 'method');
  const schema = methods[method as MethodName].params;
  const params = schema.safeParse(parsed.data.params ?? {});
  if (!params.success) {
    const { field, message } = describeIssue(params.error, 'params');
    throw new ApiError('invalid_request', `invalid ${method} request: ${message}`, field);
  }
  return { id, method: method as MethodName, params: params.data };
}

/** The one client interface every UI transport implements. */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void;
}
