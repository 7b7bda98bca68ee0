import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CaseStore, INTERRUPTED_ERROR } from '../../../src/core/store/case-store';
import { makeTempDirs } from './helpers';

const tempDir = makeTempDirs();
const root = fileURLToPath(new URL('../../../', import.meta.url));
const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));

/** Runs the writer until it has reported `commits` commits, then SIGKILLs it mid-way. */
function writeThenKill(path: string, commits: number, extraDelayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: number[] = [];
    let stderr = '';
    let buffer = '';
    let killing = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^committed (\d+) \d+$/.exec(line);
        if (match) committed.push(Number(match[1]));
      }
      if (!killing && committed.length >= commits) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`writer exited on its own (${signal ?? _code}): ${stderr}`));
    });
  });
}

describe('durability', () => {
  it('keeps every committed transaction when the writer is SIGKILLed mid-way', async () => {
    const path = join(tempDir(), 'durable.sqlite');
    CaseStore.create(path, 'durability').close();
    let interrupted = 0;
    // Kill at a few different points: right after a commit, and somewhere inside the next batch.
    for (const [commits, delay] of [
      [2, 0],
      [3, 7],
      [2, 23],
    ] as const) {
      const committed = await writeThenKill(path, commits, delay);
      expect(committed.length).toBeGreaterThanOrEqual(commits);

      const store = CaseStore.open(path);
      expect(store.verifyAudit().ok).toBe(true);
      const runs = new Map(store.listRuns().map((r) => [r.id, r]));
      const ingested = new Set(
        store
          .auditEntries()
          .filter((e) => e.action === 'scan.ingest')
          .map((e) => (e.data as { runId: number }).runId),
      );
      for (const runId of committed) {
        expect(runs.has(runId)).toBe(true);
        expect(ingested.has(runId)).toBe(true);
        const batch = Number(runs.get(runId)?.target.value.match(/^run(\d+)\./)?.[1]);
        for (const i of [0, 749, 1499]) {
          const entity = store.findEntity({ type: 'domain', value: `h${i}.batch${batch}.example` });
          expect(entity?.props).toEqual({ batch, i });
          expect(store.entityDetail(entity?.id ?? 0).evidence).toHaveLength(1);
        }
      }
      // Nothing is left claiming to run, and no run is half-ingested.
      for (const run of runs.values()) {
        expect(['finished', 'failed']).toContain(run.status);
        if (run.status === 'failed') {
          expect(run.error).toBe(INTERRUPTED_ERROR);
          interrupted += 1;
        }
      }
      const graph = store.graph();
      const perBatch = 1500;
      expect(graph.entities.filter((e) => e.type === 'domain').length % perBatch).toBe(0);
      expect(graph.relations.length % perBatch).toBe(0);
      store.close();
    }
    // Evidence that the kills landed inside runs, not between them.
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});
