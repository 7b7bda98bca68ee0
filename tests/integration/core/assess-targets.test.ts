// The Overall Assessment of targets that are not plain domains, and of a domain without mail,
// through the core service with real workers against a lab on loopback: an email address is
// assessed through its domain, an address is graded without the domain-only categories and pivots
// on its reverse DNS name and served certificate, and a null MX domain gets full email marks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreService } from '../../../src/core/service/core-service';
import { createNodeCore } from '../../../src/core/service/node-core';
import { type Lab, startLab } from '../../../src/lab/lab';
import { parseScenario } from '../../../src/lab/scenario/load';
import type { Assessment } from '../../../src/shared/assessment';

const ADDRESS = '81.2.69.142';

const soa = (origin: string) => ({
  name: '@',
  type: 'SOA',
  data: `ns1.${origin} hostmaster.${origin} 1 7200 3600 1209600 60`,
});
const scenario = {
  name: 'assessment targets',
  zones: [
    {
      origin: 'spoofed.test',
      records: [
        soa('spoofed.test'),
        { name: '@', type: 'MX', data: '10 mx.spoofed.test' },
        { name: '@', type: 'TXT', data: 'v=spf1 +all' },
      ],
    },
    {
      origin: 'no-mail.test',
      records: [
        soa('no-mail.test'),
        { name: '@', type: 'MX', data: '0 .' },
        { name: '@', type: 'TXT', data: 'v=spf1 -all' },
        { name: '_dmarc', type: 'TXT', data: 'v=DMARC1; p=reject' },
      ],
    },
    {
      origin: 'site.test',
      records: [soa('site.test'), { name: 'mail', type: 'A', data: ADDRESS }],
    },
    {
      origin: '69.2.81.in-addr.arpa',
      records: [soa('site.test'), { name: '142', type: 'PTR', data: 'mail.site.test' }],
    },
  ],
  sites: [
    {
      hostname: 'mail.site.test',
      address: ADDRESS,
      https: {
        routes: [{ path: '/', status: 200, body: 'mail' }],
        certificate: {
          subject: { CN: 'mail.site.test' },
          sans: ['mail.site.test', 'webmail.site.test'],
          notBefore: '2026-01-01T00:00:00Z',
          notAfter: '2036-01-01T00:00:00Z',
        },
      },
    },
  ],
};

let lab: Lab;
let service: CoreService;
let dir: string;

beforeAll(async () => {
  lab = await startLab(parseScenario(scenario, 'assess-targets'));
  dir = mkdtempSync(join(tmpdir(), 'tg-assess-'));
  service = createNodeCore(join(dir, 'data'), lab.net, { name: 'assess-targets', description: 'lab' });
  await service.call('case.create', { name: 'Targets', path: join(dir, 'targets.sqlite') });
}, 30_000);
afterAll(async () => {
  await service.shutdown();
  await lab.stop();
});

/** Runs the modules on the target typed as text, then reads its assessment. */
async function assessAfter(text: string, scannerIds: string[]): Promise<Assessment> {
  let entityId: number | null = null;
  for (const scannerId of scannerIds) {
    const [run] = await service.call('scan.start', { scannerId, target: { text } });
    entityId = run?.targetEntityId ?? null;
  }
  if (entityId === null) throw new Error(`no entity for ${text}`);
  await service.idle();
  const runs = await service.call('runs.list', {});
  const ours = runs.filter((r) => r.targetEntityId === entityId);
  expect(ours.map((r) => [r.scannerId, r.status, r.error])).toEqual(scannerIds.map((id) => [id, 'finished', null]));
  return service.call('assessment.get', { entityId });
}

const category = (a: Assessment, id: string) => a.grade.categories.find((c) => c.id === id);

describe('Overall Assessment of other targets', () => {
  it("grades an email address by its domain's email security and signals its domain's findings", async () => {
    const a = await assessAfter('billing@spoofed.test', ['dns', 'email-security']);
    expect(a.entity.type).toBe('email');
    expect(category(a, 'email')).toMatchObject({ applicable: true, earned: 0 });
    expect(a.grade.letter).toBe('F');
    expect(a.signals).toContainEqual(
      expect.objectContaining({ level: 'red', about: 'spoofed.test', text: expect.stringContaining('+all') }),
    );
    const pivots = a.pivots.map((p) => [p.role, p.value]);
    expect(pivots).toContainEqual(['email domain', 'spoofed.test']);
    expect(pivots).toContainEqual(['mail server', 'mx.spoofed.test']);
  }, 60_000);

  it('grades an address without DNSSEC and email security, and pivots on its PTR name and certificate', async () => {
    const a = await assessAfter(ADDRESS, ['dns', 'tls-cert']);
    expect(a.grade.categories.filter((c) => !c.applicable).map((c) => c.id)).toEqual(['dnssec', 'email']);
    expect(category(a, 'ssl')?.earned).not.toBeNull();
    const roles = (role: string) => a.pivots.filter((p) => p.role === role).map((p) => p.value);
    expect(roles('reverse DNS name')).toEqual(['mail.site.test']);
    expect(roles('certificate')).toHaveLength(1);
    expect(roles('SAN domain').sort()).toEqual(['mail.site.test', 'webmail.site.test']);
  }, 60_000);

  it('gives full email marks to a domain declaring it has no mail, with one null MX finding', async () => {
    const a = await assessAfter('no-mail.test', ['dns', 'email-security']);
    expect(category(a, 'email')).toMatchObject({ earned: 10, lost: [] });
    const findings = await service.call('findings.list', {});
    const nullMx = findings.filter((f) => f.entityId === a.entity.id && /null MX/.test(f.title));
    expect(nullMx).toHaveLength(1);
    expect(a.absences.map((x) => x.text)).toContain(
      'No mail servers: the domain declares it receives no mail (null MX)',
    );
  }, 60_000);
});
