// Keeps a few workers started ahead of need. A worker takes longer to start (Node, then the
// network layer and the schema library) than many scans take to run, so the next ones start
// while the current ones work. What a spare says before it is taken (its `ready`, or its exit)
// is kept and handed to whoever takes it.
import type { WorkerHandle, WorkerLauncher } from './launcher';

class Spare {
  private messages: unknown[] = [];
  private exitReason: string | null = null;
  private messageListener: ((message: unknown) => void) | null = null;
  private exitListener: ((reason: string) => void) | null = null;

  constructor(
    readonly handle: WorkerHandle,
    onEarlyExit: (spare: Spare) => void,
  ) {
    handle.onMessage((message) => {
      if (this.messageListener) this.messageListener(message);
      else this.messages.push(message);
    });
    handle.onExit((reason) => {
      if (this.exitListener) this.exitListener(reason);
      else {
        this.exitReason = reason;
        onEarlyExit(this);
      }
    });
  }

  take(): WorkerHandle {
    return {
      send: (message) => this.handle.send(message),
      kill: () => this.handle.kill(),
      onMessage: (listener) => {
        this.messageListener = listener;
        for (const message of this.messages.splice(0)) listener(message);
      },
      onExit: (listener) => {
        this.exitListener = listener;
        const reason = this.exitReason;
        if (reason !== null) queueMicrotask(() => listener(reason));
      },
    };
  }
}

/** Spares the shells keep: enough to start the next wave of a Full Scan without a wait. */
export const WARM_SPARES = 2;

export class WarmLauncher implements WorkerLauncher {
  private spares: Spare[] = [];
  private disposed = false;

  /** @param size spares kept started; the first spawn starts them, so an idle app runs none. */
  constructor(
    private readonly inner: WorkerLauncher,
    private readonly size: number,
  ) {}

  spawn(): WorkerHandle {
    const spare = this.spares.shift();
    const handle = spare ? spare.take() : this.inner.spawn();
    this.refill();
    return handle;
  }

  /** Kills the spares; nothing is started afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const spare of this.spares.splice(0)) spare.handle.kill();
    this.inner.dispose?.();
  }

  private refill(): void {
    // A spare that died before use is dropped, not replaced at once: a worker that cannot start
    // is retried on demand only, never in a loop.
    while (!this.disposed && this.spares.length < this.size) {
      this.spares.push(
        new Spare(this.inner.spawn(), (dead) => {
          this.spares = this.spares.filter((s) => s !== dead);
        }),
      );
    }
  }
}
