import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, WorkerToHost } from '../../../src/core/scan/worker-protocol';
import { serveScanWorker } from '../../../src/core/scan/worker-runtime';
import type { Net, ScanEvent, Scanner } from '../../../src/shared/scanner';

const net = { resolvers: ['127.0.0.1:53'], proxy: null, timeoutMs: 1000, retries: 0 };
const start = (value: string) => ({
  type: 'start',
  version: PROTOCOL_VERSION,
  scannerId: 'scripted',
  input: { type: 'domain', value, props: {} },
  options: {},
  net,
  policy: { allowInternal: false },
});

/** A scanner that yields one entity per run, fails on "bad.example", and waits forever on "slow.example". */
const scripted: Scanner = {
  manifest: {
    id: 'scripted',
    title: 'Scripted',
    description: 'test',
    category: 'dns',
    accepts: ['domain'],
    produces: ['domain'],
    mode: 'passive',
    timeoutMs: 1000,
    rateLimitPerSecond: null,
    options: [],
  },
  async *run(input, ctx): AsyncIterable<ScanEvent> {
    if (input.value === 'bad.example') throw new Error('boom');
    if (input.value === 'long.example') throw new Error('x'.repeat(10_000));
    if (input.value === 'slow.example') {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    }
    yield { kind: 'entity', entity: { type: 'domain', value: `seen.${input.value}` } };
  },
};

function worker() {
  const sent: WorkerToHost[] = [];
  let deliver: (message: unknown) => void = () => {};
  serveScanWorker(
    { send: (m) => sent.push(m), onMessage: (l) => (deliver = l) },
    { loadScanner: async (id) => (id === 'scripted' ? scripted : undefined), createNet: () => ({}) as Net },
  );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { sent, deliver: (m: unknown) => deliver(m), settle };
}

describe('scan worker runtime', () => {
  it('serves runs one after another, saying ready again after each clean end', async () => {
    const w = worker();
    expect(w.sent).toEqual([{ type: 'ready', version: PROTOCOL_VERSION }]);
    w.deliver(start('a.example'));
    await w.settle();
    w.deliver(start('b.example'));
    await w.settle();
    expect(w.sent.map((m) => m.type)).toEqual(['ready', 'event', 'done', 'ready', 'event', 'done', 'ready']);
    expect(w.sent.filter((m) => m.type === 'event').map((m) => m.event)).toEqual([
      { kind: 'entity', entity: { type: 'domain', value: 'seen.a.example' } },
      { kind: 'entity', entity: { type: 'domain', value: 'seen.b.example' } },
    ]);
  });

  it('says nothing more after a failed or cancelled run, and ignores a start while one runs', async () => {
    const failed = worker();
    failed.deliver(start('bad.example'));
    await failed.settle();
    expect(failed.sent.slice(1)).toEqual([{ type: 'error', message: 'boom' }]);

    const cancelled = worker();
    cancelled.deliver(start('slow.example'));
    cancelled.deliver(start('a.example'));
    await cancelled.settle();
    cancelled.deliver({ type: 'cancel' });
    await cancelled.settle();
    expect(cancelled.sent.slice(1)).toEqual([{ type: 'error', message: 'cancelled' }]);
  });

  it('cuts an error too long for a frame, so the host still hears why the run failed', async () => {
    const w = worker();
    w.deliver(start('long.example'));
    await w.settle();
    const error = w.sent.at(-1);
    expect(WorkerToHost.safeParse(error).success).toBe(true);
    expect(error?.type === 'error' && error.message.startsWith('xxx')).toBe(true);
  });

  it('answers an unknown scanner or a malformed frame with an error', async () => {
    const w = worker();
    w.deliver({ ...start('a.example'), scannerId: 'nope' });
    w.deliver({ type: 'start' });
    await w.settle();
    expect(w.sent.slice(1).map((m) => (m.type === 'error' ? m.message : m.type))).toEqual([
      expect.stringMatching(/^invalid frame from host/),
      'no scanner "nope"',
    ]);
  });

  it("hands an active scanner a Net that applies the case's policy to every connection, a passive one a plain Net", async () => {
    const given: { refuses: string | undefined }[] = [];
    const active: Scanner = { ...scripted, manifest: { ...scripted.manifest, id: 'active', mode: 'active' } };
    const sent: WorkerToHost[] = [];
    let deliver: (message: unknown) => void = () => {};
    serveScanWorker(
      { send: (m) => sent.push(m), onMessage: (l) => (deliver = l) },
      {
        loadScanner: async (id) => (id === 'active' ? active : scripted),
        createNet: (_config, options) => {
          given.push({ refuses: options?.refuses?.('10.0.0.1') });
          return {} as Net;
        },
      },
    );
    deliver({ ...start('a.example'), scannerId: 'active' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    deliver(start('b.example'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(given.map((g) => g.refuses)).toEqual(['10.0.0.1 is a private address', undefined]);
  });
});
