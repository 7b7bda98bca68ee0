// One signal per network operation that fires on its own timeout or when the caller aborts, so
// every wait below (connect, handshake, read) is bounded and cancellable in the same way.

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly parent: AbortSignal | undefined;
  private readonly onParentAbort = (): void => this.controller.abort(abortReason(this.parent));

  /** @param what names the operation in the timeout message, e.g. "connect to 127.0.0.1:80" */
  constructor(timeoutMs: number, parent: AbortSignal | undefined, what: string) {
    this.signal = this.controller.signal;
    this.parent = parent;
    if (parent?.aborted) {
      this.controller.abort(abortReason(parent));
      return;
    }
    parent?.addEventListener('abort', this.onParentAbort, { once: true });
    this.timer = setTimeout(
      () => this.controller.abort(new TimeoutError(`${what} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  /** Whether the operation ended because its own time ran out (not because the caller aborted). */
  get timedOut(): boolean {
    return this.signal.aborted && this.signal.reason instanceof TimeoutError;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/** The reason of an aborted signal as an Error (callers may abort with anything). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'the operation was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Runs a callback-style wait that settles once; rejects with the signal's reason on abort.
 * `start` returns a cleanup that runs however the wait ends (remove listeners, destroy sockets).
 */
export function abortable<T>(
  signal: AbortSignal,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => (settledOk: boolean) => void,
): Promise<T> {
  return new Promise<T>((resolvePromise, rejectPromise) => {
    if (signal.aborted) {
      rejectPromise(abortReason(signal));
      return;
    }
    let settled = false;
    let outcome = false;
    let cleanup: ((settledOk: boolean) => void) | undefined;
    const finish = (ok: boolean): void => {
      settled = true;
      outcome = ok;
      signal.removeEventListener('abort', onAbort);
      cleanup?.(ok);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish(false);
      rejectPromise(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (value) => {
        if (settled) return;
        finish(true);
        resolvePromise(value);
      },
      (error) => {
        if (settled) return;
        finish(false);
        rejectPromise(error);
      },
    );
    // start may have settled synchronously, before cleanup was assigned.
    if (settled) cleanup(outcome);
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A socket error as a short phrase: "refused", "reset", "host unreachable", or the message. */
export function describeSocketError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'timed out';
    case 'EPIPE':
      return 'connection closed by peer';
    default:
      return errorMessage(error);
  }
}
