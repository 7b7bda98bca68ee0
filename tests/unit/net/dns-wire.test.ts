import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildQuery, checkResponse, normaliseQueryName } from '../../../src/core/net/dns-wire';
import { DNS_RECORD_TYPES } from '../../../src/shared/scanner';

const label = fc.stringMatching(/^[a-z0-9_](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));

function responseTo(
  query: ReturnType<typeof buildQuery>,
  answers: packet.Answer[],
  overrides: Partial<packet.Packet> = {},
): Buffer {
  return packet.encode({
    type: 'response',
    id: query.id,
    flags: packet.AUTHORITATIVE_ANSWER,
    questions: [{ name: query.name, type: query.type }],
    answers,
    ...overrides,
  });
}

describe('buildQuery', () => {
  it('asks one question with recursion desired and EDNS, under a random id', () => {
    fc.assert(
      fc.property(hostname, fc.constantFrom(...DNS_RECORD_TYPES), (name, type) => {
        const query = buildQuery(name, type);
        const decoded = packet.decode(query.bytes);
        expect(decoded.id).toBe(query.id);
        expect(decoded.flag_rd).toBe(true);
        expect(decoded.questions).toEqual([{ name, type, class: 'IN' }]);
        expect(decoded.additionals?.[0]?.type).toBe('OPT');
      }),
    );
    const ids = new Set(Array.from({ length: 50 }, () => buildQuery('a.test', 'A').id));
    expect(ids.size).toBeGreaterThan(40);
  });

  it('sets DO and CD only when DNSSEC records are asked for', () => {
    const plain = packet.decode(buildQuery('a.test', 'A').bytes);
    expect(plain.flag_cd).toBe(false);
    expect((plain.additionals?.[0] as packet.OptAnswer | undefined)?.flag_do).toBe(false);
    const signed = packet.decode(buildQuery('a.test', 'DNSKEY', undefined, true).bytes);
    expect(signed.flag_cd).toBe(true);
    expect((signed.additionals?.[0] as packet.OptAnswer | undefined)?.flag_do).toBe(true);
  });

  it('writes the bytes dns-packet would write', () => {
    const anyName = fc.oneof(
      hostname,
      fc.string({ maxLength: 60 }).filter((n) => !n.includes('..')),
    );
    fc.assert(
      fc.property(
        anyName,
        fc.constantFrom(...DNS_RECORD_TYPES),
        fc.nat(65535),
        fc.boolean(),
        (text, type, id, dnssec) => {
          let name: string;
          try {
            name = normaliseQueryName(text);
          } catch {
            return;
          }
          const expected = packet.encode({
            type: 'query',
            id,
            flags: packet.RECURSION_DESIRED | (dnssec ? packet.CHECKING_DISABLED : 0),
            questions: [{ type, name: name === '' ? '.' : name, class: 'IN' }],
            additionals: [
              {
                type: 'OPT',
                name: '.',
                udpPayloadSize: 1232,
                extendedRcode: 0,
                ednsVersion: 0,
                flags: dnssec ? packet.DNSSEC_OK : 0,
                flag_do: dnssec,
                options: [],
              },
            ],
          });
          expect(buildQuery(name, type, id, dnssec).bytes.equals(expected)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('normaliseQueryName', () => {
  it('returns ordinary names as they are, and the same name for any case or a trailing dot', () => {
    fc.assert(
      fc.property(hostname, (name) => {
        expect(normaliseQueryName(name)).toBe(name);
        expect(normaliseQueryName(` ${name.toUpperCase()}. `)).toBe(name);
      }),
    );
  });

  it('returns an encodable name or throws an Error, for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        let name: string;
        try {
          name = normaliseQueryName(input);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          return;
        }
        expect(name.length).toBeLessThanOrEqual(253);
        expect(() => buildQuery(name, 'A')).not.toThrow();
        if (name !== '') {
          const decoded = packet.decode(buildQuery(name, 'A').bytes);
          expect(decoded.questions?.[0]?.name).toBe(name);
        }
      }),
    );
  });
});

describe('checkResponse', () => {
  it('never throws on arbitrary bytes', () => {
    const query = buildQuery('example.com', 'A');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const result = checkResponse(bytes, query, 'srv');
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on corrupted answers carrying the right id', () => {
    const query = buildQuery('example.com', 'MX');
    const good = responseTo(query, [
      { type: 'MX', name: 'example.com', ttl: 5, data: { preference: 10, exchange: 'mail.example.com' } },
      { type: 'TXT', name: 'example.com', ttl: 5, data: ['hello'] },
      { type: 'SOA', name: 'example.com', ttl: 5, data: { mname: 'a.b', rname: 'c.d', serial: 1 } },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { maxLength: 8 }),
        fc.nat(good.length),
        (flips, cut) => {
          const bytes = Buffer.from(good.subarray(0, Math.max(cut, 4)));
          for (const [at, value] of flips) if (at >= 4 && at < bytes.length) bytes[at] = value;
          const result = checkResponse(bytes, query, 'srv');
          if (result.ok) {
            for (const record of result.response.answers) {
              expect(typeof record.data).toBe('string');
              expect(record.data).not.toMatch(/[\n\r\0]/);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts the answer to its own question, with every record in presentation form', () => {
    fc.assert(
      fc.property(hostname, fc.array(fc.ipV4(), { maxLength: 20 }), (name, addresses) => {
        const query = buildQuery(name, 'A');
        const bytes = responseTo(
          query,
          addresses.map((data) => ({ type: 'A', name, ttl: 30, data })),
        );
        const result = checkResponse(bytes, query, '127.0.0.1:53');
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.response.question).toEqual({ name, type: 'A' });
        expect(result.response.server).toBe('127.0.0.1:53');
        expect(result.response.authoritative).toBe(true);
        expect(result.response.answers.map((a) => a.data)).toEqual(addresses);
        expect(Buffer.from(result.response.raw).equals(bytes)).toBe(true);
      }),
    );
  });

  it('rejects another id, another question, a query, and an empty NOERROR', () => {
    const query = buildQuery('example.com', 'A');
    const other = (overrides: Partial<packet.Packet>) => checkResponse(responseTo(query, [], overrides), query, 's');
    expect(other({ id: (query.id + 1) & 0xffff })).toEqual({ ok: false, reason: 'a response with another query id' });
    expect(other({ questions: [{ name: 'evil.com', type: 'A' }] })).toMatchObject({ ok: false });
    expect(other({ questions: [{ name: 'example.com', type: 'AAAA' }] })).toMatchObject({ ok: false });
    expect(other({ type: 'query' })).toEqual({ ok: false, reason: 'a query, not a response' });
    expect(other({ questions: [] })).toEqual({ ok: false, reason: 'a response without a question' });
    // Case differences in the echoed question are not a mismatch (0x20 mixing servers).
    expect(other({ questions: [{ name: 'EXAMPLE.com', type: 'A' }] }).ok).toBe(true);
    const formerr = checkResponse(responseTo(query, [], { questions: [], flags: 1 }), query, 's');
    expect(formerr).toMatchObject({ ok: true, response: { rcode: 'FORMERR' } });
  });
});
