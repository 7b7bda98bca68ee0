// Schedules scan runs on worker processes: global and per-target concurrency, timeouts,
// cancellation, and the event stream into the case store. A worker that crashes, hangs or
// talks nonsense ends its own run as failed; the other runs go on.
import type { Entity, JsonValue, Relation, Run, RunStatus } from '../../shared/model';
import type { NetConfig, ScanEvent, ScanInput, ScannerManifest, ScanPolicyData } from '../../shared/scanner';
import type { WorkerHandle, WorkerLauncher } from './launcher';
import { PROTOCOL_VERSION, WorkerToHost } from './worker-protocol';

export interface RunPatch {
  status?: RunStatus;
  progress?: number;
  message?: string;
  error?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
}

/** What the orchestrator needs of the case store. */
export interface RunStore {
  updateRun(id: number, patch: RunPatch): Promise<Run>;
  ingest(
    runId: number,
    parentEntityId: number | null,
    events: ScanEvent[],
  ): Promise<{ entities: Entity[]; relations: Relation[] }>;
}

export interface OrchestratorEvents {
  runChanged(run: Run, phase: 'queued' | 'started' | 'progress' | 'ended'): void;
  graphAdded(added: { entities: Entity[]; relations: Relation[] }): void;
}

export interface OrchestratorLimits {
  global: number;
  /** Active runs (those that touch the target) at once on one target; passive runs ask third parties. */
  perTarget: number;
  /** How long a cancelled worker may take to stop by itself before it is killed. */
  cancelGraceMs: number;
}

export interface ScanJob {
  run: Run;
  manifest: ScannerManifest;
  input: ScanInput;
  options: Record<string, JsonValue>;
  timeoutMs: number;
  /** What the run may touch; nothing internal when absent. */
  policy?: ScanPolicyData;
}

interface Active {
  job: ScanJob;
  worker: WorkerHandle;
  buffer: ScanEvent[];
  flushTimer: NodeJS.Timeout | undefined;
  timeout: NodeJS.Timeout;
  lastProgressAt: number;
  cancelRequested: boolean;
  ended: boolean;
  /** Store writes for this run, in order. */
  chain: Promise<void>;
}

const FLUSH_EVENTS = 200;
const FLUSH_MS = 50;
const PROGRESS_MS = 150;

const now = () => new Date().toISOString();
const targetKey = (job: ScanJob) => `${job.input.type}:${job.input.value}`;

export class Orchestrator {
  private readonly queue: ScanJob[] = [];
  private readonly active = new Map<number, Active>();
  private idleWaiters: (() => void)[] = [];
  private readonly endWaiters = new Map<number, (run: Run) => void>();
  /** When each scanner last started a run, for its manifest's rate limit. */
  private readonly lastStart = new Map<string, number>();
  private rateTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly launcher: WorkerLauncher,
    private readonly store: RunStore,
    private readonly net: () => NetConfig,
    private readonly events: OrchestratorEvents,
    private readonly limits: OrchestratorLimits,
  ) {}

  /** Queues the job; the promise resolves with the run once it has ended, whatever the outcome. */
  enqueue(job: ScanJob): Promise<Run> {
    // The waiter is in place before the run can start, so even a run that ends at once is seen.
    const ended = new Promise<Run>((resolve) => this.endWaiters.set(job.run.id, resolve));
    this.queue.push(job);
    this.events.runChanged(job.run, 'queued');
    this.schedule();
    return ended;
  }

  /** True when the run was queued or running here. */
  async cancel(runId: number): Promise<boolean> {
    const index = this.queue.findIndex((job) => job.run.id === runId);
    if (index >= 0) {
      const [job] = this.queue.splice(index, 1);
      if (job) await this.end(job.run.id, 'cancelled', 'cancelled by the analyst before it started');
      this.checkIdle();
      return true;
    }
    const active = this.active.get(runId);
    if (!active || active.ended) return false;
    active.cancelRequested = true;
    active.worker.send({ type: 'cancel' });
    setTimeout(() => {
      if (!active.ended) void this.finish(active, 'cancelled', 'cancelled by the analyst');
    }, this.limits.cancelGraceMs).unref();
    return true;
  }

  get busy(): boolean {
    return this.queue.length > 0 || this.active.size > 0;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels everything, waits for the store writes, and leaves no worker behind. */
  async shutdown(): Promise<void> {
    clearTimeout(this.rateTimer);
    this.rateTimer = undefined;
    for (const job of this.queue.splice(0)) await this.end(job.run.id, 'cancelled', 'the case was closed');
    await Promise.all(
      [...this.active.values()].map((active) => this.finish(active, 'cancelled', 'the case was closed')),
    );
    this.checkIdle();
  }

  private schedule(): void {
    while (this.active.size < this.limits.global) {
      const index = this.queue.findIndex(
        (job) =>
          (job.manifest.mode === 'passive' || this.activeRunsOn(targetKey(job)) < this.limits.perTarget) &&
          this.rateWait(job) === 0,
      );
      if (index < 0) break;
      const [job] = this.queue.splice(index, 1);
      if (job) this.start(job);
    }
    // A job held back only by its scanner's rate limit is looked at again when it may start.
    const waits = this.queue.map((job) => this.rateWait(job)).filter((ms) => ms > 0);
    if (waits.length > 0 && this.rateTimer === undefined) {
      this.rateTimer = setTimeout(
        () => {
          this.rateTimer = undefined;
          this.schedule();
        },
        Math.min(...waits),
      );
    }
  }

  /**
   * How long a job must still wait for its scanner's rate limit (runs per second; a third party
   * such as NVD allows so many requests). The lab's services are our own: no wait there.
   */
  private rateWait(job: ScanJob): number {
    const perSecond = job.manifest.rateLimitPerSecond;
    if (perSecond === null || this.net().lab) return 0;
    const last = this.lastStart.get(job.manifest.id);
    return last === undefined ? 0 : Math.max(0, last + 1000 / perSecond - Date.now());
  }

  private activeRunsOn(key: string): number {
    let count = 0;
    for (const { job } of this.active.values()) if (job.manifest.mode === 'active' && targetKey(job) === key) count++;
    return count;
  }

  private start(job: ScanJob): void {
    this.lastStart.set(job.manifest.id, Date.now());
    const worker = this.launcher.spawn(job.manifest.id);
    const active: Active = {
      job,
      worker,
      buffer: [],
      flushTimer: undefined,
      timeout: setTimeout(() => {
        void this.finish(active, 'failed', `timed out after ${Math.round(job.timeoutMs / 1000)} s`);
      }, job.timeoutMs),
      lastProgressAt: 0,
      cancelRequested: false,
      ended: false,
      chain: Promise.resolve(),
    };
    this.active.set(job.run.id, active);
    active.chain = this.store
      .updateRun(job.run.id, { status: 'running', startedAt: now(), message: 'starting' })
      .then((run) => this.events.runChanged(run, 'started'));
    worker.onMessage((raw) => this.onWorkerMessage(active, raw));
    worker.onExit((reason) => {
      if (!active.ended) void this.finish(active, active.cancelRequested ? 'cancelled' : 'failed', reason);
    });
  }

  private onWorkerMessage(active: Active, raw: unknown): void {
    if (active.ended) return;
    const parsed = WorkerToHost.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      void this.finish(active, 'failed', `worker sent an invalid frame (${issue?.path.join('.')}: ${issue?.message})`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready': {
        if (message.version !== PROTOCOL_VERSION) {
          void this.finish(active, 'failed', `worker speaks protocol ${message.version}, expected ${PROTOCOL_VERSION}`);
          return;
        }
        const { job } = active;
        active.worker.send({
          type: 'start',
          version: PROTOCOL_VERSION,
          scannerId: job.manifest.id,
          input: job.input,
          options: job.options,
          net: this.net(),
          policy: job.policy ?? { allowInternal: false },
        });
        return;
      }
      case 'event':
        if (message.event.kind === 'progress') this.onProgress(active, message.event.fraction, message.event.message);
        else this.buffer(active, message.event);
        return;
      case 'done':
        void this.finish(active, 'finished', null);
        return;
      case 'error':
        void this.finish(active, active.cancelRequested ? 'cancelled' : 'failed', message.message);
        return;
      case 'log':
        return;
    }
  }

  private onProgress(active: Active, fraction: number, text: string): void {
    const at = Date.now();
    if (at - active.lastProgressAt < PROGRESS_MS) return;
    active.lastProgressAt = at;
    const runId = active.job.run.id;
    active.chain = active.chain
      .then(() => this.store.updateRun(runId, { progress: fraction, message: text }))
      .then((run) => {
        if (!active.ended) this.events.runChanged(run, 'progress');
      });
  }

  private buffer(active: Active, event: ScanEvent): void {
    active.buffer.push(event);
    if (active.buffer.length >= FLUSH_EVENTS) this.flush(active);
    else active.flushTimer ??= setTimeout(() => this.flush(active), FLUSH_MS);
  }

  private flush(active: Active): void {
    clearTimeout(active.flushTimer);
    active.flushTimer = undefined;
    if (active.buffer.length === 0) return;
    const events = active.buffer.splice(0);
    const { run } = active.job;
    active.chain = active.chain
      .then(() => this.store.ingest(run.id, run.targetEntityId, events))
      .then((added) => {
        if (added.entities.length > 0 || added.relations.length > 0) this.events.graphAdded(added);
      });
  }

  private async finish(active: Active, status: RunStatus, error: string | null): Promise<void> {
    if (active.ended) return;
    active.ended = true;
    clearTimeout(active.timeout);
    // A worker whose run ended with `done` can serve again; any other end (error, timeout,
    // cancel, crash, nonsense) may have left it in a bad state, so it is killed.
    if (status === 'finished' && error === null && active.worker.release) active.worker.release();
    else active.worker.kill();
    // Events that arrived before the end are kept, whatever the outcome.
    this.flush(active);
    let storeError: string | null = null;
    await active.chain.catch((e: unknown) => {
      storeError = `could not save results: ${e instanceof Error ? e.message : String(e)}`;
    });
    this.active.delete(active.job.run.id);
    await this.end(active.job.run.id, storeError ? 'failed' : status, storeError ?? error);
    this.schedule();
    this.checkIdle();
  }

  private async end(runId: number, status: RunStatus, error: string | null): Promise<void> {
    const run = await this.store.updateRun(runId, {
      status,
      error,
      endedAt: now(),
      ...(status === 'finished' ? { progress: 1, message: 'done' } : { message: status }),
    });
    this.events.runChanged(run, 'ended');
    this.endWaiters.get(runId)?.(run);
    this.endWaiters.delete(runId);
  }

  private checkIdle(): void {
    if (this.busy) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
