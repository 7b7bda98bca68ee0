// Keeps workers ready ahead of need. A worker takes far longer to start (Node, then the network
// layer and the schema library, then the scanner's own code, all cold) than most scans take to
// run, so: spares are started while the current runs work, and a worker whose run ended cleanly
// (`done`) serves the next run instead of being killed, up to a number of runs. Any other end
// kills it (see Orchestrator.finish). What a worker says between runs (its `ready`, or its exit)
// is kept and handed to the run that takes it next.
import type { WorkerHandle, WorkerLauncher } from './launcher';

/** Spares and idle workers the shells keep: enough to start the next wave of a Full Scan at once. */
export const WARM_SPARES = 2;
/** Idle workers kept for reuse at most (the orchestrator's global limit). */
export const MAX_IDLE = 4;
/** Runs one worker serves before it is retired, so a slow leak in a scanner stays bounded. */
export const MAX_RUNS_PER_WORKER = 100;

class Pooled {
  private messages: unknown[] = [];
  private exitReason: string | null = null;
  private onMessage: ((message: unknown) => void) | null = null;
  private onExit: ((reason: string) => void) | null = null;
  runs = 0;
  /** The scanner of the last run: its code is loaded and warm in this worker. */
  lastScanner: string | undefined;

  constructor(
    readonly handle: WorkerHandle,
    died: (worker: Pooled) => void,
  ) {
    handle.onMessage((message) => {
      if (this.onMessage) this.onMessage(message);
      else this.messages.push(message);
    });
    handle.onExit((reason) => {
      this.exitReason = reason;
      if (this.onExit) this.onExit(reason);
      else died(this);
    });
  }

  get alive(): boolean {
    return this.exitReason === null;
  }

  /** A handle for one run; `release` gives the worker back for the next. */
  lease(scannerId: string | undefined, release: (worker: Pooled) => void): WorkerHandle {
    this.runs++;
    this.lastScanner = scannerId;
    let leased = true;
    return {
      send: (message) => {
        if (leased) this.handle.send(message);
      },
      kill: () => {
        leased = false;
        this.handle.kill();
      },
      release: () => {
        if (!leased) return;
        leased = false;
        this.onMessage = null;
        this.onExit = null;
        release(this);
      },
      onMessage: (listener) => {
        this.onMessage = listener;
        for (const message of this.messages.splice(0)) listener(message);
      },
      onExit: (listener) => {
        this.onExit = listener;
        const reason = this.exitReason;
        if (reason !== null) queueMicrotask(() => listener(reason));
      },
    };
  }
}

export class WarmLauncher implements WorkerLauncher {
  /** Started, never used. */
  private spares: Pooled[] = [];
  /** Used, ended cleanly, waiting for the next run. */
  private idle: Pooled[] = [];
  private disposed = false;

  /** @param size spares kept started, from the first prepare() or spawn() on: an app with no case open runs none. */
  constructor(
    private readonly inner: WorkerLauncher,
    private readonly size: number,
  ) {}

  spawn(scannerId?: string): WorkerHandle {
    const worker = this.takeIdle(scannerId) ?? this.spares.shift() ?? this.start();
    this.refill();
    return worker.lease(scannerId, (done) => this.release(done));
  }

  prepare(): void {
    this.refill();
  }

  /** Kills every worker kept; nothing is started afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const worker of [...this.spares.splice(0), ...this.idle.splice(0)]) worker.handle.kill();
    this.inner.dispose?.();
  }

  /** An idle worker, preferably one that last ran this scanner (its code and caches are warm). */
  private takeIdle(scannerId: string | undefined): Pooled | undefined {
    const index = this.idle.findIndex((w) => w.lastScanner === scannerId);
    const [worker] = this.idle.splice(index >= 0 ? index : this.idle.length - 1, 1);
    return worker;
  }

  private start(): Pooled {
    // A worker that dies while kept is dropped, not replaced at once: a worker that cannot start
    // is retried on demand only, never in a loop.
    return new Pooled(this.inner.spawn(), (dead) => {
      this.spares = this.spares.filter((w) => w !== dead);
      this.idle = this.idle.filter((w) => w !== dead);
    });
  }

  private release(worker: Pooled): void {
    if (this.disposed || !worker.alive || worker.runs >= MAX_RUNS_PER_WORKER || this.idle.length >= MAX_IDLE) {
      worker.handle.kill();
      return;
    }
    this.idle.push(worker);
  }

  private refill(): void {
    while (!this.disposed && this.spares.length + this.idle.length < this.size) this.spares.push(this.start());
  }
}
