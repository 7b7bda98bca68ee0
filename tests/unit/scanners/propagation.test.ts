import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyError,
  compareReplies,
  NXDOMAIN,
  partialRecords,
  type Reply,
  recordSet,
} from '../../../src/scanners/propagation/compare';
import { DEFAULT_RESOLVERS, propagationManifest } from '../../../src/scanners/propagation/manifest';
import { parseRecordTypes, parseResolvers, parseServer } from '../../../src/scanners/propagation/resolvers';
import { ScannerManifest } from '../../../src/shared/scanner';

const answer = (resolver: string, records: string[]): Reply => ({
  resolver,
  kind: 'answer',
  rcode: 'NOERROR',
  records,
});

describe('propagation options', () => {
  it('has a valid manifest whose default resolvers all parse', () => {
    expect(ScannerManifest.safeParse(propagationManifest).success).toBe(true);
    const { resolvers, errors } = parseResolvers(DEFAULT_RESOLVERS);
    expect(errors).toEqual([]);
    expect(resolvers.map((r) => `${r.name} ${r.server}`)).toEqual([
      'Google 8.8.8.8',
      'Cloudflare 1.1.1.1',
      'Quad9 9.9.9.9',
      'OpenDNS 208.67.222.222',
      'CleanBrowsing 185.228.168.9',
      'Yandex 77.88.8.8',
      'DNSPod 119.29.29.29',
      'KT 168.126.63.1',
    ]);
  });

  it('reads address, address:port, [v6]:port and names; rejects the rest', () => {
    expect(
      parseResolvers(['1.1.1.1', 'Lab=127.0.0.1:5353', 'v6=[2001:4860:4860::8888]:53', '2606:4700::1111']).resolvers,
    ).toEqual([
      { name: '1.1.1.1', server: '1.1.1.1', address: '1.1.1.1', port: 53 },
      { name: 'Lab', server: '127.0.0.1:5353', address: '127.0.0.1', port: 5353 },
      { name: 'v6', server: '[2001:4860:4860::8888]:53', address: '2001:4860:4860::8888', port: 53 },
      { name: '2606:4700::1111', server: '[2606:4700::1111]:53', address: '2606:4700::1111', port: 53 },
    ]);
    const { errors } = parseResolvers(['dns.google', 'x=8.8', 'y=1.2.3.4:70000', '']);
    expect(errors).toHaveLength(4);
    // The same server twice is asked once; the same name twice is told apart by its address.
    expect(parseResolvers(['A=1.1.1.1', 'B=1.1.1.1', 'A=9.9.9.9']).resolvers.map((r) => r.name)).toEqual([
      'A',
      'A (9.9.9.9)',
    ]);
  });

  it('round-trips any IPv4 address and port, and never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (address, port) => {
        expect(parseServer(`${address}:${port}`)).toEqual({ address, port });
        const [spec] = parseResolvers([`R=${address}:${port}`]).resolvers;
        expect(spec && parseServer(spec.server)).toEqual({ address, port });
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string()), (entries) => {
        const { resolvers, errors } = parseResolvers(entries);
        expect(resolvers.length + errors.length).toBeLessThanOrEqual(entries.length);
        for (const r of resolvers) expect(parseServer(r.server)).toEqual({ address: r.address, port: r.port });
      }),
    );
  });

  it('accepts only the comparable record types', () => {
    expect(parseRecordTypes(['a', 'MX', 'A', 'caa'])).toEqual({ types: ['A', 'MX', 'CAA'], errors: [] });
    expect(parseRecordTypes(['SOA']).errors).toHaveLength(1);
  });
});

describe('comparing answers', () => {
  it('compares answers as sets of normalised records', () => {
    expect(recordSet('NS', ['NS2.Example.com.', 'ns1.example.com', 'ns2.example.com'])).toEqual([
      'ns1.example.com',
      'ns2.example.com',
    ]);
    expect(recordSet('AAAA', ['2001:db8:0:0::1'])).toEqual(['2001:db8::1']);
    expect(recordSet('MX', ['10 MX.Example.com.'])).toEqual(['10 mx.example.com']);
    fc.assert(
      fc.property(fc.array(fc.ipV4()), (addresses) => {
        const shuffled = [...addresses].reverse();
        const a = compareReplies([answer('x', recordSet('A', addresses)), answer('y', recordSet('A', shuffled))]);
        expect(a.status).toBe('agree');
      }),
    );
  });

  it('groups resolvers by answer, majority first, and keeps failures apart', () => {
    const comparison = compareReplies([
      answer('Google', ['185.220.101.47']),
      answer('Yandex', ['45.137.21.9']),
      answer('Quad9', ['185.220.101.47']),
      { resolver: 'Dead', kind: 'failed', reason: 'timeout', message: 'timed out' },
    ]);
    expect(comparison.status).toBe('disagree');
    expect(comparison.groups).toEqual([
      { answer: ['185.220.101.47'], resolvers: ['Google', 'Quad9'] },
      { answer: ['45.137.21.9'], resolvers: ['Yandex'] },
    ]);
    expect(comparison.failed.map((f) => f.resolver)).toEqual(['Dead']);
    expect([...partialRecords(comparison)]).toEqual([
      ['185.220.101.47', ['Google', 'Quad9']],
      ['45.137.21.9', ['Yandex']],
    ]);
  });

  it('treats NXDOMAIN as an answer and a lone failure as no disagreement', () => {
    const nx = compareReplies([
      answer('a', ['1.2.3.4']),
      { resolver: 'b', kind: 'answer', rcode: 'NXDOMAIN', records: [] },
    ]);
    expect(nx.status).toBe('disagree');
    expect(nx.groups[1]?.answer).toBe(NXDOMAIN);
    const one = compareReplies([
      answer('a', ['1.2.3.4']),
      { resolver: 'b', kind: 'failed', reason: 'servfail', message: '' },
    ]);
    expect(one.status).toBe('agree');
    expect(partialRecords(one).size).toBe(0);
    expect(compareReplies([{ resolver: 'b', kind: 'failed', reason: 'refused', message: '' }]).status).toBe('failed');
  });

  it('classifies failures', () => {
    expect(classifyError('DNS query x A failed: 8.8.8.8:53 timed out after 500 ms (2 times)')).toBe('timeout');
    expect(classifyError('DNS query x A failed: connect to 192.0.2.1:53: connection refused')).toBe('refused');
    expect(classifyError('something else')).toBe('error');
  });
});
