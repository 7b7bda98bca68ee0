// The whois scanner over a scripted Net: how a registry's "no match" is weighed against DNS, and
// how lookups that gave nothing are told to the investigator. Port 43 is unreachable here, the
// bootstrap RDAP server's name does not resolve, and the configured RDAP service has no record.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { whoisScanner } from '../../../src/scanners/whois/scanner';
import type { DnsResponse, Net } from '../../../src/shared/scanner';
import { checkScanContract, type FakeAnswer, fakeNet, runScanner } from '../../helpers/scanner-harness';

const RDAP = 'http://rdap.lab.test/rdap';

function whoisNet(dns: FakeAnswer): Net {
  const base = fakeNet(dns, { delayMs: 1 });
  return {
    ...base,
    dial: (options) => Promise.reject(new Error(`cannot resolve ${options.host} (A: NXDOMAIN; AAAA: NXDOMAIN)`)),
    http: async (request) => {
      const url = new URL(request.url);
      if (!request.url.startsWith(RDAP)) {
        throw new Error(`HTTP GET ${request.url}: cannot resolve ${url.hostname} (A: NXDOMAIN; AAAA: NXDOMAIN)`);
      }
      const body = new TextEncoder().encode(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
      return { url: request.url, status: 404, statusText: 'Not Found', headers: [], body, bodyTruncated: false };
    },
    endpoint: (name) => {
      if (name === 'rdap') return RDAP;
      throw new Error(`no ${name} endpoint`);
    },
  };
}

async function scan(value: string, dns: FakeAnswer) {
  const run = await runScanner(whoisScanner, { type: 'domain', value }, whoisNet(dns), { serverIntervalMs: 0 });
  checkScanContract(run, {
    category: 'registration',
    findingsWithoutEvidence: (title) => title.startsWith('Some registration lookups'),
  });
  return run;
}

const ns = (name: string, hosts: string[]): Partial<DnsResponse> => ({
  answers: hosts.map((data) => ({ name: `${name}.`, type: 'NS', ttl: 300, data })),
});

describe('a "no match" weighed against DNS', () => {
  it('calls a delegated name a contradiction, naming its name servers', async () => {
    const run = await scan('ghost.com', (name, type) =>
      type === 'NS' ? ns(name, ['ns1.host.net', 'ns2.host.net']) : {},
    );
    const finding = run.findings.find((f) => f.title.startsWith('The registry has no record'));
    expect(finding?.title).toBe(
      'The registry has no record of ghost.com, yet it is delegated in DNS (NS ns1.host.net, ns2.host.net)',
    );
    expect(finding?.severity).toBe('low');
    expect(finding?.detail).toContain(`${RDAP}/domain/ghost.com says no domain ghost.com is registered`);
    expect(finding?.evidence).toEqual(
      expect.arrayContaining(['1:NS:ghost.com', '1:NS:ghost.com:raw', '2:SOA:ghost.com', '2:SOA:ghost.com:raw']),
    );
    expect(run.findings.some((f) => f.title.endsWith('is not registered'))).toBe(false);
  });

  it('takes an SOA of its own as a delegation too', async () => {
    const run = await scan('soa-only.com', (name, type) =>
      type === 'SOA' ? { answers: [{ name, type: 'SOA', ttl: 300, data: 'ns.x.net host.x.net 1 2 3 4 5' }] } : {},
    );
    expect(run.findings.map((f) => f.title)).toContain(
      'The registry has no record of soa-only.com, yet it is delegated in DNS (it has an SOA record of its own)',
    );
  });

  it('agrees with the registry when DNS has no such name, or no zone at it', async () => {
    const nx = await scan('free.com', () => ({ rcode: 'NXDOMAIN' }));
    const verdict = nx.findings.find((f) => f.title === 'free.com is not registered');
    expect(verdict?.severity).toBe('info');
    expect(verdict?.detail).toContain('DNS agrees: the resolver answered NXDOMAIN (no such name) for free.com');
    // Records about other names (the parent's NS in an answer) delegate nothing to this one.
    const empty = await scan('empty.com', (_name, type) => (type === 'NS' ? ns('com', ['a.gtld.test']) : {}));
    expect(empty.findings.find((f) => f.title === 'empty.com is not registered')?.detail).toContain(
      'empty.com has no NS or SOA record of its own',
    );
  });

  it('says what is unknown when DNS cannot tell', async () => {
    for (const dns of [() => ({ rcode: 'SERVFAIL' }), () => new Error('DNS query failed: timed out')] as FakeAnswer[]) {
      const run = await scan('unsure.com', dns);
      const finding = run.findings.find((f) => f.title === 'The registry has no record of unsure.com');
      expect(finding?.severity).toBe('info');
      expect(finding?.detail).toMatch(/could not be checked \(NS: (the resolver answered SERVFAIL|DNS query failed)/);
      expect(run.findings.some((f) => f.title.endsWith('is not registered'))).toBe(false);
    }
  });

  it('reads arbitrary DNS answers into one of the three verdicts, never throwing', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('x.com', 'X.COM.', 'ns.y.net', '', '.', '\\000'),
    );
    const record = fc.record({
      name: text,
      type: fc.constantFrom('NS', 'SOA', 'A', 'CNAME', 'WEIRD'),
      ttl: fc.integer(),
      data: text,
    });
    const response = fc.oneof(
      fc.record({
        rcode: fc.constantFrom('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'NOTIMP'),
        answers: fc.array(record, { maxLength: 8 }),
        authorities: fc.array(record, { maxLength: 2 }),
        raw: fc.uint8Array({ maxLength: 20 }),
      }),
      fc.constant(new Error('no answer')),
    );
    await fc.assert(
      fc.asyncProperty(response, response, async (forNs, forSoa) => {
        const run = await scan('x.com', (_name, type) => (type === 'NS' ? forNs : forSoa));
        const verdicts = run.findings.filter(
          (f) => f.title.startsWith('The registry has no record') || f.title === 'x.com is not registered',
        );
        expect(verdicts).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('lookups that gave nothing', () => {
  it('lists each one with who was asked and why, in plain words', async () => {
    const run = await scan('free.com', () => ({ rcode: 'NXDOMAIN' }));
    const failed = run.findings.find((f) => f.title === 'Some registration lookups for free.com failed');
    expect(failed?.severity).toBe('info');
    expect(failed?.detail.split('\n')).toEqual([
      'These lookups gave nothing:',
      "- the .com registry's WHOIS server whois.verisign-grs.com: the name whois.verisign-grs.com does not resolve (A: NXDOMAIN; AAAA: NXDOMAIN)",
      "- IANA's WHOIS server whois.iana.org: the name whois.iana.org does not resolve (A: NXDOMAIN; AAAA: NXDOMAIN)",
      '- RDAP https://rdap.verisign.com/com/v1/domain/free.com: the name rdap.verisign.com does not resolve (A: NXDOMAIN; AAAA: NXDOMAIN)',
    ]);
  });

  it('fails the run with the same reasons when nothing answered at all', async () => {
    const net = whoisNet(() => ({}));
    const silent: Net = {
      ...net,
      endpoint: () => {
        throw new Error('no RDAP service is configured');
      },
    };
    await expect(runScanner(whoisScanner, { type: 'domain', value: 'x.com' }, silent, {})).rejects.toThrow(
      "no WHOIS or RDAP answer for x.com: the .com registry's WHOIS server whois.verisign-grs.com: the name whois.verisign-grs.com does not resolve",
    );
  });
});
