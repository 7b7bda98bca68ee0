// The typed request/response map between StoreClient (any thread) and the store worker. The
// method names and signatures are CaseStore's own; the worker validates every request's
// arguments against the schemas here before it touches the store.
import * as z from 'zod';
import { ApiError, type ApiErrorBody } from '../../shared/api';
import { EntityKey, JsonValue, Props } from '../../shared/model';
import { type CaseStore, RunPatch, SettingsPatch } from './case-store';

const Id = z.number().int().nonnegative();

/** Argument tuples of every method the worker serves. */
export const storeArgs = {
  info: z.tuple([]),
  updateSettings: z.tuple([SettingsPatch]),
  addSeed: z.tuple([EntityKey, Props.optional()]),
  seedIds: z.tuple([]),
  scopeDistance: z.tuple([Id, z.number().int().min(0).max(10)]),
  getEntity: z.tuple([Id]),
  findEntity: z.tuple([EntityKey]),
  graph: z.tuple([]),
  entityDetail: z.tuple([Id]),
  listFindings: z.tuple([]),
  createRun: z.tuple([z.string(), EntityKey, Id.nullable()]),
  getRun: z.tuple([Id]),
  listRuns: z.tuple([]),
  updateRun: z.tuple([Id, RunPatch]),
  // Events are checked one by one inside ingest, so one bad event cannot reject the batch.
  ingest: z.tuple([Id, Id.nullable(), z.array(z.unknown())]),
  audit: z.tuple([z.string(), JsonValue]),
  auditEntries: z.tuple([]),
  verifyAudit: z.tuple([]),
  backupTo: z.tuple([z.string().min(1).max(4096)]),
} as const;

export type StoreMethod = keyof typeof storeArgs;
export type StoreArgs<M extends StoreMethod> = Parameters<CaseStore[M]>;
export type StoreResult<M extends StoreMethod> = ReturnType<CaseStore[M]>;

type Handlers = { [M in StoreMethod]: (store: CaseStore, args: z.infer<(typeof storeArgs)[M]>) => StoreResult<M> };

// Spelled out per method so the compiler checks each schema's output against the signature.
const handlers: Handlers = {
  info: (s) => s.info(),
  updateSettings: (s, [patch]) => s.updateSettings(patch),
  addSeed: (s, [key, props]) => s.addSeed(key, props),
  seedIds: (s) => s.seedIds(),
  scopeDistance: (s, [id, max]) => s.scopeDistance(id, max),
  getEntity: (s, [id]) => s.getEntity(id),
  findEntity: (s, [key]) => s.findEntity(key),
  graph: (s) => s.graph(),
  entityDetail: (s, [id]) => s.entityDetail(id),
  listFindings: (s) => s.listFindings(),
  createRun: (s, [scannerId, target, targetEntityId]) => s.createRun(scannerId, target, targetEntityId),
  getRun: (s, [id]) => s.getRun(id),
  listRuns: (s) => s.listRuns(),
  updateRun: (s, [id, patch]) => s.updateRun(id, patch),
  ingest: (s, [runId, parentEntityId, events]) => s.ingest(runId, parentEntityId, events),
  audit: (s, [action, data]) => s.audit(action, data),
  auditEntries: (s) => s.auditEntries(),
  verifyAudit: (s) => s.verifyAudit(),
  backupTo: (s, [path]) => s.backupTo(path),
};

/** Opens or creates the worker's case; passed as workerData. */
export interface StoreWorkerData {
  mode: 'create' | 'open';
  path: string;
  name?: string;
  nativeBinding?: string;
}

export interface StoreRequest {
  id: number;
  method: string;
  args: unknown;
}

export type StoreResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ApiErrorBody };

/** Messages the worker sends on its own: once when the case is open (or failed to open). */
export type StoreReady = { ready: true; ok: true } | { ready: true; ok: false; error: ApiErrorBody };

export function errorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return err.toBody();
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

function isStoreMethod(method: string): method is StoreMethod {
  return Object.hasOwn(storeArgs, method);
}

function invoke<M extends StoreMethod>(store: CaseStore, method: M, rawArgs: unknown): StoreResult<M> {
  const parsed = storeArgs[method].safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['args', ...(issue?.path ?? []).map(String)].join('.');
    throw new ApiError('invalid_request', `invalid ${method} request: ${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  const handler = handlers[method] as (store: CaseStore, args: unknown) => StoreResult<M>;
  return handler(store, parsed.data);
}

/** Answers one request frame; never throws. */
export function handleStoreRequest(store: CaseStore, frame: unknown): StoreResponse {
  const request = frame as Partial<StoreRequest> | null;
  const id = typeof request?.id === 'number' ? request.id : -1;
  try {
    if (typeof request?.method !== 'string' || !isStoreMethod(request.method)) {
      throw new ApiError(
        'invalid_request',
        `unknown store method "${String(request?.method).slice(0, 100)}"`,
        'method',
      );
    }
    return { id, ok: true, result: invoke(store, request.method, request.args) };
  } catch (err) {
    return { id, ok: false, error: errorBody(err) };
  }
}
