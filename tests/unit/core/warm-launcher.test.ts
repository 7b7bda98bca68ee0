import { describe, expect, it } from 'vitest';
import type { WorkerHandle } from '../../../src/core/scan/launcher';
import { MAX_IDLE, MAX_RUNS_PER_WORKER, WarmLauncher } from '../../../src/core/scan/warm-launcher';
import { FakeLauncher, type FakeWorker } from './fake-worker';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Which fake worker a handle drives: the one that receives what the handle sends. */
function workerOf(inner: FakeLauncher, handle: WorkerHandle): FakeWorker | undefined {
  const before = inner.workers.map((w) => w.received.length);
  handle.send({ type: 'cancel' });
  return inner.workers.find((w, i) => w.received.length !== before[i]);
}

describe('WarmLauncher', () => {
  it('starts no worker until the first spawn, then keeps spares ready, and kills them on dispose', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 2);
    expect(inner.workers).toHaveLength(0);
    warm.prepare();
    expect(inner.workers).toHaveLength(2);
    warm.spawn();
    expect(inner.workers).toHaveLength(3);
    warm.spawn();
    // The second comes from the spares, which are topped up again.
    expect(inner.workers).toHaveLength(4);
    warm.dispose();
    expect(inner.workers.slice(2).every((w) => w.killed)).toBe(true);
  });

  it('hands over what a spare said before it was taken: its ready frame, or its exit', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 1);
    warm.spawn();
    await tick();
    const taken = warm.spawn();
    const heard: unknown[] = [];
    taken.onMessage((m) => heard.push(m));
    expect(heard).toEqual([{ type: 'ready', version: 1 }]);

    const spare = inner.workers.at(-1);
    const exits: string[] = [];
    const next = warm.spawn();
    spare?.exit('worker exited (SIGKILL)');
    next.onExit((r) => exits.push(r));
    await tick();
    expect(exits).toEqual(['worker exited (SIGKILL)']);
    warm.dispose();
  });

  it('gives a worker released after a clean run to the next run, with what it said in between', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 0);
    const first = warm.spawn();
    const worker = workerOf(inner, first);
    first.release?.();
    // Between runs the worker says it is ready again; the next taker hears it.
    worker?.emit({ type: 'ready', version: 1 });
    const second = warm.spawn();
    expect(workerOf(inner, second)).toBe(worker);
    const heard: unknown[] = [];
    second.onMessage((m) => heard.push(m));
    expect(heard).toEqual([{ type: 'ready', version: 1 }]);
    // A killed worker is never handed out again.
    second.kill();
    const third = warm.spawn();
    expect(workerOf(inner, third)).not.toBe(worker);
    warm.dispose();
  });

  it('prefers an idle worker that last ran the same scanner', () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 0);
    const shot = warm.spawn('screenshot');
    const dns = warm.spawn('dns');
    const shotWorker = workerOf(inner, shot);
    const dnsWorker = workerOf(inner, dns);
    shot.release?.();
    dns.release?.();
    expect(workerOf(inner, warm.spawn('screenshot'))).toBe(shotWorker);
    expect(workerOf(inner, warm.spawn('whois'))).toBe(dnsWorker);
    warm.dispose();
  });

  it('keeps at most MAX_IDLE idle workers, drops dead ones, and retires a worker after MAX_RUNS_PER_WORKER runs', () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 0);
    const handles = Array.from({ length: MAX_IDLE + 2 }, () => warm.spawn());
    for (const h of handles) h.release?.();
    expect(inner.workers.filter((w) => w.killed)).toHaveLength(2);

    const dying = warm.spawn();
    const dead = workerOf(inner, dying);
    dying.release?.();
    dead?.exit('worker exited (code 1)');
    expect(workerOf(inner, warm.spawn())).not.toBe(dead);
    warm.dispose();

    const single = new FakeLauncher(() => {});
    const reuse = new WarmLauncher(single, 0);
    for (let i = 0; i < MAX_RUNS_PER_WORKER; i++) reuse.spawn().release?.();
    expect(single.workers).toHaveLength(1);
    expect(single.workers[0]?.killed).toBe(true);
    reuse.spawn();
    expect(single.workers).toHaveLength(2);
    reuse.dispose();
  });
});
