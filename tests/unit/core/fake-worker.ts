// An in-memory scanner worker for orchestrator tests: each test scripts what the worker does
// after it receives its start frame. Frames are structured-cloned, as they would be on a port.
import type { WorkerHandle, WorkerLauncher } from '../../../src/core/scan/launcher';
import type { RunPatch, RunStore } from '../../../src/core/scan/orchestrator';
import type { HostToWorker } from '../../../src/core/scan/worker-protocol';
import type { Entity, Relation, Run } from '../../../src/shared/model';
import type { ScanEvent } from '../../../src/shared/scanner';

export interface FakeWorker {
  start: HostToWorker | undefined;
  received: HostToWorker[];
  killed: boolean;
  emit(message: unknown): void;
  exit(reason: string): void;
}

export type Script = (worker: FakeWorker) => void;

export class FakeLauncher implements WorkerLauncher {
  readonly workers: FakeWorker[] = [];
  constructor(private readonly script: Script) {}

  spawn(): WorkerHandle {
    const messageListeners: ((m: unknown) => void)[] = [];
    const exitListeners: ((r: string) => void)[] = [];
    const worker: FakeWorker = {
      start: undefined,
      received: [],
      killed: false,
      emit: (message) => {
        const copy = structuredClone(message);
        for (const l of messageListeners) l(copy);
      },
      exit: (reason) => {
        for (const l of exitListeners) l(reason);
      },
    };
    this.workers.push(worker);
    queueMicrotask(() => worker.emit({ type: 'ready', version: 1 }));
    return {
      send: (message) => {
        worker.received.push(structuredClone(message));
        if (message.type === 'start') {
          worker.start = message;
          this.script(worker);
        }
      },
      onMessage: (l) => messageListeners.push(l),
      onExit: (l) => exitListeners.push(l),
      kill: () => {
        worker.killed = true;
      },
    };
  }
}

/** A run store in memory that records what it was asked to write. */
export class MemoryRunStore implements RunStore {
  readonly runs = new Map<number, Run>();
  readonly ingested: { runId: number; events: ScanEvent[] }[] = [];
  private nextId = 1;

  createRun(value: string): Run {
    const run: Run = {
      id: this.nextId++,
      scannerId: 'test',
      target: { type: 'domain', value },
      targetEntityId: null,
      status: 'queued',
      progress: 0,
      message: '',
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
    };
    this.runs.set(run.id, run);
    return run;
  }

  async updateRun(id: number, patch: RunPatch): Promise<Run> {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no run ${id}`);
    const updated = { ...run, ...patch } as Run;
    this.runs.set(id, updated);
    return updated;
  }

  async ingest(
    runId: number,
    _parent: number | null,
    events: ScanEvent[],
  ): Promise<{ entities: Entity[]; relations: Relation[] }> {
    this.ingested.push({ runId, events });
    return { entities: [], relations: [] };
  }
}
