import { describe, expect, it } from 'vitest';
import { Orchestrator, type ScanJob } from '../../../src/core/scan/orchestrator';
import type { Run } from '../../../src/shared/model';
import type { ScannerManifest } from '../../../src/shared/scanner';
import { FakeLauncher, MemoryRunStore, type Script } from './fake-worker';

const manifest: ScannerManifest = {
  id: 'test',
  title: 'Test',
  description: 'scripted',
  category: 'dns',
  accepts: ['domain'],
  produces: ['domain'],
  mode: 'passive',
  timeoutMs: 5000,
  rateLimitPerSecond: null,
  options: [],
};

const net = { resolvers: ['127.0.0.1:53'], proxy: null, timeoutMs: 1000, retries: 0 };
const entity = (value: string) => ({ kind: 'entity' as const, entity: { type: 'domain' as const, value } });

function setup(script: Script, limits = { global: 4, perTarget: 2, cancelGraceMs: 50 }) {
  const store = new MemoryRunStore();
  const launcher = new FakeLauncher(script);
  const changes: { run: Run; phase: string }[] = [];
  const orchestrator = new Orchestrator(
    launcher,
    store,
    () => net,
    {
      runChanged: (run, phase) => changes.push({ run, phase }),
      graphAdded: () => {},
    },
    limits,
  );
  const submit = (value: string, timeoutMs = 5000, mode: ScannerManifest['mode'] = 'passive'): Run => {
    const run = store.createRun(value);
    const job: ScanJob = {
      run,
      manifest: { ...manifest, mode },
      input: { type: 'domain', value, props: {} },
      options: {},
      timeoutMs,
    };
    orchestrator.enqueue(job);
    return run;
  };
  return { store, launcher, orchestrator, changes, submit };
}

const finalStatus = (store: MemoryRunStore, run: Run) => store.runs.get(run.id);

describe('Orchestrator', () => {
  it('runs a scan, stores its events in order and ends it finished', async () => {
    const { store, orchestrator, submit, launcher } = setup((w) => {
      w.emit({ type: 'event', event: entity('a.example.com') });
      w.emit({ type: 'event', event: entity('b.example.com') });
      w.emit({ type: 'done' });
    });
    const run = submit('example.com');
    await orchestrator.idle();
    expect(finalStatus(store, run)).toMatchObject({ status: 'finished', progress: 1, error: null });
    expect(store.ingested.flatMap((i) => i.events)).toEqual([entity('a.example.com'), entity('b.example.com')]);
    expect(launcher.workers[0]?.start).toMatchObject({ type: 'start', scannerId: 'test', net });
    expect(launcher.workers[0]?.killed).toBe(true);
  });

  it('ends a run whose worker crashes as failed with the reason, and keeps what came before', async () => {
    const { store, orchestrator, submit } = setup((w) => {
      w.emit({ type: 'event', event: entity('kept.example.com') });
      w.exit('worker exited (SIGSEGV)');
    });
    const run = submit('example.com');
    await orchestrator.idle();
    expect(finalStatus(store, run)).toMatchObject({ status: 'failed', error: 'worker exited (SIGSEGV)' });
    expect(store.ingested.flatMap((i) => i.events)).toEqual([entity('kept.example.com')]);
  });

  it('times out a hanging worker and kills it', async () => {
    const { store, orchestrator, submit, launcher } = setup(() => {});
    const run = submit('example.com', 100);
    await orchestrator.idle();
    expect(finalStatus(store, run)).toMatchObject({ status: 'failed', error: 'timed out after 0 s' });
    expect(launcher.workers[0]?.killed).toBe(true);
  });

  it('fails a run whose worker sends an invalid frame, naming the field', async () => {
    const { store, orchestrator, submit } = setup((w) => {
      w.emit({ type: 'event', event: { kind: 'entity', entity: { type: 'planet', value: 'x' } } });
    });
    const run = submit('example.com');
    await orchestrator.idle();
    const ended = finalStatus(store, run);
    expect(ended?.status).toBe('failed');
    expect(ended?.error).toMatch(/invalid frame \(event\.entity\.type/);
  });

  it('a failing run does not stop the others', async () => {
    let n = 0;
    const { store, orchestrator, submit } = setup((w) => {
      n++;
      if (n === 1) w.emit({ type: 'error', message: 'resolver 127.0.0.1:9 timed out' });
      else w.emit({ type: 'done' });
    });
    const a = submit('a.example');
    const b = submit('b.example');
    await orchestrator.idle();
    expect(finalStatus(store, a)).toMatchObject({ status: 'failed', error: 'resolver 127.0.0.1:9 timed out' });
    expect(finalStatus(store, b)?.status).toBe('finished');
  });

  it('cancels a queued run at once and a running one through its worker', async () => {
    const { store, orchestrator, submit, launcher } = setup(() => {}, { global: 1, perTarget: 1, cancelGraceMs: 50 });
    const running = submit('a.example');
    const queued = submit('b.example');
    await new Promise((r) => setTimeout(r, 20));
    expect(await orchestrator.cancel(queued.id)).toBe(true);
    expect(finalStatus(store, queued)?.status).toBe('cancelled');
    expect(await orchestrator.cancel(running.id)).toBe(true);
    expect(launcher.workers[0]?.received.at(-1)).toEqual({ type: 'cancel' });
    await orchestrator.idle();
    expect(finalStatus(store, running)?.status).toBe('cancelled');
    expect(launcher.workers).toHaveLength(1);
    expect(await orchestrator.cancel(running.id)).toBe(false);
  });

  it('keeps to the global and per-target limits', async () => {
    const live: string[] = [];
    let peak = 0;
    let peakSame = 0;
    const { orchestrator, submit } = setup(
      (w) => {
        const target = w.start?.type === 'start' ? w.start.input.value : '';
        live.push(target);
        peak = Math.max(peak, live.length);
        if (target === 'same.example') peakSame = Math.max(peakSame, live.filter((t) => t === target).length);
        setTimeout(() => {
          live.splice(live.indexOf(target), 1);
          w.emit({ type: 'done' });
        }, 10);
      },
      { global: 3, perTarget: 1, cancelGraceMs: 50 },
    );
    for (let i = 0; i < 4; i++) submit('same.example', 5000, 'active');
    for (let i = 0; i < 4; i++) submit(`t${i}.example`, 5000, 'active');
    await orchestrator.idle();
    expect(peak).toBe(3);
    expect(peakSame).toBe(1);
  });

  it('limits only active runs per target: passive ones ask third parties, not the target', async () => {
    const live: string[] = [];
    let peakSame = 0;
    const { orchestrator, submit } = setup(
      (w) => {
        const target = w.start?.type === 'start' ? w.start.input.value : '';
        live.push(target);
        peakSame = Math.max(peakSame, live.length);
        setTimeout(() => {
          live.splice(live.indexOf(target), 1);
          w.emit({ type: 'done' });
        }, 10);
      },
      { global: 3, perTarget: 1, cancelGraceMs: 50 },
    );
    for (let i = 0; i < 4; i++) submit('same.example');
    await orchestrator.idle();
    expect(peakSame).toBe(3);
  });

  it('resolves what enqueue returns when the run ends, whatever the outcome, even at once', async () => {
    const { orchestrator, store } = setup(
      (w) => {
        if (w.start?.type === 'start' && w.start.input.value === 'bad.example') {
          w.emit({ type: 'error', message: 'boom' });
        } else w.emit({ type: 'done' });
      },
      // Two at a time: the third waits in the queue.
      { global: 2, perTarget: 2, cancelGraceMs: 50 },
    );
    const job = (value: string): ScanJob => ({
      run: store.createRun(value),
      manifest,
      input: { type: 'domain', value, props: {} },
      options: {},
      timeoutMs: 5000,
    });
    const good = orchestrator.enqueue(job('good.example'));
    const bad = orchestrator.enqueue(job('bad.example'));
    // A run cancelled while queued ends before the caller could ask about it.
    const queued = job('queued.example');
    const cancelled = orchestrator.enqueue(queued);
    await orchestrator.cancel(queued.run.id);
    expect((await good).status).toBe('finished');
    expect(await bad).toMatchObject({ status: 'failed', error: 'boom' });
    expect((await cancelled).status).toBe('cancelled');
  });

  it("spaces a rate-limited scanner's runs on the internet, and not in the lab, whose services are our own", async () => {
    const startsWhile = async (lab: boolean) => {
      const store = new MemoryRunStore();
      const launcher = new FakeLauncher((w) => w.emit({ type: 'done' }));
      const config = lab ? { ...net, lab: { routes: [], unrouted: 'refuse' as const, traceroutes: [] } } : net;
      const orchestrator = new Orchestrator(
        launcher,
        store,
        () => config,
        { runChanged: () => {}, graphAdded: () => {} },
        {
          global: 4,
          perTarget: 2,
          cancelGraceMs: 50,
        },
      );
      const limited = { ...manifest, rateLimitPerSecond: 20 };
      const runs = ['a.example', 'b.example', 'c.example'].map((value) => {
        const run = store.createRun(value);
        orchestrator.enqueue({
          run,
          manifest: limited,
          input: { type: 'domain', value, props: {} },
          options: {},
          timeoutMs: 5000,
        });
        return run;
      });
      const startedAtOnce = launcher.workers.length;
      await orchestrator.idle();
      expect(runs.map((r) => finalStatus(store, r)?.status)).toEqual(['finished', 'finished', 'finished']);
      return startedAtOnce;
    };
    // 20 runs a second at most: the later two wait their turn, then run.
    expect(await startsWhile(false)).toBe(1);
    expect(await startsWhile(true)).toBe(3);
  });
});
