import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseClient, socketUrl } from '../../../src/renderer/api/choose';
import { IpcClient } from '../../../src/renderer/api/ipc-client';
import { toApiError } from '../../../src/renderer/api/validate';
import { type SocketLike, WsClient } from '../../../src/renderer/api/ws-client';
import { ApiError } from '../../../src/shared/api';
import { caseInfo, entity, flush, run } from './fixtures';

class FakeSocket implements SocketLike {
  sent: { id: number; method: string; params: unknown }[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.onclose?.({});
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const problems: string[] = [];
  const states: string[] = [];
  const client = new WsClient({
    url: 'ws://127.0.0.1:1/api?token=t',
    report: (m) => problems.push(m),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    initialDelayMs: 100,
    maxDelayMs: 400,
  });
  client.onConnection((s) => states.push(s));
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  return { client, sockets, problems, states, last };
}

describe('WsClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues calls until the socket opens, then resolves them with validated results', async () => {
    const { client, last } = setup();
    const p = client.call('case.current', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ id: 1, method: 'case.current', params: {} }]);
    last().receive({ id: 1, ok: true, result: caseInfo('/a.sqlite') });
    await expect(p).resolves.toMatchObject({ path: '/a.sqlite' });
  });

  it('rejects with the API error code, message and field', async () => {
    const { client, last } = setup();
    last().open();
    const p = client.call('scan.start', { scannerId: 'dns', target: { text: 'x' } });
    last().receive({
      id: 1,
      ok: false,
      error: { code: 'invalid_target', message: 'Not a valid domain', field: 'params.target' },
    });
    await expect(p).rejects.toMatchObject({
      code: 'invalid_target',
      message: 'Not a valid domain',
      field: 'params.target',
    });
  });

  it('refuses invalid params locally, naming the field, without sending', async () => {
    const { client, last } = setup();
    last().open();
    await expect(client.call('scan.cancel', { runId: -1 })).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'params.runId',
    });
    expect(last().sent).toEqual([]);
  });

  it('reports bad frames and results instead of crashing', async () => {
    const { client, last, problems } = setup();
    last().open();
    const p = client.call('case.current', {});
    last().receive('not json');
    last().receive({ id: 99, ok: true, result: null });
    last().receive({ event: 'graph.added', data: { entities: [{ id: 'x' }], relations: [] } });
    last().receive({ event: 'no.such.event', data: {} });
    last().receive({ id: 1, ok: true, result: { path: 3 } });
    await expect(p).rejects.toMatchObject({ code: 'internal' });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/not JSON/);
    expect(problems.join('\n')).toMatch(/unknown request 99/);
    expect(problems.join('\n')).toMatch(/malformed graph.added event/);
    expect(problems.join('\n')).toMatch(/unknown event "no.such.event"/);
    expect(problems.join('\n')).toMatch(/invalid case.current result/);
  });

  it('delivers valid events; one failing listener does not stop the others', () => {
    const { client, last, problems } = setup();
    last().open();
    const seen: number[] = [];
    client.on('run.progress', () => {
      throw new Error('boom');
    });
    client.on('run.progress', (r) => seen.push(r.id));
    last().receive({ event: 'run.progress', data: run(4, 'running', 0.5) });
    expect(seen).toEqual([4]);
    expect(problems).toEqual(['a run.progress handler failed: boom']);
  });

  it('rejects pending calls on close and reconnects with growing delays', async () => {
    const { client, sockets, last, states } = setup();
    last().open();
    const sent = client.call('graph.get', {});
    last().drop();
    await expect(sent).rejects.toMatchObject({ code: 'internal', message: /closed before it answered/ });
    expect(states).toEqual(['open', 'closed']);
    // A call while disconnected waits for the next socket.
    const waiting = client.call('runs.list', {});
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop(); // the attempt fails: the waiting call fails too
    await expect(waiting).rejects.toBeInstanceOf(ApiError);
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(states.at(-1)).toBe('open');
    const again = client.call('runs.list', {});
    last().receive({ id: 3, ok: true, result: [] });
    await expect(again).resolves.toEqual([]);
    client.close();
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(3);
    await expect(client.call('runs.list', {})).rejects.toBeInstanceOf(ApiError);
  });
});

describe('IpcClient', () => {
  it('unwraps response frames from the bridge and validates them', async () => {
    const problems: string[] = [];
    const listeners = new Map<string, (d: unknown) => void>();
    const answers: Record<string, unknown> = {
      'case.current': { id: 1, ok: true, result: null },
      'graph.get': { id: 2, ok: true, result: { entities: [entity(1, 'domain', 'a.com')], relations: [] } },
      'runs.list': { id: 3, ok: false, error: { code: 'no_case', message: 'no case is open' } },
      'scanners.list': { id: 4, ok: true, result: [{ id: 'BAD' }] },
      'case.listRecent': 'garbage',
    };
    const client = new IpcClient(
      {
        call: async (method) => answers[method],
        on: (event, listener) => {
          listeners.set(event, listener);
          return () => listeners.delete(event);
        },
      },
      (m) => problems.push(m),
    );
    await expect(client.call('case.current', {})).resolves.toBeNull();
    await expect(client.call('graph.get', {})).resolves.toMatchObject({ entities: [{ value: 'a.com' }] });
    await expect(client.call('runs.list', {})).rejects.toMatchObject({ code: 'no_case' });
    await expect(client.call('scanners.list', {})).rejects.toMatchObject({ code: 'internal' });
    await expect(client.call('case.listRecent', {})).rejects.toMatchObject({ code: 'internal' });
    expect(problems).toHaveLength(2);

    const got: unknown[] = [];
    client.on('case.changed', (c) => got.push(c));
    listeners.get('case.changed')?.(caseInfo('/x'));
    listeners.get('case.changed')?.({ path: 1 });
    expect(got).toEqual([caseInfo('/x')]);
    expect(problems).toHaveLength(3);
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    await flush();
    expect(states).toEqual(['open']);
    client.close();
    expect(listeners.size).toBe(0);
  });
});

describe('transport choice', () => {
  it('uses the bridge when the preload exposed one', () => {
    const bridge = { call: async () => null, on: () => () => {} };
    const { transport } = chooseClient(
      { tracegraph: bridge, location: { protocol: 'file:', host: '', search: '' } },
      () => {},
    );
    expect(transport).toBe('ipc');
  });

  it('builds the socket address from the page address and its token', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a+b/c' })).toEqual({
      url: 'ws://127.0.0.1:5000/api?token=a%20b%2Fc',
      token: 'a b/c',
    });
    expect(socketUrl({ protocol: 'https:', host: 'h', search: '' }).url).toBe('wss://h/api');
  });

  it('keeps API error bodies when errors arrive in other shapes', () => {
    expect(toApiError({ code: 'no_case', message: 'no case' })).toMatchObject({ code: 'no_case' });
    expect(
      toApiError(new Error(`Error invoking remote method 'x': Error: {"code":"not_found","message":"gone"}`)),
    ).toMatchObject({ code: 'not_found', message: 'gone' });
    expect(toApiError(new Error('plain'))).toMatchObject({ code: 'internal', message: 'plain' });
  });
});
