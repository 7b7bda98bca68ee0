// The web-shell transport: JSON frames over one WebSocket. Calls made while (re)connecting wait
// for the socket; a close rejects every call still waiting for its answer (its request may or
// may not have run) and a new connection is tried with backoff.
import {
  type ApiClient,
  ApiError,
  type EventData,
  EventFrame,
  type EventName,
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
} from './validate';

/** The part of the browser WebSocket this client uses, so tests can hand in a fake. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  url: string;
  report: ProblemReporter;
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay, doubled after each failure up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

interface Pending {
  method: MethodName;
  frame: string;
  sent: boolean;
  resolve(value: unknown): void;
  reject(error: ApiError): void;
}

/** Frames larger than this are refused rather than parsed. */
const MAX_FRAME_CHARS = 64 * 1024 * 1024;

export class WsClient implements ApiClient, ConnectionAware {
  private socket: SocketLike | null = null;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private readonly pending = new Map<number, Pending>();
  private readonly hub: EventHub;
  private readonly connectionListeners = new Set<ConnectionListener>();
  private nextId = 1;
  private delay: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly createSocket: (url: string) => SocketLike;

  constructor(private readonly options: WsClientOptions) {
    this.hub = new EventHub(options.report);
    this.delay = options.initialDelayMs ?? 250;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.connect();
  }

  get connection(): 'connecting' | 'open' | 'closed' {
    return this.state;
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    let checked: unknown;
    try {
      checked = checkParams(method, params);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.disposed) return Promise.reject(new ApiError('internal', 'the connection to the backend was closed'));
    const id = this.nextId++;
    const frame = JSON.stringify({ id, method, params: checked });
    return new Promise<Result<M>>((resolve, reject) => {
      const entry: Pending = {
        method,
        frame,
        sent: false,
        resolve: (raw) => {
          try {
            resolve(checkResult(method, raw));
          } catch (error) {
            this.options.report((error as Error).message);
            reject(error);
          }
        },
        reject,
      };
      this.pending.set(id, entry);
      if (this.state === 'open') this.send(id, entry);
    });
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    return this.hub.on(event, listener);
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => {
      this.connectionListeners.delete(listener);
    };
  }

  close(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    this.failAll('the connection to the backend was closed');
    this.setState('closed');
  }

  private setState(state: 'connecting' | 'open' | 'closed'): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.connectionListeners) {
      try {
        listener(state);
      } catch (error) {
        this.options.report(`a connection handler failed: ${(error as Error).message}`);
      }
    }
  }

  private connect(): void {
    this.timer = null;
    if (this.disposed) return;
    this.setState('connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch (error) {
      this.options.report(`cannot connect to the backend: ${(error as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.delay = this.options.initialDelayMs ?? 250;
      this.setState('open');
      for (const [id, entry] of this.pending) if (!entry.sent) this.send(id, entry);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onerror = () => {
      // A close always follows; that is where the cleanup happens.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failAll('the connection to the backend closed before it answered');
      this.setState('closed');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.disposed || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 5000);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  private send(id: number, entry: Pending): void {
    try {
      this.socket?.send(entry.frame);
      entry.sent = true;
    } catch (error) {
      this.pending.delete(id);
      entry.reject(new ApiError('internal', `could not send ${entry.method}: ${(error as Error).message}`));
    }
  }

  private failAll(message: string): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(new ApiError('internal', `${entry.method}: ${message}`));
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') {
      this.options.report('ignored a binary frame from the backend');
      return;
    }
    if (raw.length > MAX_FRAME_CHARS) {
      this.options.report(`ignored a frame of ${raw.length} characters from the backend`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.options.report('ignored a frame from the backend that is not JSON');
      return;
    }
    if (typeof value === 'object' && value !== null && 'event' in value) {
      const frame = EventFrame.safeParse(value);
      if (!frame.success) this.options.report('ignored a malformed event frame from the backend');
      else this.hub.deliver(frame.data.event, frame.data.data);
      return;
    }
    const frame = ResponseFrame.safeParse(value);
    if (!frame.success) {
      // A malformed answer to a call we can identify still ends that call, with an error.
      const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
      const entry = typeof id === 'number' ? this.pending.get(id) : undefined;
      this.options.report('ignored a malformed response frame from the backend');
      if (entry && typeof id === 'number') {
        this.pending.delete(id);
        entry.reject(new ApiError('internal', `the backend sent a malformed answer to ${entry.method}`));
      }
      return;
    }
    const entry = this.pending.get(frame.data.id);
    if (!entry) {
      this.options.report(`ignored an answer to unknown request ${frame.data.id}`);
      return;
    }
    this.pending.delete(frame.data.id);
    if (frame.data.ok) entry.resolve(frame.data.result);
    else entry.reject(new ApiError(frame.data.error.code, frame.data.error.message, frame.data.error.field));
  }
}
