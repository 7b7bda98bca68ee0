// The ports option and the shipped port list: strict parsing with every bad entry named, a cap on
// how many ports one run scans, and a table that loads, covers what an investigator checks first
// and says why each risky service is risky.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import table from '../../../resources/ports/services.json';
import { readOptions } from '../../../src/scanners/ports/options';
import { MAX_PORTS, parsePortSpec } from '../../../src/scanners/ports/port-spec';
import { DEFAULT_PORTS, loadPortTable, PORT_TABLE, portInfo } from '../../../src/scanners/ports/port-table';

const ports = (spec: string): number[] => {
  const result = parsePortSpec(spec);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.ports;
};
const errors = (spec: string): string[] => {
  const result = parsePortSpec(spec);
  return result.ok ? [] : result.errors;
};

describe('the ports option', () => {
  it('reads ports and ranges separated by commas or spaces, sorted and without repeats', () => {
    expect(ports('22')).toEqual([22]);
    expect(ports('443, 22,80\t22  8000-8002')).toEqual([22, 80, 443, 8000, 8001, 8002]);
    expect(ports('1-1')).toEqual([1]);
    expect(ports('65535')).toEqual([65535]);
  });

  it('takes an empty list or "default" as the shipped list, and adds to it', () => {
    expect(ports('')).toEqual([...DEFAULT_PORTS]);
    expect(ports(' , ')).toEqual([...DEFAULT_PORTS]);
    expect(ports('DEFAULT')).toEqual([...DEFAULT_PORTS]);
    const more = ports('default,40000');
    expect(more).toContain(40000);
    expect(more).toHaveLength(DEFAULT_PORTS.length + 1);
  });

  it('names every entry that is not a port or a range, and scans nothing then', () => {
    for (const bad of [
      '0',
      '65536',
      '99999',
      '080',
      '+22',
      '22.5',
      '1e3',
      '0x16',
      'ssh',
      '22-',
      '-22',
      '2-3-4',
      '٢٢',
    ]) {
      expect(errors(bad), bad).toEqual([expect.stringContaining(`"${bad}" is not a port`)]);
    }
    expect(errors('22, x, 80, 9-7')).toEqual([
      expect.stringContaining('"x" is not a port'),
      '"9-7" is a range from high to low',
    ]);
  });

  it('caps how many ports a run scans, per range and in all', () => {
    expect(ports(`1-${MAX_PORTS}`)).toHaveLength(MAX_PORTS);
    expect(errors(`1-${MAX_PORTS + 1}`)).toEqual([
      `"1-${MAX_PORTS + 1}" names ${MAX_PORTS + 1} ports; at most ${MAX_PORTS} are scanned`,
    ]);
    expect(errors('1-65535')).toHaveLength(1);
    expect(errors(`1-1000 2001-2100`)).toEqual([`the list names 1100 ports; at most ${MAX_PORTS} are scanned`]);
    expect(errors('1,'.repeat(6000))).toEqual([expect.stringMatching(/over 10000 characters/)]);
  });

  it('shows a bad entry bounded and with its control characters replaced', () => {
    const [message] = errors(`\u001b[31m${'9'.repeat(100)}`);
    expect(message).not.toContain('\u001b');
    expect(message?.length).toBeLessThan(120);
  });

  it('lists exactly the ports given, whatever the separators (property)', () => {
    const separator = fc.constantFrom(',', ' ', ', ', '\t', ',,', '\n');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 200 }),
        separator,
        (list, sep) => {
          expect(ports(list.join(sep))).toEqual([...new Set(list)].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('expands a range to every port in it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: MAX_PORTS - 1 }), (low, extra) => {
        const high = Math.min(65535, low + extra);
        expect(ports(`${low}-${high}`)).toEqual(Array.from({ length: high - low + 1 }, (_, i) => low + i));
      }),
    );
  });

  it('never throws, and either lists valid ports within the cap or names a problem (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9 ,-]{0,40}$/)), (spec) => {
        const result = parsePortSpec(spec);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        expect(result.ports.length).toBeLessThanOrEqual(Math.max(MAX_PORTS, DEFAULT_PORTS.length));
        expect(result.ports).toEqual([...new Set(result.ports)].sort((a, b) => a - b));
        for (const port of result.ports) expect(Number.isInteger(port) && port >= 1 && port <= 65535).toBe(true);
      }),
    );
  });

  it('fails the run on a bad list and clamps the numbers', () => {
    expect(() => readOptions({ ports: '22,abc' })).toThrow(/the ports option is invalid: "abc" is not a port/);
    expect(() => readOptions({ ports: 22 })).toThrow(/the ports option is a string/);
    expect(readOptions({ ports: '22', concurrency: 10_000, connectTimeoutMs: 1, bannerTimeoutMs: -5 })).toEqual({
      ports: [22],
      concurrency: 256,
      connectTimeoutMs: 100,
      bannerTimeoutMs: 0,
    });
    expect(readOptions({}).ports).toEqual([...DEFAULT_PORTS]);
  });
});

describe('the shipped port list', () => {
  it('holds about a hundred ports, with the services an investigator looks for first', () => {
    expect(PORT_TABLE.size).toBeGreaterThanOrEqual(100);
    expect(PORT_TABLE.size).toBeLessThanOrEqual(MAX_PORTS);
    const expected: [number, string][] = [
      [21, 'ftp'],
      [22, 'ssh'],
      [23, 'telnet'],
      [25, 'smtp'],
      [445, 'microsoft-ds'],
      [2375, 'docker'],
      [2379, 'etcd'],
      [3306, 'mysql'],
      [3389, 'ms-wbt-server'],
      [5432, 'postgresql'],
      [5900, 'vnc'],
      [6379, 'redis'],
      [9200, 'elasticsearch'],
      [11211, 'memcached'],
      [27017, 'mongodb'],
    ];
    for (const [port, service] of expected) expect(PORT_TABLE.get(port)?.service, String(port)).toBe(service);
  });

  it('costs nothing for web, mail, SSH and DNS, and calls databases and remote desktops high risk', () => {
    for (const port of [22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995, 8080, 8443]) {
      expect(portInfo(port).risk, String(port)).toBe('none');
    }
    for (const port of [23, 445, 2375, 3306, 3389, 5432, 5900, 6379, 9200, 11211, 27017]) {
      expect(portInfo(port).risk, String(port)).toBe('high');
      expect(portInfo(port).why?.length, String(port)).toBeGreaterThan(30);
    }
    expect(portInfo(21).risk).toBe('medium');
    expect(portInfo(443).probe).toBe('tls');
    expect(portInfo(80).probe).toBe('http');
    expect(portInfo(22).probe).toBe('read');
  });

  it('treats a port it does not list as an unknown service whose banner is read, and not judged', () => {
    expect(portInfo(40000)).toEqual({
      port: 40000,
      service: 'unknown',
      title: 'port 40000',
      probe: 'read',
      risk: 'none',
    });
  });

  it('refuses a table with a repeated port, a risk without a reason or an unknown field', () => {
    const repeated = structuredClone(table);
    repeated.ports.push({ ...(repeated.ports[0] as (typeof table.ports)[number]) });
    expect(() => loadPortTable(repeated)).toThrow(/port 21 is listed twice/);
    const silent = structuredClone(table);
    silent.ports.push({ port: 40000, service: 'x', title: 'X', probe: 'read', risk: 'high' } as never);
    expect(() => loadPortTable(silent)).toThrow(/a risky port says why/);
    const extra = structuredClone(table);
    (extra.ports[0] as Record<string, unknown>).banner = 'x';
    expect(() => loadPortTable(extra)).toThrow(/invalid port table/);
  });
});
