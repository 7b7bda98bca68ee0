// The core service: owns the open case and the scan orchestrator, and answers the API. The
// same service runs inside Electron main, the web shell and the CLI.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ApiError,
  type EventData,
  type EventName,
  type MethodName,
  type Params,
  parseRequest,
  type ResponseFrame,
  type Result,
} from '../../shared/api';
import type { Assessment } from '../../shared/assessment';
import type { CaseInfo, Entity, EntityKey, Props, Run } from '../../shared/model';
import type { NetConfig, ScannerManifest } from '../../shared/scanner';
import { scopeStatus } from '../../shared/scope';
import { internalAddressClass, parseTarget } from '../../shared/target';
import { assess } from '../assessment/assess';
import type { WorkerLauncher } from '../scan/launcher';
import { Orchestrator, type OrchestratorLimits } from '../scan/orchestrator';
import { RunDurations } from '../scan/run-durations';
import { StoreClient } from '../store/store-client';
import { MAX_FAN_OUT, startFullScan } from './full-scan';
import { RecentCases } from './recent-cases';
import { resolveOptions } from './scanner-options';

export interface CoreOptions {
  dataDir: string;
  launcher: WorkerLauncher;
  net: NetConfig;
  scanners: ScannerManifest[];
  /** better-sqlite3 binary for this runtime's ABI (Electron), when it is not the default one. */
  nativeBinding?: string;
  limits?: Partial<OrchestratorLimits>;
  /** The lab scenario the network settings point at, when they do. */
  lab?: { name: string; description: string };
}

type Listener = <E extends EventName>(event: E, data: EventData<E>) => void;
type Handlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> };

interface OpenCase {
  store: StoreClient;
  orchestrator: Orchestrator;
  info: CaseInfo;
}

const APP_VERSION = '0.1.0';
const DEFAULT_LIMITS: OrchestratorLimits = { global: 4, perTarget: 2, cancelGraceMs: 2000 };

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'case'
  );
}

export class CoreService {
  private current: OpenCase | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly recent: RecentCases;
  private readonly handlers: Handlers;
  private readonly durations = new RunDurations();
  /** Full Scans whose phase 2 has not ended yet. */
  private readonly fullScans = new Set<Promise<unknown>>();

  constructor(private readonly options: CoreOptions) {
    this.recent = new RecentCases(join(options.dataDir, 'recent-cases.json'));
    this.handlers = {
      'app.info': async () => ({ version: APP_VERSION, lab: options.lab ?? null }),
      'case.create': (p) => this.createCase(p.name, p.path),
      'case.open': (p) => this.openCase(p.path),
      'case.current': async () => this.current?.info ?? null,
      'case.listRecent': async () => this.recent.list(),
      'case.close': async () => {
        await this.closeCase();
        return null;
      },
      'case.saveAs': async (p) => {
        const open = this.requireCase();
        if (resolve(p.path) === resolve(open.info.path)) {
          throw new ApiError('invalid_request', 'choose another file than the open case', 'params.path');
        }
        // Scans still running write into the original; the copy is taken once they are done.
        await open.orchestrator.idle();
        await open.store.backupTo(p.path);
        return this.openCase(p.path);
      },
      'case.updateSettings': async (p) => {
        const open = this.requireCase();
        open.info = await open.store.updateSettings(p);
        this.emit('case.changed', open.info);
        return open.info;
      },
      'graph.get': () => this.requireCase().store.graph(),
      'scanners.list': async () => this.options.scanners,
      'scan.start': (p) => this.startScan(p),
      'scan.full': (p) => this.fullScan(p),
      'scope.add': async (p) => {
        const open = this.requireCase();
        const entity = await this.entityOf(open, p.entityId, 'params.entityId');
        return open.store.addSeed({ type: entity.type, value: entity.value });
      },
      'scope.check': async (p) => {
        const open = this.requireCase();
        return this.scopeOf(open, await this.entityOf(open, p.entityId, 'params.entityId'));
      },
      'assessment.get': (p) => this.assessment(p.entityId),
      'scan.cancel': async (p) => {
        const cancelled = await this.requireCase().orchestrator.cancel(p.runId);
        if (!cancelled) throw new ApiError('not_found', `run ${p.runId} is not queued or running`, 'params.runId');
        return null;
      },
      'runs.list': () => this.requireCase().store.listRuns(),
      'findings.list': () => this.requireCase().store.listFindings(),
      'entity.get': async (p) => {
        const detail = await this.requireCase().store.entityDetail(p.entityId);
        if (!detail) throw new ApiError('not_found', `no entity ${p.entityId} in this case`, 'params.entityId');
        return detail;
      },
    };
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    return (this.handlers[method] as (p: Params<M>) => Promise<Result<M>>)(params);
  }

  /** Answers one wire frame from an untrusted client: validated, and errors as an envelope. */
  async dispatch(frame: unknown): Promise<ResponseFrame> {
    const id =
      typeof frame === 'object' && frame !== null && 'id' in frame && typeof frame.id === 'number' ? frame.id : 0;
    try {
      const request = parseRequest(frame);
      const result = await this.call(request.method, request.params as Params<typeof request.method>);
      return { id: request.id, ok: true, result };
    } catch (error) {
      if (error instanceof ApiError) return { id, ok: false, error: error.toBody() };
      const message = error instanceof Error ? error.message : String(error);
      return { id, ok: false, error: { code: 'internal', message } };
    }
  }

  async shutdown(): Promise<void> {
    await this.closeCase();
    this.options.launcher.dispose?.();
  }

  /** Resolves when the open case has no queued or running scan, Full Scans' later phases included. */
  async idle(): Promise<void> {
    do {
      await Promise.all(this.fullScans);
      await this.current?.orchestrator.idle();
    } while (this.fullScans.size > 0);
  }

  private emit<E extends EventName>(event: E, data: EventData<E>): void {
    for (const listener of this.listeners) listener(event, data);
  }

  private requireCase(): OpenCase {
    if (!this.current) throw new ApiError('no_case', 'no case is open: create or open one first');
    return this.current;
  }

  private async createCase(name: string, path: string | undefined): Promise<CaseInfo> {
    const dir = join(this.options.dataDir, 'cases');
    mkdirSync(dir, { recursive: true });
    const file = path ?? join(dir, `${slug(name)}-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`);
    const store = await StoreClient.create(file, name, this.storeOptions());
    return this.adopt(store);
  }

  private async openCase(path: string): Promise<CaseInfo> {
    // Opening the case that is already open is a no-op: a second connection would mark its own
    // running scans as interrupted.
    if (this.current && resolve(this.current.info.path) === resolve(path)) return this.current.info;
    const store = await StoreClient.open(path, this.storeOptions());
    return this.adopt(store);
  }

  private storeOptions(): { nativeBinding?: string } {
    return this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {};
  }

  private async adopt(store: StoreClient): Promise<CaseInfo> {
    await this.closeCase();
    const info = await store.info();
    const orchestrator = new Orchestrator(
      this.options.launcher,
      store,
      () => this.options.net,
      {
        runChanged: (run, phase) => {
          if (phase === 'ended' && run.status === 'finished' && run.startedAt && run.endedAt) {
            this.durations.record(run.scannerId, Date.parse(run.endedAt) - Date.parse(run.startedAt));
          }
          const event =
            phase === 'queued'
              ? 'run.queued'
              : phase === 'started'
                ? 'run.started'
                : phase === 'progress'
                  ? 'run.progress'
                  : run.status === 'failed'
                    ? 'run.failed'
                    : 'run.finished';
          this.emit(event, run);
        },
        graphAdded: (added) => this.emit('graph.added', added),
      },
      { ...DEFAULT_LIMITS, ...this.options.limits },
    );
    this.current = { store, orchestrator, info };
    this.options.launcher.prepare?.();
    this.recent.remember({ path: info.path, name: info.name, openedAt: new Date().toISOString() });
    this.emit('case.changed', info);
    return info;
  }

  private async closeCase(): Promise<void> {
    const open = this.current;
    if (!open) return;
    this.current = null;
    await open.orchestrator.shutdown();
    await open.store.close();
    this.emit('case.changed', null);
  }

  private async startScan(params: Params<'scan.start'>): Promise<Run[]> {
    const open = this.requireCase();
    const manifest = this.options.scanners.find((s) => s.id === params.scannerId);
    if (!manifest) throw new ApiError('scanner_unavailable', `no scanner "${params.scannerId}"`, 'params.scannerId');
    const entity = await this.admitTarget(open, params.target);
    if (!manifest.accepts.includes(entity.type)) {
      throw new ApiError(
        'invalid_target',
        `${manifest.title} does not accept ${entity.type} targets (it accepts ${manifest.accepts.join(', ')})`,
        'params.scannerId',
      );
    }
    if (manifest.mode === 'active') {
      const scope = await this.scopeOf(open, entity);
      if (!scope.activeAllowed) {
        throw new ApiError('out_of_scope', `${manifest.title} is active: ${scope.reason}`, 'params.target');
      }
    }
    const { run } = await this.enqueue(open, manifest, entity, params.options ?? {});
    return [run];
  }

  private async fullScan(params: Params<'scan.full'>): Promise<Result<'scan.full'>> {
    const open = this.requireCase();
    const target = await this.admitTarget(open, params.target);
    const scan = await startFullScan(
      {
        scanners: this.durations.slowestFirst(this.options.scanners),
        scope: (entity) => this.scopeOf(open, entity),
        enqueue: (manifest, entity) => this.enqueue(open, manifest, entity, {}),
        getEntity: (id) => open.store.getEntity(id),
        linked: async (id, kinds) => {
          const detail = await open.store.entityDetail(id);
          const ids = new Set(
            (detail?.relations ?? []).filter((r) => kinds.includes(r.kind)).map((r) => (r.from === id ? r.to : r.from)),
          );
          const entities = await Promise.all([...ids].map((other) => open.store.getEntity(other)));
          return entities.filter((e): e is Entity => e !== null);
        },
        reach: async (id, path) => {
          let frontier = new Set([id]);
          for (const step of path) {
            const next = new Set<number>();
            for (const at of frontier) {
              for (const r of (await open.store.entityDetail(at))?.relations ?? []) {
                if (r.kind !== step.kind) continue;
                if (!step.backward && r.from === at) next.add(r.to);
                if (step.backward && r.to === at) next.add(r.from);
              }
              // A hub (a shared address) must not make one Full Scan fan out over the whole case.
              if (next.size >= MAX_FAN_OUT) break;
            }
            frontier = next;
          }
          const entities = await Promise.all([...frontier].map((other) => open.store.getEntity(other)));
          return entities.filter((e): e is Entity => e !== null);
        },
        stillOpen: () => this.current === open,
      },
      target,
    );
    const tracked = scan.done
      .then((runIds) => {
        if (this.current === open) this.emit('fullScan.finished', { targetEntityId: target.id, runIds });
      })
      .catch(() => {
        // The case closed under it: its runs ended as cancelled, nothing is left to report.
      })
      .finally(() => this.fullScans.delete(tracked));
    this.fullScans.add(tracked);
    return scan.started;
  }

  private async enqueue(
    open: OpenCase,
    manifest: ScannerManifest,
    entity: Entity,
    rawOptions: Record<string, unknown>,
  ): Promise<{ run: Run; ended: Promise<Run> }> {
    const options = resolveOptions(manifest, rawOptions);
    const key: EntityKey = { type: entity.type, value: entity.value };
    const run = await open.store.createRun(manifest.id, key, entity.id);
    const ended = open.orchestrator.enqueue({
      run,
      manifest,
      input: { ...key, props: entity.props },
      options,
      timeoutMs: manifest.timeoutMs,
      policy: { allowInternal: open.info.settings.allowPrivateTargets },
    });
    return { run, ended };
  }

  /** The target as an entity of the case (a typed one becomes a seed); internal ones refused unless allowed. */
  private async admitTarget(open: OpenCase, target: Params<'scan.start'>['target']): Promise<Entity> {
    const { entity, internal } = await this.resolveTarget(open, target);
    if (internal && !open.info.settings.allowPrivateTargets) {
      throw new ApiError(
        'target_refused',
        `${entity.value} is ${internal}; allow internal targets for this case to scan it`,
        'params.target',
      );
    }
    return entity;
  }

  private async scopeOf(open: OpenCase, entity: Entity): Promise<Result<'scope.check'>> {
    const { settings } = open.info;
    return scopeStatus(await open.store.scopeDistance(entity.id, settings.scopeDistance), settings, entity.value);
  }

  private async entityOf(open: OpenCase, id: number, field: string): Promise<Entity> {
    const entity = await open.store.getEntity(id);
    if (!entity) throw new ApiError('not_found', `no entity ${id} in this case`, field);
    return entity;
  }

  private async assessment(entityId: number): Promise<Assessment> {
    const open = this.requireCase();
    const target = await this.entityOf(open, entityId, 'params.entityId');
    const [graph, findings, runs] = await Promise.all([
      open.store.graph(),
      open.store.listFindings(),
      open.store.listRuns(),
    ]);
    return assess({ target, graph, findings, runs });
  }

  private async resolveTarget(
    open: OpenCase,
    target: Params<'scan.start'>['target'],
  ): Promise<{ entity: Entity; internal: string | undefined }> {
    if ('entityId' in target) {
      const entity = await this.entityOf(open, target.entityId, 'params.target.entityId');
      return { entity, internal: entity.type === 'ip' ? internalOf(entity.value) : undefined };
    }
    const text = 'text' in target ? target.text : target.value;
    const parsed = parseTarget(text);
    if (!parsed.ok) throw new ApiError('invalid_target', parsed.error, 'params.target');
    const props: Props = {};
    if (parsed.target.unicode) props.unicode = parsed.target.unicode;
    if (parsed.target.homograph) props.homograph = parsed.target.homograph;
    const entity = await open.store.addSeed(parsed.target.key, props);
    return { entity, internal: parsed.target.internal };
  }
}

function internalOf(ip: string): string | undefined {
  const range = internalAddressClass(ip);
  return range ? `a ${range} address` : undefined;
}
