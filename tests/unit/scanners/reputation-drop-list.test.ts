// The DROP reader: Spamhaus' text and NDJSON files, arbitrary text never throws, every block it
// is given is read back exactly, and matching agrees with arithmetic on the addresses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blocksHolding, canonicalCidr, parseDropList } from '../../../src/scanners/reputation/drop-list';

const TEXT = `; Spamhaus DROP List 2024/05/01 - (c) 2024 The Spamhaus Project SLU
; https://www.spamhaus.org/drop/drop.txt
; Last-Modified: Wed, 01 May 2024 10:00:00 GMT
; Expires: Wed, 01 May 2024 11:00:00 GMT
1.10.16.0/20 ; SBL256894
2.56.192.0/22 ; SBL459831\r
5.42.92.0/24 ; SBL611212
`;

const NDJSON = `{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
{"cidr":"2.56.192.0/22","sblid":"SBL459831","rir":"ripencc"}
{"type":"metadata","timestamp":1714557600,"size":123,"records":2,"copyright":"(c) 2024 The Spamhaus Project SLU","terms":"https://www.spamhaus.org/drop/terms/"}
`;

describe('DROP files', () => {
  it('reads the text format, comments and CRLF included', () => {
    expect(parseDropList(TEXT)).toEqual({
      blocks: [
        { cidr: '1.10.16.0/20', sbl: 'SBL256894' },
        { cidr: '2.56.192.0/22', sbl: 'SBL459831' },
        { cidr: '5.42.92.0/24', sbl: 'SBL611212' },
      ],
      skipped: 0,
    });
  });

  it('reads the NDJSON format, skipping the metadata line', () => {
    expect(parseDropList(NDJSON)).toEqual({
      blocks: [
        { cidr: '1.10.16.0/20', sbl: 'SBL256894' },
        { cidr: '2.56.192.0/22', sbl: 'SBL459831' },
      ],
      skipped: 0,
    });
  });

  it('reads DROPv6 lines, normalises host bits and keeps a repeated block once', () => {
    expect(parseDropList('2001:DB8:0:0::/32 ; SBL1\n2001:db8::1/32 ; SBL2\n198.51.100.130/25\n').blocks).toEqual([
      { cidr: '2001:db8::/32', sbl: 'SBL1' },
      { cidr: '198.51.100.128/25', sbl: null },
    ]);
  });

  it('counts what is not a block, and refuses blocks too broad to be a DROP entry', () => {
    const parsed = parseDropList(
      '<html>oops</html>\n0.0.0.0/0 ; SBL1\n::/0 ; SBL2\n300.1.1.1/24\n1.2.3/24\n{"cidr":7}\n[1]\n',
    );
    expect(parsed).toEqual({ blocks: [], skipped: 7 });
    expect(canonicalCidr('10.0.0.0/7')).toBeUndefined();
    expect(canonicalCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(canonicalCidr('010.0.0.0/8')).toBeUndefined();
    expect(canonicalCidr('2001:db8::/15')).toBeUndefined();
    expect(canonicalCidr('1.2.3.4/33')).toBeUndefined();
    expect(canonicalCidr('2001:db8::/129')).toBeUndefined();
  });

  it('ignores an SBL id that is not one', () => {
    expect(parseDropList('192.0.2.0/24 ; <script>\n').blocks).toEqual([{ cidr: '192.0.2.0/24', sbl: null }]);
    expect(parseDropList('{"cidr":"192.0.2.0/24","sblid":{"x":1}}').blocks).toEqual([
      { cidr: '192.0.2.0/24', sbl: null },
    ]);
  });

  it('never throws on arbitrary text, and every block it keeps is canonical', () => {
    const line = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom(';', '{', '{"cidr":"', '/', ' ; SBL', '::', '\u0000'),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ cidr: fc.string(), sblid: fc.string() }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const parsed = parseDropList(lines.join('\n'));
        for (const block of parsed.blocks) expect(canonicalCidr(block.cidr)).toBe(block.cidr);
        expect(parsed.blocks.length + parsed.skipped).toBeLessThanOrEqual(lines.join('\n').split('\n').length);
      }),
    );
  });

  const v4Block = fc
    .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 8, max: 32 }))
    .map(([octets, bits]) => {
      const value = octets.reduce((n, o) => n * 256 + o, 0);
      const network = bits === 0 ? 0 : value - (value % 2 ** (32 - bits));
      const text = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
      return { cidr: `${text}/${bits}`, network, bits };
    });
  const sbl = fc.option(
    fc.integer({ min: 1, max: 999_999 }).map((n) => `SBL${n}`),
    { nil: null },
  );

  it('reads back exactly the blocks it is given, in either format, among comments', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(v4Block, sbl), { selector: ([b]) => b.cidr, maxLength: 20 }),
        fc.boolean(),
        (entries, json) => {
          const lines = [`; comment ${entries.length}`];
          for (const [block, id] of entries) {
            lines.push(
              json
                ? JSON.stringify({ cidr: block.cidr, ...(id ? { sblid: id } : {}) })
                : `${block.cidr}${id ? ` ; ${id}` : ''}`,
            );
            lines.push('; between');
          }
          if (json) lines.push(JSON.stringify({ type: 'metadata', records: entries.length }));
          expect(parseDropList(lines.join('\n'))).toEqual({
            blocks: entries.map(([block, id]) => ({ cidr: block.cidr, sbl: id })),
            skipped: 0,
          });
        },
      ),
    );
  });

  it('matches an IPv4 address exactly when its leading bits are the block', () => {
    fc.assert(
      fc.property(v4Block, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (block, address) => {
        const text = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
        const inside =
          Math.floor(address / 2 ** (32 - block.bits)) === Math.floor(block.network / 2 ** (32 - block.bits));
        expect(blocksHolding([{ cidr: block.cidr, sbl: null }], text)).toHaveLength(inside ? 1 : 0);
      }),
    );
  });

  it('matches IPv6 blocks, reads an IPv4-mapped address as IPv4, and never mixes families', () => {
    const blocks = parseDropList('2001:db8:dead::/48\n203.0.113.0/24\n').blocks;
    expect(blocksHolding(blocks, '2001:db8:dead:1::5').map((b) => b.cidr)).toEqual(['2001:db8:dead::/48']);
    expect(blocksHolding(blocks, '2001:db8:beef::5')).toEqual([]);
    expect(blocksHolding(blocks, '::ffff:203.0.113.9').map((b) => b.cidr)).toEqual(['203.0.113.0/24']);
    expect(blocksHolding(blocks, '203.0.114.1')).toEqual([]);
    expect(blocksHolding(blocks, 'not an address')).toEqual([]);
  });
});
