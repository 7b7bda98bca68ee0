// The event → store path and the actions, against a fake client.
import { describe, expect, it } from 'vitest';
import { bindEvents } from '../../../src/renderer/api/events';
import { createCase, scanEntity, startScans } from '../../../src/renderer/store/actions';
import { createAppStore } from '../../../src/renderer/store/store';
import { ApiError } from '../../../src/shared/api';
import type { Graph } from '../../../src/shared/model';
import { caseInfo, entity, FakeClient, flush, manifest, relation, run } from './fixtures';

function backend(graphs: Record<string, Graph>) {
  let current: string | null = '/a.sqlite';
  const client = new FakeClient()
    .handle('case.current', () => (current ? caseInfo(current) : null))
    .handle('scanners.list', () => [manifest('dns', ['domain', 'ip'])])
    .handle('app.info', () => ({ version: 'test', lab: { name: 'lab-x', description: 'simulated' } }))
    .handle('graph.get', () => (current ? (graphs[current] as Graph) : { entities: [], relations: [] }))
    .handle('runs.list', () => [run(1, 'finished', 1)])
    .handle('case.create', (p) => {
      current = `/${p.name}.sqlite`;
      return caseInfo(current, p.name);
    });
  return client;
}

describe('bindEvents', () => {
  it('loads case, scanners, graph and runs when the connection opens', async () => {
    const client = backend({ '/a.sqlite': { entities: [entity(1, 'domain', 'a.com')], relations: [] } });
    const store = createAppStore();
    bindEvents(client, store);
    client.setConnection('open');
    await flush();
    const s = store.getState();
    expect(s.connection).toBe('open');
    expect(s.caseSlice.current?.path).toBe('/a.sqlite');
    expect(s.scanners.map((m) => m.id)).toEqual(['dns']);
    expect(s.app?.lab?.name).toBe('lab-x');
    expect([...s.graph.entities.keys()]).toEqual([1]);
    expect([...s.runs.keys()]).toEqual([1]);
  });

  it('feeds graph and run events into the store, and unbinds', async () => {
    const client = backend({ '/a.sqlite': { entities: [], relations: [] } });
    const store = createAppStore();
    const unbind = bindEvents(client, store);
    client.setConnection('open');
    await flush();
    client.emit('graph.added', {
      entities: [entity(1, 'domain', 'a.com'), entity(2, 'ip', '185.220.101.47')],
      relations: [relation(3, 1, 2)],
    });
    client.emit('run.progress', run(2, 'running', 0.4));
    expect(store.getState().graph.relations.get(3)?.from).toBe(1);
    expect(store.getState().runs.get(2)?.progress).toBe(0.4);
    unbind();
    expect(client.listenerCount()).toBe(0);
  });

  it('reloads the graph when case.changed names another case, and merges with racing events', async () => {
    const client = backend({
      '/a.sqlite': { entities: [entity(1, 'domain', 'a.com')], relations: [] },
      '/b.sqlite': { entities: [entity(5, 'domain', 'b.com')], relations: [] },
    });
    const store = createAppStore();
    bindEvents(client, store);
    client.setConnection('open');
    await flush();
    client.handle('graph.get', () => ({ entities: [entity(5, 'domain', 'b.com')], relations: [] }));
    client.emit('case.changed', caseInfo('/b.sqlite'));
    // An event for the new case arrives before graph.get answers: both end up in the store.
    client.emit('graph.added', { entities: [entity(6, 'ip', '185.220.101.47')], relations: [] });
    await flush();
    expect([...store.getState().graph.entities.keys()].sort()).toEqual([5, 6]);
  });

  it('drops a graph answer that arrives after its case was closed', async () => {
    let answer: (g: Graph) => void = () => {};
    const client = backend({})
      .handle('graph.get', () => new Promise<Graph>((resolve) => (answer = resolve)))
      .handle('runs.list', () => []);
    const store = createAppStore();
    bindEvents(client, store);
    client.setConnection('open');
    await flush();
    client.emit('case.changed', null);
    answer({ entities: [entity(1, 'domain', 'stale.com')], relations: [] });
    await flush();
    expect(store.getState().graph.entities.size).toBe(0);
    expect(store.getState().caseSlice.current).toBeNull();
  });

  it('resyncs after a reconnect', async () => {
    const client = backend({ '/a.sqlite': { entities: [entity(1, 'domain', 'a.com')], relations: [] } });
    const store = createAppStore();
    bindEvents(client, store);
    client.setConnection('open');
    await flush();
    client.setConnection('closed');
    expect(store.getState().connection).toBe('closed');
    client.handle('graph.get', () => ({
      entities: [entity(1, 'domain', 'a.com'), entity(2, 'ip', '185.220.101.47')],
      relations: [],
    }));
    client.setConnection('open');
    await flush();
    expect(store.getState().graph.entities.size).toBe(2);
  });
});

describe('actions', () => {
  it('creates a case and adopts it', async () => {
    const client = backend({ '/Parcels.sqlite': { entities: [entity(9, 'domain', 'x.com')], relations: [] } });
    const store = createAppStore();
    await createCase(client, store, 'Parcels');
    expect(store.getState().caseSlice.current?.name).toBe('Parcels');
    expect(store.getState().graph.entities.has(9)).toBe(true);
  });

  it('starts one run per chosen scanner and stops at the first refusal', async () => {
    const store = createAppStore();
    let n = 0;
    const client = new FakeClient().handle('scan.start', (p) => {
      if (p.scannerId === 'bad') throw new ApiError('scanner_unavailable', 'no scanner "bad"', 'params.scannerId');
      n++;
      return [run(n, 'queued', 0, { scannerId: p.scannerId })];
    });
    const runs = await startScans(client, store, 'a.com', ['dns', 'whois']);
    expect(runs.map((r) => r.scannerId)).toEqual(['dns', 'whois']);
    expect(client.calls.map((c) => c.params)).toEqual([
      { scannerId: 'dns', target: { text: 'a.com' } },
      { scannerId: 'whois', target: { text: 'a.com' } },
    ]);
    await expect(startScans(client, store, 'a.com', ['bad', 'dns'])).rejects.toMatchObject({
      code: 'scanner_unavailable',
    });
    expect(n).toBe(2);
    await scanEntity(client, store, 'dns', 42);
    expect(client.calls.at(-1)?.params).toEqual({ scannerId: 'dns', target: { entityId: 42 } });
    expect(store.getState().runs.size).toBe(3);
  });
});
