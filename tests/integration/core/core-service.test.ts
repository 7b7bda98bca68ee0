// The core service end to end under Node: real worker processes, the real store in its worker
// thread, the DNS scanner against a DNS server on loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CoreService } from '../../../src/core/service/core-service';
import { createNodeCore } from '../../../src/core/service/node-core';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';
import type { Entity, Run } from '../../../src/shared/model';

const zones = [
  {
    origin: 'pivot.test',
    records: [
      { name: 'pivot.test', type: 'SOA' as const, data: 'ns1.pivot.test. hostmaster.pivot.test. 1 3600 600 86400 300' },
      { name: 'pivot.test', type: 'NS' as const, data: 'ns1.pivot.test' },
      { name: 'pivot.test', type: 'A' as const, data: '185.220.101.47' },
      { name: 'pivot.test', type: 'MX' as const, data: '10 mail.pivot.test' },
      { name: 'pivot.test', type: 'TXT' as const, data: 'v=spf1 -all' },
      { name: 'ns1.pivot.test', type: 'A' as const, data: '185.220.101.53' },
      { name: 'mail.pivot.test', type: 'A' as const, data: '185.220.101.25' },
    ],
  },
  {
    origin: '101.220.185.in-addr.arpa',
    records: [{ name: '47.101.220.185.in-addr.arpa', type: 'PTR' as const, data: 'host47.pivot.test' }],
  },
];

let dns: DnsServer;
let dir: string;
const services: CoreService[] = [];

beforeAll(async () => {
  dns = await startDnsServer({ zones });
  dir = mkdtempSync(join(tmpdir(), 'tg-core-'));
});
afterAll(() => dns.stop());
afterEach(async () => {
  for (const s of services.splice(0)) await s.shutdown();
});

function core(resolver = `127.0.0.1:${dns.address.port}`, timeoutMs = 1000): CoreService {
  const service = createNodeCore(join(dir, 'data'), { resolvers: [resolver], timeoutMs });
  services.push(service);
  return service;
}

const find = (entities: Entity[], type: string, value: string) =>
  entities.find((e) => e.type === type && e.value === value);

async function finished(service: CoreService, runs: Run[]): Promise<Run[]> {
  await service.idle();
  const all = await service.call('runs.list', {});
  return runs.map((r) => all.find((x) => x.id === r.id) as Run);
}

describe('CoreService', () => {
  it('scans a domain, pivots on an IP, and reopens the case with the same graph', async () => {
    const service = core();
    const added: number[] = [];
    service.onEvent((event, data) => {
      if (event === 'graph.added' && data && 'entities' in data) added.push(data.entities.length);
    });
    const path = join(dir, 'pivot.sqlite');
    await service.call('case.create', { name: 'Pivot', path });
    const [run] = await finished(
      service,
      await service.call('scan.start', { scannerId: 'dns', target: { text: 'Pivot.TEST' } }),
    );
    expect(run).toMatchObject({ status: 'finished', error: null });
    expect(added.length).toBeGreaterThan(0);
    let graph = await service.call('graph.get', {});
    const ip = find(graph.entities, 'ip', '185.220.101.47');
    expect(ip).toBeDefined();
    expect(find(graph.entities, 'domain', 'ns1.pivot.test')).toBeDefined();
    expect(find(graph.entities, 'domain', 'mail.pivot.test')).toBeDefined();

    const [follow] = await finished(
      service,
      await service.call('scan.start', { scannerId: 'dns', target: { entityId: ip?.id ?? 0 } }),
    );
    expect(follow?.status).toBe('finished');
    graph = await service.call('graph.get', {});
    const ptr = find(graph.entities, 'domain', 'host47.pivot.test');
    expect(ptr).toBeDefined();
    expect(graph.relations.some((r) => r.kind === 'ptr_to' && r.from === ip?.id && r.to === ptr?.id)).toBe(true);

    const detail = await service.call('entity.get', { entityId: ip?.id ?? 0 });
    expect(detail.observations.length).toBeGreaterThanOrEqual(2);
    expect(detail.evidence.length).toBeGreaterThan(0);

    await service.call('case.close', {});
    const reopened = core();
    await reopened.call('case.open', { path });
    const again = await reopened.call('graph.get', {});
    expect(again).toEqual(graph);
    expect((await reopened.call('case.listRecent', {}))[0]?.path).toBe(path);
  });

  it('fails a run against an unreachable resolver with the reason, within its timeout', async () => {
    const service = core('127.0.0.1:9', 300);
    await service.call('case.create', { name: 'Unreachable' });
    const started = Date.now();
    const [run] = await finished(
      service,
      await service.call('scan.start', { scannerId: 'dns', target: { text: 'pivot.test' } }),
    );
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/127\.0\.0\.1:9/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses internal targets until the case allows them', async () => {
    const service = core();
    await service.call('case.create', { name: 'Internal' });
    await expect(service.call('scan.start', { scannerId: 'dns', target: { text: '127.0.0.1' } })).rejects.toMatchObject(
      {
        code: 'target_refused',
      },
    );
    await expect(service.call('scan.start', { scannerId: 'dns', target: { text: 'a..b' } })).rejects.toMatchObject({
      code: 'invalid_target',
    });
    await service.call('case.updateSettings', { allowPrivateTargets: true });
    const runs = await service.call('scan.start', { scannerId: 'dns', target: { text: '127.0.0.1' } });
    expect(runs[0]?.status).toBe('queued');
    await service.idle();
  });

  it('ends a run whose worker process is killed as failed, and keeps serving', async () => {
    const service = core('127.0.0.1:9', 3000);
    await service.call('case.create', { name: 'Crash' });
    const [run] = await service.call('scan.start', { scannerId: 'dns', target: { text: 'pivot.test' } });
    // The worker is a child of this process running scan-worker; kill it mid-run.
    let pid = '';
    for (let i = 0; i < 50 && pid === ''; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pid =
        execFileSync('pgrep', ['-P', String(process.pid), '-f', 'scan-worker'], { encoding: 'utf8' })
          .trim()
          .split('\n')[0] ?? '';
    }
    process.kill(Number(pid), 'SIGKILL');
    const [ended] = await finished(service, [run as Run]);
    expect(ended?.status).toBe('failed');
    expect(ended?.error).toMatch(/worker exited \(SIGKILL\)/);
    const next = core();
    await next.call('case.create', { name: 'After crash' });
    const [ok] = await finished(
      next,
      await next.call('scan.start', { scannerId: 'dns', target: { text: 'pivot.test' } }),
    );
    expect(ok?.status).toBe('finished');
  });

  it('opening the case that is already open keeps its running scans', async () => {
    const service = core('127.0.0.1:9', 2000);
    const path = join(dir, 'twice.sqlite');
    await service.call('case.create', { name: 'Twice', path });
    const [run] = await service.call('scan.start', { scannerId: 'dns', target: { text: 'pivot.test' } });
    await service.call('case.open', { path });
    const [ended] = await finished(service, [run as Run]);
    expect(ended?.status).toBe('failed');
    expect(ended?.error).toMatch(/127\.0\.0\.1:9/);
  });

  it('saves a consistent copy of the open case and carries on in the copy', async () => {
    const service = core();
    const path = join(dir, 'original.sqlite');
    const copy = join(dir, 'copy.sqlite');
    await service.call('case.create', { name: 'Original', path });
    await finished(service, await service.call('scan.start', { scannerId: 'dns', target: { text: 'pivot.test' } }));
    const graph = await service.call('graph.get', {});
    await expect(service.call('case.saveAs', { path })).rejects.toMatchObject({ code: 'invalid_request' });
    const info = await service.call('case.saveAs', { path: copy });
    expect(info.path).toBe(copy);
    expect(await service.call('graph.get', {})).toEqual(graph);
    await expect(service.call('case.saveAs', { path: copy })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(service.call('case.saveAs', { path })).rejects.toMatchObject({ code: 'case_io' });
  });

  it('gives a clear error for a file that is not a case', async () => {
    const path = join(dir, 'notes.sqlite');
    writeFileSync(path, 'just some text, not SQLite');
    await expect(core().call('case.open', { path })).rejects.toMatchObject({ code: 'not_a_case' });
  });
});
