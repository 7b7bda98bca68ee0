// Full Scan's phase 2 with stand-in dependencies: a module that does not accept the target runs
// only on what its fan-out reaches, along directed paths, each entity once, within the cap.
import { describe, expect, it } from 'vitest';
import { startFullScan } from '../../../src/core/service/full-scan';
import type { Entity, EntityType, Run } from '../../../src/shared/model';
import type { FanOutStep, ScannerManifest } from '../../../src/shared/scanner';

const entity = (id: number, type: EntityType, value: string): Entity =>
  ({ id, type, value, props: {}, firstSeen: '', lastSeen: '' }) as unknown as Entity;

const manifest = (id: string, accepts: EntityType[], fullScan?: ScannerManifest['fullScan']): ScannerManifest => ({
  id,
  title: id,
  description: id,
  category: 'dns',
  accepts,
  produces: [],
  mode: 'passive',
  timeoutMs: 1000,
  rateLimitPerSecond: null,
  options: [],
  ...(fullScan ? { fullScan } : {}),
});

describe('Full Scan fan-out', () => {
  it('runs a phase-2 module on the ends of its directed paths, not on the target it does not accept', async () => {
    const target = entity(1, 'domain', 'a.example');
    const webTech = entity(10, 'technology', 'nginx@1.18.0');
    const bannerTech = entity(11, 'technology', 'openssh@8.2p1');
    const paths: FanOutStep[][] = [
      [{ kind: 'uses_technology' }],
      [{ kind: 'resolves_to' }, { kind: 'exposes_service' }, { kind: 'uses_technology' }],
    ];
    const asked: string[] = [];
    const enqueued: string[] = [];
    let nextRun = 1;
    const scan = await startFullScan(
      {
        scanners: [manifest('dns', ['domain']), manifest('cve', ['technology'], { phase: 2, fanOutPaths: paths })],
        scope: async () => ({ activeAllowed: true, distance: 0, reason: null }) as never,
        enqueue: async (m, e) => {
          enqueued.push(`${m.id}:${e.value}`);
          const run = { id: nextRun++, scannerId: m.id } as unknown as Run;
          return { run, ended: Promise.resolve(run) };
        },
        getEntity: async () => target,
        linked: async () => [],
        reach: async (_id, path) => {
          asked.push(path.map((s) => s.kind).join('>'));
          // The same technology reached both ways is scanned once.
          return path.length === 1 ? [webTech, bannerTech] : [bannerTech, entity(12, 'ip', '192.0.2.1')];
        },
        stillOpen: () => true,
      },
      target,
    );
    expect(scan.started.phase2).toEqual(['cve']);
    await scan.done;
    expect(asked).toEqual(['uses_technology', 'resolves_to>exposes_service>uses_technology']);
    expect(enqueued).toEqual(['dns:a.example', 'cve:nginx@1.18.0', 'cve:openssh@8.2p1']);
  });

  it('leaves a phase-2 module that neither accepts the target nor fans out out of the scan', async () => {
    const target = entity(1, 'domain', 'a.example');
    const scan = await startFullScan(
      {
        scanners: [manifest('lonely', ['technology'], { phase: 2 })],
        scope: async () => ({ activeAllowed: true, distance: 0, reason: null }) as never,
        enqueue: async () => {
          throw new Error('nothing should run');
        },
        getEntity: async () => target,
        linked: async () => [],
        reach: async () => [],
        stillOpen: () => true,
      },
      target,
    );
    expect(scan.started.phase2).toEqual([]);
    expect(await scan.done).toEqual([]);
  });
});
