// Full Scan, the scope and the Overall Assessment through the core service, with real workers,
// against the nova-parcels lab on loopback.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreService } from '../../../src/core/service/core-service';
import { createNodeCore } from '../../../src/core/service/node-core';
import { builtinScenario } from '../../../src/lab/builtin';
import { type Lab, startLab } from '../../../src/lab/lab';
import { loadScenario } from '../../../src/lab/scenario/load';
import { manifests } from '../../../src/scanners/registry';
import type { EventData } from '../../../src/shared/api';

let lab: Lab;
let service: CoreService;
let dir: string;

beforeAll(async () => {
  lab = await startLab(loadScenario(builtinScenario('nova-parcels')));
  dir = mkdtempSync(join(tmpdir(), 'tg-full-'));
  service = createNodeCore(join(dir, 'data'), lab.net, { name: 'nova-parcels', description: 'lab' });
}, 30_000);
afterAll(async () => {
  await service.shutdown();
  await lab.stop();
});

const accepting = (type: string) => manifests.filter((m) => m.accepts.includes(type as 'domain'));

async function entityId(type: string, value: string): Promise<number> {
  const graph = await service.call('graph.get', {});
  const entity = graph.entities.find((e) => e.type === type && e.value === value);
  if (!entity) throw new Error(`no ${type} ${value} in the case`);
  return entity.id;
}

describe('Full Scan', () => {
  it('runs every module that accepts a domain in two phases, then the assessment reads the results', async () => {
    await service.call('case.create', { name: 'Full', path: join(dir, 'full.sqlite') });
    const finished: EventData<'fullScan.finished'>[] = [];
    const stop = service.onEvent((event, data) => {
      if (event === 'fullScan.finished') finished.push(data as EventData<'fullScan.finished'>);
    });
    const started = await service.call('scan.full', { target: { text: 'nova-parcels.com' } });
    // Phase 2: what accepts the target, and what runs only on what phase 1 linked to it.
    const phase2 = manifests.filter(
      (s) =>
        s.fullScan && (s.accepts.includes('domain') || s.fullScan.fanOut?.length || s.fullScan.fanOutPaths?.length),
    );
    const phase1 = accepting('domain').filter((s) => !s.fullScan);
    expect(started.runs.map((r) => r.scannerId).sort()).toEqual(phase1.map((s) => s.id).sort());
    expect(started.phase2.sort()).toEqual(phase2.map((s) => s.id).sort());
    expect(started.skipped).toEqual([]);
    await service.idle();
    stop();

    const runs = await service.call('runs.list', {});
    expect(finished).toHaveLength(1);
    expect(finished[0]?.runIds.sort()).toEqual(runs.map((r) => r.id).sort());
    // Phase 2 starts only once every phase 1 run has ended.
    const lastPhase1End = Math.max(
      ...runs.filter((r) => started.runs.some((s) => s.id === r.id)).map((r) => Date.parse(r.endedAt ?? '')),
    );
    const second = runs.filter((r) => !started.runs.some((s) => s.id === r.id));
    expect(second.length).toBeGreaterThanOrEqual(phase2.filter((s) => s.accepts.includes('domain')).length);
    for (const run of second) expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(lastPhase1End);
    // Takeover fans out to the subdomains CT found.
    if (phase2.some((s) => s.id === 'takeover')) {
      const takeoverTargets = second.filter((r) => r.scannerId === 'takeover').map((r) => r.target.value);
      expect(takeoverTargets).toContain('nova-parcels.com');
      expect(takeoverTargets.length).toBeGreaterThan(1);
    }

    const assessment = await service.call('assessment.get', {
      entityId: started.targetEntityId,
    });
    expect(assessment.entity.value).toBe('nova-parcels.com');
    expect(assessment.scannersRun).toEqual(expect.arrayContaining(['dns', 'whois', 'ct']));
    const pivot = (role: string, value: string) => assessment.pivots.find((p) => p.role === role && p.value === value);
    expect(pivot('address', '185.220.101.47')).toMatchObject({ type: 'ip' });
    // The worked example's cluster: the SANs share the certificate and the address.
    expect(pivot('SAN domain', 'nova-tracking.net')).toBeDefined();
    expect(assessment.pivots.some((p) => p.role === 'registrar')).toBe(true);
    // No SPF and no DMARC: red, whatever the wording.
    expect(assessment.signals.some((s) => s.level === 'red')).toBe(true);
    for (const signal of assessment.signals) expect(signal.text.length).toBeGreaterThan(0);
  }, 120_000);

  it('keeps active modules to the scope, and the passive-only lock to none', async () => {
    await service.call('case.create', { name: 'Scope', path: join(dir, 'scope.sqlite') });
    await service.call('scan.start', { scannerId: 'ct', target: { text: 'nova-parcels.com' } });
    await service.idle();
    // A SAN domain is two hops from the seed: domain -> certificate -> domain.
    const san = await entityId('domain', 'nova-tracking.net');
    const before = await service.call('scope.check', { entityId: san });
    expect(before).toMatchObject({ activeAllowed: false, distance: null });
    expect(before.reason).toContain('nova-tracking.net');
    const refused = service.call('scan.start', { scannerId: 'takeover', target: { entityId: san } });
    await expect(refused).rejects.toMatchObject({ code: 'out_of_scope' });
    const full = await service.call('scan.full', { target: { entityId: san } });
    const active = accepting('domain').filter((s) => s.mode === 'active');
    expect(full.skipped.map((s) => s.scannerId).sort()).toEqual(active.map((s) => s.id).sort());
    expect(full.runs.every((r) => manifests.find((m) => m.id === r.scannerId)?.mode === 'passive')).toBe(true);
    await service.idle();

    await service.call('scope.add', { entityId: san });
    expect(await service.call('scope.check', { entityId: san })).toEqual({
      distance: 0,
      activeAllowed: true,
      reason: null,
    });

    await service.call('case.updateSettings', { passiveOnly: true });
    const locked = await service.call('scope.check', { entityId: san });
    expect(locked.activeAllowed).toBe(false);
    expect(locked.reason).toContain('passive');
    await expect(
      service.call('scan.start', { scannerId: 'takeover', target: { text: 'nova-parcels.com' } }),
    ).rejects.toMatchObject({ code: 'out_of_scope' });
    const lockedFull = await service.call('scan.full', { target: { text: 'nova-parcels.com' } });
    expect(lockedFull.skipped.length).toBe(active.length);
    await service.idle();
  }, 120_000);
});
