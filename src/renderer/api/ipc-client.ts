// The Electron transport: the preload's bridge forwards calls over IPC and resolves to the wire
// ResponseFrame ({ok, result} or {ok: false, error}), since error codes on rejections do not
// survive contextBridge. Frames, results and events are validated here: the bridge is thin and
// the main process is another program.
import {
  type ApiClient,
  ApiError,
  type EventData,
  type EventName,
  events,
  type MethodName,
  type Params,
  ResponseFrame,
  type Result,
} from '../../shared/api';
import {
  type ConnectionAware,
  type ConnectionListener,
  checkParams,
  checkResult,
  EventHub,
  type ProblemReporter,
  toApiError,
} from './validate';

/** What the preload exposes as window.tracegraph. */
export interface Bridge {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): () => void;
}

export function isBridge(value: unknown): value is Bridge {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.call === 'function' && typeof v.on === 'function';
}

const EVENT_NAMES = Object.keys(events) as EventName[];

export class IpcClient implements ApiClient, ConnectionAware {
  readonly connection = 'open' as const;
  private readonly hub: EventHub;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly bridge: Bridge,
    private readonly report: ProblemReporter,
  ) {
    this.hub = new EventHub(report);
    this.unsubscribe = EVENT_NAMES.map((name) => bridge.on(name, (data) => this.hub.deliver(name, data)));
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const checked = checkParams(method, params);
    let raw: unknown;
    try {
      raw = await this.bridge.call(method, checked);
    } catch (error) {
      throw toApiError(error);
    }
    const frame = ResponseFrame.safeParse(raw);
    if (!frame.success) {
      this.report(`the backend sent a malformed answer to ${method}`);
      throw new ApiError('internal', `the backend sent a malformed answer to ${method}`);
    }
    if (!frame.data.ok) {
      const { code, message, field } = frame.data.error;
      throw new ApiError(code, message, field);
    }
    try {
      return checkResult(method, frame.data.result);
    } catch (error) {
      this.report((error as Error).message);
      throw error;
    }
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    return this.hub.on(event, listener);
  }

  onConnection(listener: ConnectionListener): () => void {
    // IPC is up for as long as the window lives.
    queueMicrotask(() => listener('open'));
    return () => {};
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }
}
