// Payloads written as bytes ({ "base64": ... }) in scenario files: accepted wherever a banner, an
// HTTP body, header or cookie, TXT data or WHOIS text is, decoded to exactly those bytes, and
// refused with the field's path when the base64 is not strict.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordData } from '../../../src/lab/dns/zone';
import { payload, payloadBytes } from '../../../src/lab/scenario/bytes';
import { parseScenario } from '../../../src/lab/scenario/load';
import { problemsOf } from './scenario-problems';

/** Invalid UTF-8 (ff, fe, and c3 without a continuation byte) and a NUL. */
const RAW = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00]);
const b64 = (bytes: Buffer) => ({ base64: bytes.toString('base64') });

/** A scenario with every payload field set to `value` (the TXT record also as a list after text). */
function scenarioWith(value: unknown) {
  return {
    name: 'bytes',
    zones: [
      {
        origin: 'bytes.test',
        records: [
          { name: '@', type: 'TXT', data: value },
          { name: 'list', type: 'TXT', data: ['text ', value] },
        ],
      },
    ],
    hosts: [{ address: '192.0.2.1', ports: [{ port: 23, banner: value }] }],
    sites: [
      {
        hostname: 'bytes.test',
        address: '192.0.2.1',
        http: { routes: [{ path: '/', headers: [['X-Raw', value]], cookies: [value], body: value }] },
      },
    ],
    whois: [{ domain: 'bytes.test', registry: value, registrar: { server: 'whois.registrar.test', text: value } }],
  };
}

const PATHS = [
  'zones.0.records.0.data',
  'zones.0.records.1.data.1',
  'hosts.0.ports.0.banner',
  'sites.0.http.routes.0.headers.0.1',
  'sites.0.http.routes.0.cookies.0',
  'sites.0.http.routes.0.body',
  'whois.0.registry',
  'whois.0.registrar.text',
];

describe('payloadBytes', () => {
  it('sends a string as UTF-8 and base64 as the bytes it encodes', () => {
    expect(payloadBytes('é\u0000')).toEqual(Buffer.from([0xc3, 0xa9, 0x00]));
    expect(payloadBytes(b64(RAW))).toEqual(RAW);
  });

  it('accepts any byte sequence written as base64 and gives it back exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (array) => {
        const parsed = payload(300).parse(b64(Buffer.from(array)));
        expect(payloadBytes(parsed)).toEqual(Buffer.from(array));
      }),
    );
  });

  it('accepts a base64 string exactly when it is the canonical encoding of its bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQw/+=_- \n'), maxLength: 12 }), (text) => {
        const canonical = Buffer.from(text, 'base64').toString('base64') === text;
        expect(payload(100).safeParse({ base64: text }).success).toBe(canonical);
      }),
    );
  });
});

describe('bytes in scenarios', () => {
  it('are accepted in every payload field and decode to the bytes written', () => {
    const scenario = parseScenario(scenarioWith(b64(RAW)));
    const route = scenario.sites[0]?.http?.routes[0];
    const record = scenario.whois[0];
    const fields = [
      scenario.hosts[0]?.ports[0]?.banner,
      route?.headers[0]?.[1],
      route?.cookies[0],
      route?.body,
      record?.registry,
      record?.registrar?.text,
    ];
    for (const field of fields) expect(payloadBytes(field ?? '')).toEqual(RAW);
    const [single, list] = scenario.zones[0]?.records ?? [];
    expect(recordData('TXT', single?.data ?? '')).toEqual([RAW]);
    expect(recordData('TXT', list?.data ?? '')).toEqual([Buffer.from('text '), RAW]);
  });

  it('keep strings as UTF-8 text', () => {
    const scenario = parseScenario(scenarioWith('plain <b>text</b>'));
    expect(payloadBytes(scenario.sites[0]?.http?.routes[0]?.body ?? '').toString()).toBe('plain <b>text</b>');
  });

  it('split TXT bytes into character-strings of 255 bytes, as text is split', () => {
    const long = Buffer.alloc(300, 0xff);
    expect(recordData('TXT', b64(long))).toEqual([long.subarray(0, 255), long.subarray(255)]);
  });

  it('refuse bad base64 with the path of every field', () => {
    const problems = problemsOf(scenarioWith({ base64: '//7DKA A=' }));
    expect(problems).toEqual(
      PATHS.map((path) => `${path}.base64: not base64: A-Z, a-z, 0-9, + and / in groups of four, = padding, no spaces`),
    );
  });

  it('refuse base64 with unused bits set, more bytes than the field takes, or other keys', () => {
    expect(problemsOf(scenarioWith({ base64: '/x==' }))).toContain(
      'hosts.0.ports.0.banner.base64: not canonical base64: the last character sets bits that are not used',
    );
    const huge = { base64: Buffer.alloc(8001).toString('base64') };
    expect(problemsOf(scenarioWith(huge))).toEqual(['sites.0.http.routes.0.cookies.0.base64: longer than 8000 bytes']);
    expect(problemsOf(scenarioWith({ base64: '', hex: 'ff' }))).toContain(
      'hosts.0.ports.0.banner: Unrecognized key: "hex"',
    );
  });

  it('are TXT data only', () => {
    const scenario = { name: 'a', zones: [{ origin: 'a.test', records: [{ name: '@', type: 'A', data: b64(RAW) }] }] };
    expect(problemsOf(scenario)).toEqual(['zones.0.records.0.data: only TXT data may be bytes, not A']);
  });
});
