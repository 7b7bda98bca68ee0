// Builders for renderer tests: valid model records with only the interesting fields spelled out,
// and a fake ApiClient whose answers and events the test controls.
import type { ApiClient, EventData, EventName, MethodName, Params, Result } from '../../../src/shared/api';
import type { CaseInfo, Entity, EntityType, Relation, RelationKind, Run, RunStatus } from '../../../src/shared/model';
import type { ScannerManifest } from '../../../src/shared/scanner';

const T = '2024-11-05T10:00:00.000Z';

export function entity(id: number, type: EntityType, value: string, props: Entity['props'] = {}): Entity {
  return { id, type, value, props, firstSeen: T, lastSeen: T };
}

export function relation(id: number, from: number, to: number, kind: RelationKind = 'resolves_to'): Relation {
  return { id, from, to, kind, props: {}, firstSeen: T, lastSeen: T };
}

export function run(id: number, status: RunStatus, progress = 0, extra: Partial<Run> = {}): Run {
  return {
    id,
    scannerId: 'dns',
    target: { type: 'domain', value: 'nova-parcels.com' },
    targetEntityId: 1,
    status,
    progress,
    message: '',
    error: null,
    createdAt: T,
    startedAt: status === 'queued' ? null : T,
    endedAt: status === 'queued' || status === 'running' ? null : T,
    ...extra,
  };
}

export function manifest(id: string, accepts: EntityType[], mode: 'passive' | 'active' = 'passive'): ScannerManifest {
  return {
    id,
    title: id.toUpperCase(),
    description: `${id} scanner`,
    category: 'dns',
    accepts,
    produces: ['domain'],
    mode,
    timeoutMs: 10_000,
    rateLimitPerSecond: null,
    options: [],
  };
}

export function caseInfo(path: string, name = 'Case', allowPrivateTargets = false): CaseInfo {
  return {
    path,
    name,
    createdAt: T,
    schemaVersion: 1,
    settings: { allowPrivateTargets, passiveOnly: false, scopeDistance: 1 },
  };
}

type Handler = (params: unknown) => unknown;

/** An ApiClient driven by the test: `handle` sets answers, `emit` pushes events, `calls` records requests. */
export class FakeClient implements ApiClient {
  readonly calls: { method: MethodName; params: unknown }[] = [];
  private readonly handlers = new Map<MethodName, Handler>();
  private readonly listeners = new Map<string, Set<(data: never) => void>>();
  private readonly connectionListeners = new Set<(s: 'connecting' | 'open' | 'closed') => void>();

  handle<M extends MethodName>(method: M, handler: (params: Params<M>) => Result<M> | Promise<Result<M>>): this {
    this.handlers.set(method, handler as Handler);
    return this;
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push({ method, params });
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`no fake answer for ${method}`);
    return (await handler(params)) as Result<M>;
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    for (const l of this.listeners.get(event) ?? []) (l as (d: EventData<E>) => void)(data);
  }

  onConnection(listener: (s: 'connecting' | 'open' | 'closed') => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  setConnection(state: 'connecting' | 'open' | 'closed'): void {
    for (const l of this.connectionListeners) l(state);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
