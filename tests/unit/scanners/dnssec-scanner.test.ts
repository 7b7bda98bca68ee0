// The DNSSEC scanner when the resolver fails or answers with what it cannot use: no verdict it
// cannot stand behind, no grade, and a run that fails only when nothing was answered at all.
import * as packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { dnssecScanner, staleSignatures } from '../../../src/scanners/dnssec/scanner';
import type { SigCheck } from '../../../src/scanners/dnssec/verify';
import { checkScanContract, fakeNet, runScanner } from '../../helpers/scanner-harness';

const soaAnswer = (name: string): Uint8Array =>
  packet.encode({
    type: 'response',
    id: 1,
    flags: packet.RECURSION_DESIRED,
    questions: [{ type: 'SOA', name, class: 'IN' }],
    answers: [
      {
        type: 'SOA',
        name,
        ttl: 60,
        data: { mname: `ns.${name}`, rname: `h.${name}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
      },
    ],
  });

describe('dnssec scanner on a failing resolver', () => {
  it('fails the run when no query was answered', async () => {
    const net = fakeNet(() => new Error('127.0.0.1:53 timed out after 100 ms'));
    await expect(runScanner(dnssecScanner, { type: 'domain', value: 'example.test' }, net)).rejects.toThrow(
      /every DNS query for example\.test failed: asking the SOA of example\.test failed: 127\.0\.0\.1:53 timed out/,
    );
  });

  it('says "unknown", with no grade, when the DNSKEY query fails', async () => {
    const net = fakeNet((name, type) => {
      if (type === 'SOA') return { raw: soaAnswer(name), answers: [{ name, type: 'SOA', ttl: 60, data: '' }] };
      if (type === 'DNSKEY') return { rcode: 'SERVFAIL' };
      return {};
    });
    const run = await runScanner(dnssecScanner, { type: 'domain', value: 'example.test' }, net);
    checkScanContract(run, { category: 'dns' });
    const props = run.entities[0]?.props ?? {};
    expect(props.dnssec).toBe('unknown');
    expect(props.dnssecReasons).toEqual(['asking the DNSKEY of example.test failed: the resolver answered SERVFAIL']);
    expect(props['grade.dnssec']).toBeUndefined();
    expect(run.findings.map((f) => [f.severity, f.title])).toEqual([
      ['info', 'DNSSEC of example.test could not be checked'],
    ]);
  });

  it('says "unknown" when answers cannot be read, rather than calling the domain unsigned', async () => {
    const net = fakeNet(() => ({ raw: Uint8Array.of(0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 7) }));
    const run = await runScanner(dnssecScanner, { type: 'domain', value: 'example.test' }, net);
    expect(run.entities[0]?.props?.dnssec).toBe('unknown');
    expect(run.entities[0]?.props?.dnssecReasons).toEqual([
      'asking the SOA of example.test failed: the answer could not be read (a label runs past the end of the message)',
    ]);
  });
});

describe('stale signatures', () => {
  const sig = (owner: string, covers: string, status: SigCheck['status'], keyTag = 1): SigCheck => ({
    owner,
    covers,
    keyTag,
    algorithm: 13,
    signer: 'example.com',
    inception: '2026-01-01T00:00:00Z',
    expiration: '2026-02-01T00:00:00Z',
    status,
  });

  it('fails only the RRsets no valid signature covers; one beside a valid signature is a rollover', () => {
    const rollover = sig('example.com', 'DNSKEY', 'expired', 2);
    const broken = sig('www.example.com', 'A', 'expired');
    const early = sig('example.com', 'SOA', 'not-yet-valid');
    const result = staleSignatures([
      sig('example.com', 'DNSKEY', 'valid'),
      rollover,
      broken,
      early,
      sig('example.com', 'MX', 'valid'),
    ]);
    expect(result.alone).toEqual([broken, early]);
    expect(result.beside).toEqual([rollover]);
    expect(staleSignatures([sig('a.test', 'A', 'valid')])).toEqual({ alone: [], beside: [] });
  });
});
