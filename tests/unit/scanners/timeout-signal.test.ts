// The scanners' deadline signal: it aborts after its time or with its parent, and, unlike
// AbortSignal.any() over AbortSignal.timeout() under Node 20, still fires after a garbage
// collection (checked in a child process run with --expose-gc).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeoutSignal } from '../../../src/scanners/kit/timeout-signal';

const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('timeoutSignal', () => {
  it('aborts with a TimeoutError after its time, or with the parent, or at once under an aborted parent', async () => {
    const reason = (await aborted(timeoutSignal(new AbortController().signal, 20))) as DOMException;
    expect(reason.name).toBe('TimeoutError');

    const parent = new AbortController();
    const child = timeoutSignal(parent.signal, 60_000);
    parent.abort(new Error('cancelled'));
    expect(child.aborted).toBe(true);
    expect((child.reason as Error).message).toBe('cancelled');

    expect(timeoutSignal(AbortSignal.abort(new Error('gone')), 60_000).aborted).toBe(true);
  });

  it('still fires after a garbage collection, where AbortSignal.any over AbortSignal.timeout may not', () => {
    const module = join(import.meta.dirname, '../../../src/scanners/kit/timeout-signal.ts');
    const script = `
      const { timeoutSignal } = await import(${JSON.stringify(module)});
      const outer = AbortSignal.any([timeoutSignal(new AbortController().signal, 200), new AbortController().signal]);
      let fired = false;
      outer.addEventListener('abort', () => { fired = true; });
      const keep = setInterval(() => {}, 50);
      setTimeout(() => globalThis.gc(), 20);
      setTimeout(() => { clearInterval(keep); console.log(fired ? 'fired' : 'lost'); }, 800);
    `;
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(out.trim()).toBe('fired');
  });
});
