import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../../src/lab/builtin';
import { scenarioJsonSchema } from '../../../src/lab/scenario/json-schema';
import { loadScenario, parseScenario } from '../../../src/lab/scenario/load';
import { problemsOf } from './scenario-problems';

const minimal = () => ({
  name: 'minimal',
  zones: [{ origin: 'example.test', records: [{ name: '@', type: 'A', data: '192.0.2.10' }] }],
});

describe('scenario validation', () => {
  it('accepts the built-in scenarios', () => {
    for (const name of ['nova-parcels', 'hostile']) {
      expect(loadScenario(builtinScenario(name)).name).toBe(name);
    }
  });

  it('fills defaults for the sections a scenario leaves out', () => {
    const scenario = parseScenario(minimal());
    expect(scenario.sites).toEqual([]);
    expect(scenario.resolvers).toEqual([]);
  });

  it('names the path of every bad field, all at once', () => {
    const data = {
      ...minimal(),
      hosts: [{ address: '999.1.2.3', ports: [] }],
      zones: [{ origin: 'example.test', records: [{ name: '@', type: 'MX', data: 'ten mail.example.test' }] }],
      geo: [{ network: '10.0.0.0/33', country: 'NL', latitude: 0, longitude: 0, asn: 1, org: 'x' }],
    };
    const problems = problemsOf(data);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hosts\.0\.address: /),
        expect.stringMatching(/^zones\.0\.records\.0\.data: .*MX preference/),
        expect.stringMatching(/^geo\.0\.network: /),
      ]),
    );
  });

  it('refuses unknown fields, so a typo is not silently ignored', () => {
    expect(problemsOf({ ...minimal(), zonez: [] })).toEqual([expect.stringMatching(/zonez/)]);
  });

  it('checks rules across sections', () => {
    const twice = { ...minimal(), zones: [...minimal().zones, ...minimal().zones] };
    expect(problemsOf(twice)).toEqual(['zones.1.origin: zone "example.test" is defined twice']);
    const unsignable = { ...minimal(), dnssec: [{ zone: 'other.test' }] };
    expect(problemsOf(unsignable)).toEqual(['dnssec.0.zone: no zone "other.test" in zones']);
    // Zone names compare as DNS names do: case and a trailing dot do not matter.
    const spelled = { ...minimal(), dnssec: [{ zone: 'Example.TEST.' }] };
    expect(problemsOf(spelled)).toEqual([]);
    const backwards = {
      ...minimal(),
      sites: [
        {
          hostname: 'example.test',
          address: '192.0.2.10',
          https: {
            routes: [],
            certificate: { subject: { CN: 'example.test' }, notBefore: '2027-01-01', notAfter: '2026-01-01' },
          },
        },
      ],
    };
    expect(problemsOf(backwards)).toEqual([
      'sites.0.https.certificate.notAfter: 2026-01-01 is not after notBefore 2027-01-01',
    ]);
  });

  it('says when a file cannot be read or is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-scenario-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "name": ');
    expect(() => loadScenario(broken)).toThrow(/broken\.json: invalid scenario\n {2}- not valid JSON/);
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(/cannot read the file/);
  });
});

describe('scenario JSON Schema', () => {
  it('is up to date with the zod schema (run "npm run schema" after changing it)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../../docs/lab-scenario.schema.json'), 'utf8');
    expect(committed).toBe(scenarioJsonSchema());
  });
});
