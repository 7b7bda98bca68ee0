// The propagation scanner against the nova-parcels lab: its public resolvers agree on
// nova-parcels.com, Yandex keeps an old address for nova-tracking.net, and a resolver nobody
// serves fails without counting as a disagreement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import { netConfig } from '../../../src/core/service/net-config';
import type { Lab } from '../../../src/lab/lab';
import { propagationScanner } from '../../../src/scanners/propagation/scanner';
import type { JsonValue } from '../../../src/shared/model';
import type { Net, ScanEvent } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, startLabNet } from '../../helpers/scanner-harness';

let lab: Lab;
let net: Net;

beforeAll(async () => {
  ({ lab, net } = await startLabNet('nova-parcels'));
});
afterAll(() => lab.stop());

/** Runs the scanner and checks the scan-event contract; the events, in order. */
async function scan(value: string, options: Record<string, JsonValue> = {}, using: Net = net): Promise<ScanEvent[]> {
  const run = await runScanner(propagationScanner, { type: 'domain', value }, using, options);
  checkScanContract(run, {
    category: 'dns',
    findingsWithoutEvidence: (title) => title.startsWith('Some public resolvers did not answer'),
  });
  return run.events;
}

const findings = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'finding' ? [e] : []));
const table = (events: ScanEvent[]) => {
  const entity = events.find((e) => e.kind === 'entity' && e.entity.type === 'domain');
  return entity?.kind === 'entity'
    ? (entity.props?.propagation as Record<string, { status: string; resolvers: Record<string, JsonValue> }>)
    : undefined;
};

describe('propagation scanner', () => {
  it('sees Yandex disagreeing on nova-tracking.net and makes its old address a pivot', async () => {
    const events = await scan('nova-tracking.net');
    const props = table(events);
    expect(props?.A?.status).toBe('disagree');
    expect(props?.A?.resolvers.Yandex).toEqual({ rcode: 'NOERROR', answers: ['45.137.21.9'] });
    expect(props?.A?.resolvers.Google).toEqual({ rcode: 'NOERROR', answers: ['185.220.101.47'] });
    for (const type of ['AAAA', 'MX', 'NS', 'TXT']) expect(props?.[type]?.status).toBe('agree');

    const found = findings(events);
    expect(found.map((f) => [f.severity, f.title])).toEqual([
      ['medium', 'Public resolvers disagree on the A records of nova-tracking.net'],
    ]);
    expect(found[0]?.detail).toContain(
      '- 185.220.101.47: Google, Cloudflare, Quad9, OpenDNS, CleanBrowsing, DNSPod, KT',
    );
    expect(found[0]?.detail).toContain('- 45.137.21.9: Yandex');
    // Each of the eight resolvers' A answers is cited, as dig-like text and raw packet.
    expect(found[0]?.evidence).toHaveLength(16);
    const yandex = events.find(
      (e) => e.kind === 'evidence' && e.source.startsWith('dns://77.88.8.8') && e.source.endsWith('type=A'),
    );
    expect(yandex?.kind === 'evidence' && yandex.content).toContain('45.137.21.9');

    const relations = events.flatMap((e) => (e.kind === 'relation' ? [e] : []));
    expect(relations.map((r) => [r.from.value, r.relation, r.to.value, r.props])).toEqual([
      [
        'nova-tracking.net',
        'resolves_to',
        '185.220.101.47',
        { resolvers: ['Google', 'Cloudflare', 'Quad9', 'OpenDNS', 'CleanBrowsing', 'DNSPod', 'KT'] },
      ],
      ['nova-tracking.net', 'resolves_to', '45.137.21.9', { resolvers: ['Yandex'] }],
    ]);
    expect(relations[1]?.evidence).toHaveLength(2);
  });

  it('finds every resolver agreeing on nova-parcels.com', async () => {
    const events = await scan('nova-parcels.com');
    expect(findings(events)).toEqual([]);
    expect(events.some((e) => e.kind === 'relation')).toBe(false);
    const props = table(events);
    expect(Object.values(props ?? {}).map((t) => t.status)).toEqual(['agree', 'agree', 'agree', 'agree', 'agree']);
    expect(props?.A?.resolvers.KT).toEqual({ rcode: 'NOERROR', answers: ['185.220.101.47'] });
  });

  it('reports a resolver the lab does not serve as refused, apart from disagreement', async () => {
    // The lab refuses packets to addresses it does not serve (LabWiring.unrouted = 'refuse').
    expect(lab.net.lab?.unrouted).toBe('refuse');
    const events = await scan('nova-parcels.com', {
      resolvers: ['Google=8.8.8.8', 'Quad9=9.9.9.9', 'Nobody=192.0.2.53'],
      recordTypes: ['A', 'NS'],
    });
    const props = table(events);
    expect(props?.A?.status).toBe('agree');
    expect(props?.A?.resolvers.Nobody).toMatchObject({ failed: 'refused' });
    const found = findings(events);
    expect(found.map((f) => [f.severity, f.title])).toEqual([
      ['info', 'Some public resolvers did not answer for nova-parcels.com'],
    ]);
    expect(found[0]?.detail).toContain('A @ Nobody: refused');
    expect(found[0]?.detail).toContain('NS @ Nobody: refused');
  });

  it('reports a resolver that never answers as a timeout, apart from disagreement', async () => {
    // The same lab, wired so unserved addresses swallow packets: a silent resolver.
    const silent = createNet(
      netConfig({ ...lab.net, lab: { ...(lab.net.lab as NonNullable<typeof lab.net.lab>), unrouted: 'drop' } }),
    );
    const started = Date.now();
    const events = await scan(
      'nova-tracking.net',
      { resolvers: ['Google=8.8.8.8', 'Yandex=77.88.8.8', 'Silent=192.0.2.54'], recordTypes: ['A'], timeoutMs: 400 },
      silent,
    );
    // The silent resolver costs its 400 ms timeout, not the run's 60 s; slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(6000);
    const props = table(events);
    expect(props?.A?.resolvers.Silent).toEqual({ failed: 'timeout', error: '192.0.2.54 timed out after 400 ms' });
    expect(findings(events).map((f) => [f.severity, f.title])).toEqual([
      ['medium', 'Public resolvers disagree on the A records of nova-tracking.net'],
      ['info', 'Some public resolvers did not answer for nova-tracking.net'],
    ]);
    expect(findings(events)[0]?.detail).not.toContain('Silent');
  });

  it('fails the run with the reasons when every resolver fails', async () => {
    await expect(scan('nova-parcels.com', { resolvers: ['Nobody=192.0.2.53'], recordTypes: ['A'] })).rejects.toThrow(
      /every resolver failed for nova-parcels\.com: A @ Nobody: .*refused/,
    );
  });

  it('refuses invalid options before asking anyone', async () => {
    await expect(scan('nova-parcels.com', { resolvers: ['Bad=not-an-ip'], recordTypes: ['A', 'SPF'] })).rejects.toThrow(
      /invalid options: resolver "Bad=not-an-ip".*record type "SPF"/,
    );
    await expect(scan('nova-parcels.com', { resolvers: '8.8.8.8' })).rejects.toThrow(
      'invalid options: resolvers must be a list of strings',
    );
    await expect(scan('nova-parcels.com', { recordTypes: [1, 2] })).rejects.toThrow(
      'invalid options: recordTypes must be a list of strings',
    );
  });
});
