import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreClient } from '../../../src/core/store/store-client';
import { ApiError } from '../../../src/shared/api';
import { ev, makeTempDirs } from './helpers';

const tempDir = makeTempDirs();

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('StoreClient (worker thread)', () => {
  it('round-trips a case through the worker', async () => {
    const path = join(tempDir(), 'client.sqlite');
    const client = await StoreClient.create(path, 'Through the worker');
    try {
      expect(await client.info()).toMatchObject({ path, name: 'Through the worker' });
      const seed = await client.addSeed({ type: 'domain', value: 'Nova-Parcels.com' });
      expect(seed.value).toBe('nova-parcels.com');
      const run = await client.createRun('dns', { type: 'domain', value: seed.value }, seed.id);
      const added = await client.ingest(run.id, seed.id, [
        ev.evidence('a', 'A 185.220.101.47'),
        ev.resolves('nova-parcels.com', '185.220.101.47', ['a']),
      ]);
      expect(added.relations).toHaveLength(1);
      expect(await client.updateRun(run.id, { status: 'finished', progress: 1 })).toMatchObject({ status: 'finished' });
      const graph = await client.graph();
      expect(graph.entities.map((e) => e.value).sort()).toEqual(['185.220.101.47', 'nova-parcels.com']);
      const detail = await client.entityDetail(seed.id);
      expect(detail.relations).toHaveLength(1);
      expect((await client.listRuns()).map((r) => r.status)).toEqual(['finished']);
      expect(await client.findEntity({ type: 'ip', value: '185.220.101.47' })).not.toBeNull();
      expect(await client.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      await client.close();
    }
    const again = await StoreClient.open(path);
    expect((await again.graph()).relations).toHaveLength(1);
    await again.close();
  });

  it('reports errors as ApiError with the store code', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.sqlite');
    writeFileSync(text, 'not a case');
    const notACase = await rejection(StoreClient.open(text));
    expect(notACase.code).toBe('not_a_case');
    expect(notACase.message).toContain(text);
    expect((await rejection(StoreClient.create(text, 'x'))).code).toBe('case_io');

    const client = await StoreClient.create(join(dir, 'errors.sqlite'), 'errors');
    try {
      expect((await rejection(client.entityDetail(12345))).code).toBe('not_found');
      expect((await rejection(client.addSeed({ type: 'ip', value: '300.1.1.1' }))).code).toBe('invalid_target');
      const unknown = await rejection(client.callRaw('dropTables', []));
      expect(unknown.code).toBe('invalid_request');
      expect(unknown.message).toContain('dropTables');
      const badArgs = await rejection(client.callRaw('entityDetail', ['one']));
      expect(badArgs).toMatchObject({ code: 'invalid_request', field: 'args.0' });
      expect((await rejection(client.callRaw('graph', { not: 'a tuple' }))).code).toBe('invalid_request');
      // The worker is still serving after the errors.
      expect((await client.graph()).entities).toEqual([]);
    } finally {
      await client.close();
    }
    expect((await rejection(client.graph())).code).toBe('no_case');
  });

  it('loads better-sqlite3 from the nativeBinding it is given', async () => {
    const dir = tempDir();
    const nodeBuild = join(
      dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
      'build/Release/better_sqlite3.node',
    );
    const client = await StoreClient.create(join(dir, 'native.sqlite'), 'native', { nativeBinding: nodeBuild });
    expect((await client.info()).name).toBe('native');
    await client.close();
    const missing = join(dir, 'no-such-binding.node');
    const err = await rejection(StoreClient.create(join(dir, 'other.sqlite'), 'x', { nativeBinding: missing }));
    expect(err.message).toContain('no-such-binding');
    expect(existsSync(join(dir, 'other.sqlite'))).toBe(false);
  });

  it('skips malformed events sent through the worker instead of failing the batch', async () => {
    const client = await StoreClient.create(join(tempDir(), 'events.sqlite'), 'events');
    try {
      const run = await client.createRun('dns', { type: 'domain', value: 'a.com' }, null);
      const result = await client.callRaw('ingest', [run.id, null, [{ kind: 'entity' }, 42, ev.domain('a.com')]]);
      expect(result).toMatchObject({ entities: [{ value: 'a.com' }] });
    } finally {
      await client.close();
    }
  });
});
