// What every scenario gets without asking: the well-known public resolvers answering as its zones
// say, and its own addresses (documentation ranges included) open to scans as lab labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { propagationScanner } from '../../../src/scanners/propagation/scanner';
import { PUBLIC_RESOLVERS } from '../../../src/shared/public-resolvers';
import { type Net, scanPolicy } from '../../../src/shared/scanner';
import { runScanner, startLabNet } from '../../helpers/scanner-harness';

const scenario = Scenario.parse({
  name: 'plain',
  zones: [
    {
      origin: 'acme-widgets.org',
      records: [
        { name: '@', type: 'A', data: '203.0.113.10' },
        { name: '@', type: 'AAAA', data: '2001:db8::10' },
        { name: '@', type: 'NS', data: 'ns1.acme-widgets.org' },
        { name: 'ns1', type: 'A', data: '198.51.100.11' },
        { name: 'intranet', type: 'A', data: '10.20.30.40' },
      ],
    },
  ],
  resolvers: [
    {
      address: '9.9.9.9',
      name: 'Quad9',
      overrides: [{ origin: 'acme-widgets.org', records: [{ name: '@', type: 'A', data: '192.0.2.99' }] }],
    },
  ],
});

let lab: Lab;
let net: Net;
beforeAll(async () => {
  ({ lab, net } = await startLabNet(scenario));
});
afterAll(() => lab.stop());

describe('a scenario that describes no public resolvers but one', () => {
  it('has every well-known resolver answer from its zones, and the described one as described', async () => {
    const run = await runScanner(propagationScanner, { type: 'domain', value: 'acme-widgets.org' }, net, {});
    const table = run.entities.find((e) => e.entity.value === 'acme-widgets.org')?.props?.propagation as Record<
      string,
      { status: string; resolvers: Record<string, { answers?: string[] }> }
    >;
    expect(table.A?.status).toBe('disagree');
    for (const { name } of PUBLIC_RESOLVERS) {
      expect(table.A?.resolvers[name]?.answers).toEqual([name === 'Quad9' ? '192.0.2.99' : '203.0.113.10']);
      expect(table.AAAA?.resolvers[name]?.answers).toEqual(['2001:db8::10']);
    }
    expect(table.NS?.status).toBe('agree');
    expect(lab.listeners.filter((l) => l.service === 'dns (public resolver)')).toHaveLength(PUBLIC_RESOLVERS.length);
  });
});

describe("the lab's scan policy", () => {
  it('lets scans touch the addresses the scenario names, and nothing else that is not public', () => {
    const policy = scanPolicy({ allowInternal: false }, lab.net.lab);
    for (const named of ['203.0.113.10', '2001:db8::10', '198.51.100.11', '10.20.30.40', '192.0.2.99']) {
      expect(policy.refuses(named), named).toBeUndefined();
    }
    expect(policy.refuses('203.0.113.77')).toMatch(/is a reserved address/);
    expect(policy.refuses('10.20.30.41')).toMatch(/is a private address/);
    expect(policy.refuses('127.0.0.1')).toMatch(/is a loopback address/);
  });
});
