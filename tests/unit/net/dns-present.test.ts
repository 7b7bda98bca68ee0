import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presentData, presentName, presentRecord, presentText } from '../../../src/core/net/dns-present';

/** Undoes presentText's escapes: \DDD is a byte, \\ and \" are themselves. */
function unescapeShown(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i] as string;
    if (ch === '\\') {
      const digits = /^[0-9]{3}/.exec(text.slice(i + 1));
      if (digits) {
        out.push(Number(digits[0]));
        i += 4;
      } else {
        out.push(...Buffer.from(text[i + 1] ?? ''));
        i += 2;
      }
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(cp);
    out.push(...Buffer.from(char, 'utf8'));
    i += char.length;
  }
  return Buffer.from(out);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the property is that none appear
const CONTROL = /[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));

describe('presentName', () => {
  it('keeps ordinary names as they are', () => {
    fc.assert(
      fc.property(hostname, (name) => {
        expect(presentName(name)).toBe(name);
      }),
    );
    expect(presentName('Example.COM.')).toBe('Example.COM');
    expect(presentName('')).toBe('.');
    expect(presentName('_dmarc.example.com')).toBe('_dmarc.example.com');
  });

  it('escapes everything outside printable ASCII, so nothing odd passes for a name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        const shown = presentName(name);
        expect(shown).toMatch(/^[\x21-\x7e]+$/);
      }),
    );
    expect(presentName('exa mple.com')).toBe('exa\\032mple.com');
    expect(presentName('pаypal.com')).toBe('p\\208\\176ypal.com');
    expect(presentName('a\\b')).toBe('a\\\\b');
  });
});

describe('presentText', () => {
  it('round-trips any bytes through its escapes and never shows a control or format character', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, quotes) => {
        const shown = presentText(bytes, quotes);
        expect(shown).not.toMatch(CONTROL);
        if (quotes) expect(shown.replace(/\\\\|\\"/g, '')).not.toContain('"');
        expect(unescapeShown(shown).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('round-trips any Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (text) => {
        const bytes = Buffer.from(text, 'utf8');
        const shown = presentText(bytes);
        expect(shown).not.toMatch(CONTROL);
        expect(unescapeShown(shown).equals(bytes)).toBe(true);
      }),
    );
    expect(presentText(Buffer.from('v=spf1 include:_spf.example.com ~all'))).toBe(
      'v=spf1 include:_spf.example.com ~all',
    );
    expect(presentText(Buffer.from('line\nbreak\u202e'))).toBe('line\\010break\\226\\128\\174');
  });
});

const record: fc.Arbitrary<packet.Answer> = fc.oneof(
  fc.ipV4().map((data) => ({ type: 'A' as const, name: 'x.test', ttl: 60, data })),
  fc.ipV6().map((data) => ({ type: 'AAAA' as const, name: 'x.test', ttl: 60, data })),
  fc
    .tuple(fc.constantFrom('NS', 'CNAME', 'PTR', 'DNAME') as fc.Arbitrary<packet.StringRecordType>, hostname)
    .map(([type, data]) => ({ type, name: 'x.test', data })),
  fc
    .record({ preference: fc.nat(65535), exchange: hostname })
    .map((data) => ({ type: 'MX' as const, name: 'x.test', data })),
  fc
    .array(
      fc.uint8Array({ maxLength: 255 }).map((b) => Buffer.from(b)),
      { maxLength: 4 },
    )
    .map((data) => ({
      type: 'TXT' as const,
      name: 'x.test',
      data,
    })),
  fc
    .record({
      mname: hostname,
      rname: hostname,
      serial: fc.nat(),
      refresh: fc.nat(),
      retry: fc.nat(),
      expire: fc.nat(),
      minimum: fc.nat(),
    })
    .map((data) => ({ type: 'SOA' as const, name: 'x.test', data })),
  fc
    .record({
      flags: fc.nat(255),
      tag: fc.constantFrom('issue', 'issuewild', 'iodef') as fc.Arbitrary<'issue'>,
      value: fc.string({ maxLength: 40 }),
    })
    .map((data) => ({ type: 'CAA' as const, name: 'x.test', data })),
  fc
    .record({ priority: fc.nat(65535), weight: fc.nat(65535), port: fc.nat(65535), target: hostname })
    .map((data) => ({ type: 'SRV' as const, name: 'x.test', data })),
  fc
    .record({
      keyTag: fc.nat(65535),
      algorithm: fc.nat(255),
      digestType: fc.nat(255),
      digest: fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)),
    })
    .map((data) => ({ type: 'DS' as const, name: 'x.test', data })),
  fc
    .record({
      flags: fc.constantFrom(256, 257),
      algorithm: fc.constantFrom(8, 13),
      key: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
    })
    .map((data) => ({ type: 'DNSKEY' as const, name: 'x.test', data })),
  fc
    .record({
      typeCovered: fc.constantFrom('A', 'SOA', 'DNSKEY'),
      algorithm: fc.constantFrom(8, 13),
      labels: fc.nat(10),
      originalTTL: fc.nat(),
      expiration: fc.nat(),
      inception: fc.nat(),
      keyTag: fc.nat(65535),
      signersName: hostname,
      signature: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
    })
    .map((data) => ({ type: 'RRSIG' as const, name: 'x.test', data })),
  fc
    .record({ nextDomain: hostname, rrtypes: fc.uniqueArray(fc.constantFrom('A', 'NS', 'SOA', 'RRSIG', 'NSEC')) })
    .map((data) => ({ type: 'NSEC' as const, name: 'x.test', data })),
  fc.uint8Array({ maxLength: 40 }).map((b) => ({ type: 'NULL' as const, name: 'x.test', data: Buffer.from(b) })),
);

describe('presentRecord', () => {
  it('formats every record dns-packet decodes as one printable line', () => {
    fc.assert(
      fc.property(record, (answer) => {
        const wire = packet.encode({ type: 'response', id: 1, answers: [answer] });
        const decoded = packet.decode(wire).answers?.[0] as packet.Answer;
        const shown = presentRecord(decoded);
        expect(shown.type).toBe(answer.type);
        expect(shown.name).toBe('x.test');
        expect(shown.data).not.toMatch(CONTROL);
        if (answer.type === 'A') expect(shown.data).toBe(answer.data);
        if (answer.type === 'MX') expect(shown.data).toBe(`${answer.data.preference} ${answer.data.exchange}`);
        if (answer.type === 'SRV') {
          const d = answer.data;
          expect(shown.data).toBe(`${d.priority} ${d.weight} ${d.port} ${d.target}`);
        }
        if (answer.type === 'DS') {
          const d = answer.data;
          const digest = Buffer.from(d.digest).toString('hex').toUpperCase();
          expect(shown.data).toBe(`${d.keyTag} ${d.algorithm} ${d.digestType} ${digest}`);
        }
        if (answer.type === 'DNSKEY') {
          const d = answer.data;
          expect(shown.data).toBe(`${d.flags} 3 ${d.algorithm} ${Buffer.from(d.key).toString('base64')}`);
        }
        if (answer.type === 'RRSIG') {
          const d = answer.data;
          const [covered, algorithm, , , expiration, , tag, signer, signature] = shown.data.split(' ');
          expect([covered, Number(algorithm), Number(tag), signer, signature]).toEqual([
            d.typeCovered,
            d.algorithm,
            d.keyTag,
            `${d.signersName}.`,
            Buffer.from(d.signature).toString('base64'),
          ]);
          expect(expiration).toMatch(/^\d{14}$/);
        }
        if (answer.type === 'NSEC') {
          const d = answer.data;
          const [next, ...types] = shown.data.split(' ');
          expect(next).toBe(`${d.nextDomain}.`);
          expect(types.sort()).toEqual([...d.rrtypes].sort());
        }
        if (answer.type === 'NULL') expect(shown.data).toMatch(/^\\# \d+( [0-9a-f]+)?$/);
      }),
    );
  });

  it('never throws on data of the wrong shape', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'A',
          'AAAA',
          'MX',
          'SOA',
          'TXT',
          'CAA',
          'SRV',
          'NS',
          'RRSIG',
          'DNSKEY',
          'DS',
          'NSEC',
          'NSEC3',
          'UNKNOWN_99',
        ),
        fc.anything(),
        (type, data) => {
          const shown = presentData(type, data);
          expect(typeof shown).toBe('string');
          expect(shown).not.toMatch(/[\n\r]/);
        },
      ),
    );
    expect(presentData('A', 'undefined.undefined.1.2')).toBe('\\# ?');
  });
});
