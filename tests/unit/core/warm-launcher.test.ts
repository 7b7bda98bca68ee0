import { describe, expect, it } from 'vitest';
import { WarmLauncher } from '../../../src/core/scan/warm-launcher';
import { FakeLauncher } from './fake-worker';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('WarmLauncher', () => {
  it('starts no worker until the first spawn, then keeps spares ready', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 2);
    expect(inner.workers).toHaveLength(0);
    warm.spawn();
    expect(inner.workers).toHaveLength(3);
    warm.spawn();
    // The second comes from the spares, which are topped up again.
    expect(inner.workers).toHaveLength(4);
    warm.dispose();
    expect(inner.workers.slice(2).every((w) => w.killed)).toBe(true);
    warm.spawn();
    expect(inner.workers).toHaveLength(5);
  });

  it('hands over what a spare said before it was taken: its ready frame, or its exit', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 1);
    warm.spawn();
    await tick();
    // The spare has announced itself by now; the taker still hears it.
    const taken = warm.spawn();
    const heard: unknown[] = [];
    taken.onMessage((m) => heard.push(m));
    expect(heard).toEqual([{ type: 'ready', version: 1 }]);

    await tick();
    const dying = inner.workers.at(-1);
    dying?.exit('worker exited (code 1)');
    // A dead spare is dropped: the next spawn hands out a live worker, not the dead one.
    const fresh = warm.spawn();
    fresh.kill();
    expect(dying?.killed).toBe(false);
    expect(inner.workers.filter((w) => w.killed)).toHaveLength(1);
    warm.dispose();
  });

  it('reports the exit of a spare that died after it was taken but before anyone listened', async () => {
    const inner = new FakeLauncher(() => {});
    const warm = new WarmLauncher(inner, 1);
    warm.spawn();
    const spareWorker = inner.workers[1];
    const taken = warm.spawn();
    spareWorker?.exit('worker exited (SIGKILL)');
    const exits: string[] = [];
    taken.onExit((r) => exits.push(r));
    await tick();
    expect(exits).toEqual(['worker exited (SIGKILL)']);
    warm.dispose();
  });
});
