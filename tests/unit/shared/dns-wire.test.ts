// The shared DNS readers (src/shared/dns): names, messages and DNSSEC RDATA read from bytes. They
// read what a resolver hands over, so any bytes must give a result or a DnsWireError, quickly.
import * as packet from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRdata, canonicalRrset, keyTag } from '../../../src/shared/dns/canonical';
import {
  parseDnskey,
  parseDs,
  parseNsec,
  parseNsec3,
  parseRrsig,
  parseTypeBitmap,
  rrsigHead,
} from '../../../src/shared/dns/dnssec-rdata';
import { parseMessage } from '../../../src/shared/dns/message';
import { DnsWireError, nameLabels, nameText, nameWire, readName } from '../../../src/shared/dns/name';
import { DNS_TYPE_CODES, dnsTypeCode, dnsTypeName } from '../../../src/shared/dns/types';

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

/** Runs `read`; a DnsWireError is an answer, anything else thrown is a bug. */
function readsOrRefuses(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(DnsWireError);
  }
}

const label = fc.stringMatching(/^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,10}[A-Za-z0-9_])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));

describe('type codes', () => {
  it('has one table both ways, and RFC 3597 names for the rest', () => {
    for (const [name, code] of Object.entries(DNS_TYPE_CODES)) {
      expect(dnsTypeCode(name)).toBe(code);
      expect(dnsTypeName(code)).toBe(name);
    }
    expect(dnsTypeCode('toString')).toBeUndefined();
    expect(dnsTypeName(65280)).toBe('TYPE65280');
  });
});

describe('names', () => {
  it('follows compression pointers and stops loops and overruns', () => {
    // "a.example" at 0, then "www" + pointer to 0.
    const message = bytes('01 61 07 6578616d706c65 00 03 777777 c000');
    expect(nameText(readName(message, 0).labels)).toBe('a.example');
    const www = readName(message, 11);
    expect(nameText(www.labels)).toBe('www.a.example');
    expect(www.next).toBe(17);
    expect(() => readName(bytes('c000'), 0)).toThrow(/loop/);
    expect(() => readName(bytes('05 6162'), 0)).toThrow(DnsWireError);
    expect(() => readName(bytes('40 00'), 0)).toThrow(/reserved/);
  });

  it('writes canonical wire form and escapes what could pass for another name', () => {
    expect(hex(nameWire(nameLabels('WWW.Example.'))).toUpperCase()).toBe('03777777076578616D706C6500');
    expect(hex(nameWire([]))).toBe('00');
    expect(nameText([Uint8Array.of(0x61, 0x2e, 0x62), Uint8Array.of(0x20, 0x5c)])).toBe('a\\046b.\\032\\092');
  });

  it('never throws anything but DnsWireError on arbitrary bytes, and stays inside them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, start) => {
        try {
          const name = readName(data, start);
          expect(name.labels.reduce((n, l) => n + l.length + 1, 1)).toBeLessThanOrEqual(255);
        } catch (error) {
          expect(error).toBeInstanceOf(DnsWireError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('messages', () => {
  it('reads what dns-packet writes, with names in RDATA decompressed and lowercased', () => {
    // dns-packet never compresses; this answer points its MX exchange at the question name.
    const message = bytes(`
      1234 8180 0001 0001 0000 0000
      03 575757 07 4578616d706c65 00 000f 0001
      c00c 000f 0001 0000012c 0008 000a 03 4d5831 c010`);
    // Question at 12: "WWW.Example", its "Example" at 16. Answer: owner pointer, MX 10 "MX1" + pointer.
    const parsed = parseMessage(message);
    expect(parsed.questions).toEqual([{ name: 'www.example', type: 15 }]);
    const [mx] = parsed.answers;
    expect(mx?.name).toBe('www.example');
    expect(mx?.ttl).toBe(300);
    expect(hex(mx?.rdata ?? new Uint8Array())).toBe(`000a${hex(nameWire(nameLabels('mx1.example')))}`);
  });

  it('round-trips records dns-packet encodes', () => {
    const record = fc.oneof(
      fc.ipV4().map((data) => ({ type: 'A' as const, data })),
      domain.map((data) => ({ type: 'NS' as const, data })),
      fc.record({ preference: fc.nat(65535), exchange: domain }).map((data) => ({ type: 'MX' as const, data })),
    );
    fc.assert(
      fc.property(domain, fc.array(record, { maxLength: 5 }), (owner, records) => {
        const wire = packet.encode({
          type: 'response',
          id: 7,
          answers: records.map((r) => ({ ...r, name: owner, ttl: 60 }) as packet.Answer),
        });
        const parsed = parseMessage(wire);
        expect(parsed.answers.map((a) => [a.name, a.type])).toEqual(
          records.map((r) => [owner.toLowerCase(), DNS_TYPE_CODES[r.type]]),
        );
      }),
    );
  });

  it('never throws anything but DnsWireError on arbitrary bytes', () => {
    const header = fc.tuple(fc.nat(65535), fc.nat(65535), fc.nat(8), fc.nat(8), fc.nat(8), fc.nat(8));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 600 }), ([id, flags, qd, an, ns, ar], body) => {
        const head = new Uint8Array(12);
        const view = new DataView(head.buffer);
        for (const [i, v] of [id, flags, qd, an, ns, ar].entries()) view.setUint16(i * 2, v);
        readsOrRefuses(() => parseMessage(Uint8Array.from([...head, ...body])));
        readsOrRefuses(() => parseMessage(body));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('canonical RDATA and RRsets', () => {
  it('lowercases the names of SOA and RRSIG, and leaves other types alone', () => {
    const soa = packet.encode({
      type: 'response',
      answers: [
        {
          type: 'SOA',
          name: 'x',
          data: { mname: 'NS1.X', rname: 'Host.X', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 },
        },
      ],
    });
    const serials = '0000000100000002000000030000000400000005';
    expect(hex(parseMessage(soa).answers[0]?.rdata ?? new Uint8Array())).toBe(
      hex(nameWire(nameLabels('ns1.x'))) + hex(nameWire(nameLabels('host.x'))) + serials,
    );
    const txt = Uint8Array.of(3, 0x41, 0x42, 0x43);
    expect(canonicalRdata(16, txt, 0, 4)).toEqual(txt);
    expect(() => canonicalRdata(15, Uint8Array.of(0, 10), 0, 2)).toThrow(DnsWireError);
  });

  it('orders RDATA as unsigned octets and drops duplicates', () => {
    const owner = nameWire(nameLabels('a'));
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 6 }), (rdatas) => {
        const once = canonicalRrset(owner, 1, rdatas, 60);
        expect(canonicalRrset(owner, 1, [...rdatas].reverse().concat(rdatas), 60)).toEqual(once);
        const distinct = new Set(rdatas.map(hex));
        const perRecord = owner.length + 10;
        const size = [...distinct].reduce((n, h) => n + perRecord + h.length / 2, 0);
        expect(once.length).toBe(size);
      }),
    );
  });
});

describe('DNSSEC RDATA', () => {
  it('reads RRSIG, DNSKEY, DS, NSEC and NSEC3 as dns-packet writes them', () => {
    const rrsig = {
      typeCovered: 'A',
      algorithm: 13,
      labels: 2,
      originalTTL: 300,
      expiration: 4_000_000_000,
      inception: 1_700_000_000,
      keyTag: 4242,
      signersName: 'Example.COM',
      signature: Buffer.from('signature'),
    };
    const codec = (packet as unknown as { record(t: string): { encode(d: unknown): Buffer } }).record;
    // As a resolver's answer arrives: a Uint8Array, not a Buffer.
    const encode = (type: string, data: unknown): Uint8Array => Uint8Array.from(codec(type).encode(data).subarray(2));
    const sig = parseRrsig(encode('RRSIG', rrsig));
    expect(sig).toMatchObject({ typeCovered: 1, algorithm: 13, labels: 2, originalTtl: 300, keyTag: 4242 });
    expect(sig.expiration).toBe(4_000_000_000);
    expect(nameText(sig.signer)).toBe('example.com');
    expect(Buffer.from(sig.signature).toString()).toBe('signature');
    // The head is the RDATA before the signature, with the signer lowercased.
    expect(hex(rrsigHead(sig))).toBe(
      hex(encode('RRSIG', { ...rrsig, signersName: 'example.com', signature: Buffer.alloc(0) })),
    );
    const key = parseDnskey(encode('DNSKEY', { flags: 257, algorithm: 8, key: Buffer.from([1, 2, 3]) }));
    expect(key).toEqual({ flags: 257, protocol: 3, algorithm: 8, publicKey: Uint8Array.of(1, 2, 3) });
    const ds = parseDs(encode('DS', { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.from([9, 9]) }));
    expect(ds).toEqual({ keyTag: 1, algorithm: 13, digestType: 2, digest: Uint8Array.of(9, 9) });
    const nsec = parseNsec(encode('NSEC', { nextDomain: 'b.example', rrtypes: ['A', 'RRSIG', 'NSEC', 'CAA'] }));
    expect(nameText(nsec.next)).toBe('b.example');
    expect(nsec.types).toEqual([1, 46, 47, 257]);
    const nsec3 = parseNsec3(
      encode('NSEC3', {
        algorithm: 1,
        flags: 0,
        iterations: 10,
        salt: Buffer.from([0xab]),
        nextDomain: Buffer.alloc(20, 7),
        rrtypes: ['NS', 'DS'],
      }),
    );
    expect(nsec3).toMatchObject({ hashAlgorithm: 1, iterations: 10, salt: Uint8Array.of(0xab), types: [2, 43] });
    expect(nsec3.nextHashed.length).toBe(20);
  });

  it('computes the key tags of RFC 6605 and RFC 5702', () => {
    const rdata = (flags: number, algorithm: number, key: string) =>
      Uint8Array.from([flags >> 8, flags & 0xff, 3, algorithm, ...Buffer.from(key, 'base64')]);
    expect(
      keyTag(
        rdata(257, 13, 'GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA=='),
      ),
    ).toBe(55648);
    expect(
      keyTag(
        rdata(256, 8, 'AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk='),
      ),
    ).toBe(9033);
  });

  it('never throws anything but DnsWireError on arbitrary RDATA', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (rdata) => {
        for (const read of [parseRrsig, parseDnskey, parseDs, parseNsec, parseNsec3]) readsOrRefuses(() => read(rdata));
        readsOrRefuses(() => parseTypeBitmap(rdata, 0));
      }),
      { numRuns: 3000 },
    );
  });
});
