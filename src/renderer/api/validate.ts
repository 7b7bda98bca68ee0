// Checks on everything that crosses into the renderer: params before they leave (so a bad form
// fails with a field name, locally), results and events when they arrive (the backend is a
// separate process and is not trusted to be right).
import type * as z from 'zod';
import {
  ApiError,
  ApiErrorBody,
  describeIssue,
  type EventData,
  type EventName,
  events,
  type MethodName,
  methods,
  type Result,
} from '../../shared/api';

export type ProblemReporter = (message: string) => void;

export function isMethod(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isEvent(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/** Throws an ApiError naming the bad field when params do not match the method's schema. */
export function checkParams(method: MethodName, params: unknown): unknown {
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error, 'params');
    throw new ApiError('invalid_request', `invalid ${method} request: ${message}`, field);
  }
  return parsed.data;
}

/** The result, typed, or an ApiError('internal') when the backend answered something else. */
export function checkResult<M extends MethodName>(method: M, raw: unknown): Result<M> {
  const schema: z.ZodType = methods[method].result;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const { message } = describeIssue(parsed.error, 'result');
    throw new ApiError('internal', `the backend sent an invalid ${method} result (${message})`);
  }
  return parsed.data as Result<M>;
}

export type CheckedEvent = { ok: true; event: EventName; data: EventData<EventName> } | { ok: false; message: string };

export function checkEvent(event: unknown, data: unknown): CheckedEvent {
  if (typeof event !== 'string' || !isEvent(event)) {
    return { ok: false, message: `ignored an unknown event "${String(event).slice(0, 80)}" from the backend` };
  }
  const schema: z.ZodType = events[event];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const { message } = describeIssue(parsed.error, 'data');
    return { ok: false, message: `ignored a malformed ${event} event from the backend (${message})` };
  }
  return { ok: true, event, data: parsed.data as EventData<EventName> };
}

const ELECTRON_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

/** Any rejection as an ApiError: API error bodies keep their code and field. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const body = ApiErrorBody.safeParse(error);
  if (body.success) return new ApiError(body.data.code, body.data.message, body.data.field);
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  // Electron's invoke puts the error body, JSON-encoded, after its own prefix when the preload sends one.
  const stripped = message.replace(ELECTRON_PREFIX, '');
  try {
    const inner = ApiErrorBody.safeParse(JSON.parse(stripped));
    if (inner.success) return new ApiError(inner.data.code, inner.data.message, inner.data.field);
  } catch {
    // not JSON: a plain message
  }
  return new ApiError('internal', stripped);
}

/** Listener registry shared by the transports; one throwing listener does not stop the others. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<(data: never) => void>>();
  constructor(private readonly report: ProblemReporter) {}

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Validates and delivers one raw event. */
  deliver(event: unknown, data: unknown): void {
    const checked = checkEvent(event, data);
    if (!checked.ok) {
      this.report(checked.message);
      return;
    }
    for (const listener of this.listeners.get(checked.event) ?? []) {
      try {
        (listener as (d: unknown) => void)(checked.data);
      } catch (error) {
        this.report(`a ${checked.event} handler failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

export type ConnectionListener = (state: 'connecting' | 'open' | 'closed') => void;

/** A client that can say whether it is connected; resyncs happen on each 'open'. */
export interface ConnectionAware {
  readonly connection: 'connecting' | 'open' | 'closed';
  onConnection(listener: ConnectionListener): () => void;
  close(): void;
}
