import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFast, decodeFull, decodeMessage } from '../../../src/core/net/dns-decode';

const plainLabel = fc.stringMatching(/^[a-zA-Z0-9_*-]{1,20}$/);
const oddLabel = fc.oneof(
  plainLabel,
  fc.string({ minLength: 1, maxLength: 10 }).filter((l) => !l.includes('.') && Buffer.byteLength(l) <= 63),
);
const plainName = fc.array(plainLabel, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const anyName = fc.array(oddLabel, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));

function recordOf(name: fc.Arbitrary<string>): fc.Arbitrary<packet.Answer> {
  const base = { name, ttl: fc.nat() };
  return fc.oneof(
    fc.record({ ...base, type: fc.constant('A' as const), data: fc.ipV4() }),
    fc.record({ ...base, type: fc.constant('AAAA' as const), data: fc.ipV6() }),
    fc.record({ ...base, type: fc.constantFrom('NS' as const, 'CNAME' as const, 'PTR' as const), data: name }),
    fc.record({
      ...base,
      type: fc.constant('MX' as const),
      data: fc.record({ preference: fc.nat(65535), exchange: name }),
    }),
    fc.record({
      ...base,
      type: fc.constant('TXT' as const),
      data: fc.array(
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    fc.record({
      ...base,
      type: fc.constant('SOA' as const),
      data: fc.record({
        mname: name,
        rname: name,
        serial: fc.nat(),
        refresh: fc.nat(),
        retry: fc.nat(),
        expire: fc.nat(),
        minimum: fc.nat(),
      }),
    }),
    fc.record({
      ...base,
      type: fc.constant('SRV' as const),
      data: fc.record({ priority: fc.nat(65535), weight: fc.nat(65535), port: fc.nat(65535), target: name }),
    }),
    fc.record({
      ...base,
      type: fc.constant('CAA' as const),
      data: fc.record({
        flags: fc.nat(255),
        tag: fc.constantFrom('issue', 'iodef'),
        value: fc.string({ maxLength: 30 }),
      }),
    }),
    fc.record({ ...base, type: fc.constant('HINFO' as const), data: fc.record({ cpu: fc.string(), os: fc.string() }) }),
  );
}

const opt = fc.record({
  type: fc.constant('OPT' as const),
  name: fc.constant('.'),
  udpPayloadSize: fc.nat(65535),
  flags: fc.constantFrom(0, packet.DNSSEC_OK),
  options: fc.constantFrom([], [{ code: 10, data: Buffer.from('cookie12') }]),
});

function message(name: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc
    .record({
      id: fc.nat(65535),
      flags: fc.nat(0x7fff),
      question: name,
      qtype: fc.constantFrom('A' as const, 'AAAA' as const, 'MX' as const, 'TXT' as const, 'NS' as const),
      answers: fc.array(recordOf(name), { maxLength: 4 }),
      authorities: fc.array(recordOf(name), { maxLength: 2 }),
      additionals: fc.array(fc.oneof(recordOf(name), opt), { maxLength: 2 }),
      // Answers usually repeat the question's name (which the fast path reuses).
      sameOwner: fc.boolean(),
    })
    .map((m) =>
      packet.encode({
        type: 'response',
        id: m.id,
        flags: m.flags,
        questions: [{ name: m.question, type: m.qtype }],
        answers: m.sameOwner ? m.answers.map((a) => ({ ...a, name: m.question })) : m.answers,
        authorities: m.authorities,
        additionals: m.additionals as packet.Answer[],
      }),
    );
}

/** dns-packet's decoder, or the message its error carries. */
function full(bytes: Buffer): ReturnType<typeof decodeFull> | string {
  try {
    return decodeFull(bytes);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('decodeFast', () => {
  it('gives what dns-packet gives, or leaves the message to it', () => {
    fc.assert(
      fc.property(message(anyName), (bytes) => {
        const fast = decodeFast(bytes);
        if (fast !== undefined) expect(fast).toEqual(full(bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it('never disagrees with dns-packet on corrupted or cut messages', () => {
    fc.assert(
      fc.property(
        message(plainName),
        fc.array(fc.tuple(fc.nat(400), fc.nat(255)), { maxLength: 6 }),
        fc.nat(400),
        (good, flips, cut) => {
          const bytes = Buffer.from(good.subarray(0, Math.max(cut, 12)));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          const fast = decodeFast(bytes);
          if (fast !== undefined) expect(fast).toEqual(full(bytes));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('reads the usual answer itself: printable names and the common types', () => {
    const usual = message(plainName).filter((bytes) => !/HINFO/.test(JSON.stringify(packet.decode(bytes))));
    fc.assert(
      fc.property(usual, (bytes) => {
        expect(decodeFast(bytes)).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('follows compression pointers to earlier names, and leaves loops and forward pointers to dns-packet', () => {
    const header = Buffer.from([0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]);
    const question = Buffer.concat([Buffer.from('\x03www\x07example\x03com\x00', 'latin1'), Buffer.from([0, 1, 0, 1])]);
    const record = (owner: Buffer) =>
      Buffer.concat([owner, Buffer.from([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1])]);
    const compressed = Buffer.concat([header, question, record(Buffer.from([0xc0, 12]))]);
    const partly = Buffer.concat([header, question, record(Buffer.from([3, 0x61, 0x70, 0x69, 0xc0, 16]))]);
    for (const bytes of [compressed, partly]) {
      const fast = decodeFast(bytes);
      expect(fast).toBeDefined();
      expect(fast).toEqual(decodeFull(bytes));
    }
    expect(decodeFast(compressed)?.answers[0]).toEqual({
      name: 'www.example.com',
      type: 'A',
      ttl: 60,
      data: '192.0.2.1',
    });
    expect(decodeFast(partly)?.answers[0]?.name).toBe('api.example.com');
    const looping = Buffer.concat([header, question, record(Buffer.from([0xc0, 33]))]);
    expect(decodeFast(looping)).toBeUndefined();
    expect(() => decodeMessage(looping)).toThrow(/bad pointer/);
  });
});
