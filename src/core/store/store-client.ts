// StoreClient: the case store's methods, made async, served by a worker thread that owns the
// case file (store-worker.ts). Keeps SQLite's blocking calls off the caller's event loop.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorBody } from '../../shared/api';
import type {
  CaseInfo,
  Entity,
  EntityDetail,
  EntityKey,
  Finding,
  Graph,
  JsonValue,
  Props,
  Run,
} from '../../shared/model';
import type { ScanEvent } from '../../shared/scanner';
import { workerEntry } from '../runtime/entry';
import type { AuditEntry, AuditVerdict } from './audit';
import type { IngestResult, RunPatch, SettingsPatch, StoreOptions } from './case-store';
import type {
  StoreArgs,
  StoreMethod,
  StoreReady,
  StoreRequest,
  StoreResponse,
  StoreResult,
  StoreWorkerData,
} from './store-protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

function apiError(body: ApiErrorBody): ApiError {
  return new ApiError(body.code, body.message, body.field);
}

/**
 * Starts the worker. From TypeScript sources (tests, tsx) Node 20 ignores loader flags in a
 * Worker's execArgv, so a tiny bootstrap registers tsx inside the thread and then imports the
 * entry; the bundled build starts the sibling .js directly.
 */
function spawnWorker(data: StoreWorkerData): Worker {
  const entry = workerEntry(import.meta.url, './store-worker', 'store-worker.js');
  if (!entry.file.endsWith('.ts')) return new Worker(entry.file, { workerData: data, execArgv: entry.execArgv });
  // Resolved here (ESM conditions), since an eval'd worker would resolve it from the cwd.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(entry.file).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

export class StoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closing: Promise<void> | undefined;
  private failure: ApiError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: StoreResponse) => this.settle(message));
    worker.on('error', (err) => this.fail(new ApiError('internal', `case store worker failed: ${err.message}`)));
    worker.on('exit', (code) =>
      this.fail(new ApiError('no_case', `the case store worker stopped (exit code ${code})`)),
    );
  }

  /** Creates a new case file (never overwriting one) and opens it in a new worker. */
  static create(path: string, name: string, opts: StoreOptions = {}): Promise<StoreClient> {
    return StoreClient.start({ mode: 'create', path, name, ...opts });
  }

  static open(path: string, opts: StoreOptions = {}): Promise<StoreClient> {
    return StoreClient.start({ mode: 'open', path, ...opts });
  }

  private static start(data: StoreWorkerData): Promise<StoreClient> {
    const worker = spawnWorker(data);
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        cleanup();
        reject(new ApiError('internal', `case store worker failed to start: ${err.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new ApiError('internal', `case store worker exited before it was ready (exit code ${code})`));
      };
      const onMessage = (message: StoreReady) => {
        cleanup();
        if (message.ok) {
          resolve(new StoreClient(worker));
        } else {
          void worker.terminate();
          reject(apiError(message.error));
        }
      };
      const cleanup = () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.once('message', onMessage);
    });
  }

  info(): Promise<CaseInfo> {
    return this.call('info');
  }
  updateSettings(patch: SettingsPatch): Promise<CaseInfo> {
    return this.call('updateSettings', patch);
  }
  addSeed(key: EntityKey, props?: Props): Promise<Entity> {
    return this.call('addSeed', key, props);
  }
  seedIds(): Promise<number[]> {
    return this.call('seedIds');
  }
  scopeDistance(id: number, max: number): Promise<number | null> {
    return this.call('scopeDistance', id, max);
  }
  getEntity(id: number): Promise<Entity | null> {
    return this.call('getEntity', id);
  }
  findEntity(key: EntityKey): Promise<Entity | null> {
    return this.call('findEntity', key);
  }
  graph(): Promise<Graph> {
    return this.call('graph');
  }
  entityDetail(id: number): Promise<EntityDetail> {
    return this.call('entityDetail', id);
  }
  listFindings(): Promise<Finding[]> {
    return this.call('listFindings');
  }
  createRun(scannerId: string, target: EntityKey, targetEntityId: number | null): Promise<Run> {
    return this.call('createRun', scannerId, target, targetEntityId);
  }
  getRun(id: number): Promise<Run | null> {
    return this.call('getRun', id);
  }
  listRuns(): Promise<Run[]> {
    return this.call('listRuns');
  }
  updateRun(id: number, patch: RunPatch): Promise<Run> {
    return this.call('updateRun', id, patch);
  }
  ingest(runId: number, parentEntityId: number | null, events: readonly ScanEvent[]): Promise<IngestResult> {
    return this.call('ingest', runId, parentEntityId, events);
  }
  audit(action: string, data: JsonValue): Promise<AuditEntry> {
    return this.call('audit', action, data);
  }
  auditEntries(): Promise<AuditEntry[]> {
    return this.call('auditEntries');
  }
  verifyAudit(): Promise<AuditVerdict> {
    return this.call('verifyAudit');
  }
  backupTo(path: string): Promise<void> {
    return this.call('backupTo', path);
  }

  /** Closes the case and stops the worker; later calls fail with 'no_case'. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure === undefined) {
        try {
          await this.callRaw('close', []);
        } catch {
          // The worker is going away either way.
        }
      }
      this.failure ??= new ApiError('no_case', 'the case is closed');
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private call<M extends StoreMethod>(method: M, ...args: StoreArgs<M>): Promise<StoreResult<M>> {
    return this.callRaw(method, args) as Promise<StoreResult<M>>;
  }

  /** Untyped request, as the worker sees it: for diagnostics and tests of its validation. */
  callRaw(method: string, args: unknown): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing !== undefined && method !== 'close') {
      return Promise.reject(new ApiError('no_case', 'the case is closed'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies StoreRequest);
    });
  }

  private settle(message: StoreResponse): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(apiError(message.error));
  }

  private fail(error: ApiError): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
