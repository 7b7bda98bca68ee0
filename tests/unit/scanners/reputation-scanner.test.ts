// The reputation scanner over fake networks: lists that all refuse leave no score, failures are
// "not checked", DROP files that fail or come cut, the option's file names, bounded concurrency
// and cancellation.
import { describe, expect, it } from 'vitest';
import { dropFileNames } from '../../../src/scanners/reputation/drop-fetch';
import { DNSBLS } from '../../../src/scanners/reputation/lists';
import { reputationScanner } from '../../../src/scanners/reputation/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import type { HttpRequest, HttpResponse, Net } from '../../../src/shared/scanner';
import { checkScanContract, fakeNet, fakeNetStats, runScanner, type ScanRun } from '../../helpers/scanner-harness';

const IP_V4_LISTS = DNSBLS.filter((s) => s.subject === 'ip');

interface ReputationProp {
  listed: { list: string }[];
  clean: string[];
  unchecked: { list: string; reason: string }[];
}

function propsOf(run: ScanRun, value: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const e of run.entities) if (e.entity.value === value) Object.assign(props, e.props);
  return props;
}

const reputation = (run: ScanRun, value: string) => propsOf(run, value).reputation as ReputationProp;

/** A Net whose resolver answers `code` for every A question under a list zone, and whose HTTP serves `files`. */
function netWith(
  code: string | null,
  files: Record<string, Partial<HttpResponse> | Error> = {},
  stats = fakeNetStats(),
): Net {
  const base = fakeNet(
    (name, type) => {
      if (code === null || type !== 'A' || name.startsWith('1.0.0.127.')) return { rcode: 'NXDOMAIN' };
      return { answers: [{ name, type: 'A', ttl: 60, data: code }] };
    },
    { stats, delayMs: 2 },
  );
  return {
    ...base,
    endpoint: (name) => `https://drop.test/${name}`,
    http: async (request: HttpRequest) => {
      const file = files[request.url.split('/').at(-1) ?? ''];
      if (file instanceof Error) throw file;
      return {
        url: request.url,
        status: 404,
        statusText: 'Not Found',
        headers: [],
        body: new Uint8Array(),
        bodyTruncated: false,
        ...file,
      };
    },
  };
}

const body = (text: string): Partial<HttpResponse> => ({
  status: 200,
  statusText: 'OK',
  body: new TextEncoder().encode(text),
});

describe('the reputation scanner', () => {
  it('leaves no score when every list refuses, and says which could not be checked', async () => {
    const run = await runScanner(
      reputationScanner,
      { type: 'ip', value: '185.220.101.1' },
      netWith('127.255.255.254'),
      {
        dropFiles: [],
      },
    );
    checkScanContract(run, { category: 'reputation' });
    const rep = reputation(run, '185.220.101.1');
    expect(rep.listed).toEqual([]);
    expect(rep.clean).toEqual([]);
    expect(rep.unchecked.map((u) => u.list).sort()).toEqual(IP_V4_LISTS.map((s) => s.name).sort());
    expect('grade.reputation' in propsOf(run, '185.220.101.1')).toBe(false);
    expect(run.findings.map((f) => `${f.severity} ${f.title}`)).toEqual([
      `info ${IP_V4_LISTS.length} list(s) could not be checked for 185.220.101.1`,
    ]);
  });

  it('reports queries that fail as not checked', async () => {
    const net = fakeNet(() => new Error('DNS query failed: timed out'));
    const run = await runScanner(reputationScanner, { type: 'ip', value: '185.220.101.1' }, net, { dropFiles: [] });
    const rep = reputation(run, '185.220.101.1');
    expect(rep.unchecked).toHaveLength(IP_V4_LISTS.length);
    expect(rep.unchecked[0]?.reason).toMatch(/the query failed: DNS query failed: timed out/);
    expect(readCategoryScore(propsOf(run, '185.220.101.1'), 'reputation')).toBeNull();
    // Nothing answered, so the finding has nothing to cite.
    checkScanContract(run, {
      category: 'reputation',
      findingsWithoutEvidence: (t) => t.includes('could not be checked'),
    });
  });

  it('keeps DROP files that fail apart from those that answer, and trusts a cut file only for what it holds', async () => {
    const net = netWith(null, {
      'drop.txt': { status: 503, statusText: 'Service Unavailable', body: new TextEncoder().encode('busy') },
      'edrop.txt': body('; EDROP\n45.9.148.0/25 ; SBL9\n'),
      'drop_v4.json': { ...body('{"cidr":"5.42.92.0/24","sblid":"SBL1"}\n{"cidr":"45.9.1'), bodyTruncated: true },
      'drop_v6.txt': new Error('connection reset'),
    });
    const options = { dropFiles: ['drop.txt', 'edrop.txt', 'drop_v4.json', 'drop_v6.txt'] };
    const inside = await runScanner(reputationScanner, { type: 'ip', value: '5.42.92.7' }, net, options);
    checkScanContract(inside, { category: 'reputation' });
    const rep = reputation(inside, '5.42.92.7');
    expect(rep.listed.map((l) => l.list)).toEqual(['Spamhaus DROP']);
    expect(rep.unchecked).toEqual([{ list: 'Spamhaus DROP', reason: 'drop.txt was answered with HTTP 503' }]);
    expect(rep.clean).toContain('Spamhaus EDROP');
    expect(rep.clean).not.toContain('Spamhaus DROPv6');

    const outside = await runScanner(reputationScanner, { type: 'ip', value: '45.9.148.200' }, net, options);
    expect(reputation(outside, '45.9.148.200').unchecked.map((u) => u.reason)).toEqual([
      'drop.txt was answered with HTTP 503',
      expect.stringMatching(/^drop_v4\.json was cut at \d+ bytes$/),
    ]);
    const v6 = await runScanner(reputationScanner, { type: 'ip', value: '2a01:4f8::1' }, net, options);
    expect(reputation(v6, '2a01:4f8::1').unchecked).toContainEqual({
      list: 'Spamhaus DROPv6',
      reason: 'drop_v6.txt could not be fetched: connection reset',
    });
  });

  it('asks nothing about an address that is not public, such as a loopback a domain points to', async () => {
    const stats = fakeNetStats();
    const net = fakeNet(
      (name, type) => {
        if (name === 'loopback.example' && type === 'A')
          return { answers: [{ name, type, ttl: 60, data: '127.0.0.2' }] };
        return { rcode: 'NXDOMAIN' };
      },
      { stats },
    );
    const run = await runScanner(reputationScanner, { type: 'domain', value: 'loopback.example' }, net, {
      dropFiles: [],
    });
    checkScanContract(run, { category: 'reputation' });
    expect(run.findings.map((f) => f.title)).toContain('127.0.0.2 is not a public address: no blacklist was asked');
    expect(propsOf(run, '127.0.0.2')).toEqual({});
    // A and AAAA, then only the domain lists: each name and its self-test.
    const domainLists = DNSBLS.filter((s) => s.subject === 'domain').length;
    expect(stats.queries).toBe(2 + 2 * domainLists);
  });

  it('takes only plain file names from the option', () => {
    expect(dropFileNames(['drop.txt', '../secret', 'a/b', '.hidden', 'drop.txt', 7, 'x..y'])).toEqual(['drop.txt']);
    expect(dropFileNames(undefined)).toEqual(['drop.txt', 'edrop.txt', 'drop_v6.txt']);
    expect(dropFileNames([])).toEqual([]);
  });

  it('keeps at most four questions in flight', async () => {
    const stats = fakeNetStats();
    await runScanner(reputationScanner, { type: 'ip', value: '185.220.101.1' }, netWith(null, {}, stats), {
      dropFiles: [],
    });
    // One question and one self-test per list.
    expect(stats.queries).toBe(2 * IP_V4_LISTS.length);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    const stats = fakeNetStats();
    const net = fakeNet(
      () => {
        controller.abort(new Error('cancelled by the analyst'));
        return { rcode: 'NXDOMAIN' };
      },
      { stats, delayMs: 2 },
    );
    await expect(
      runScanner(
        reputationScanner,
        { type: 'ip', value: '185.220.101.1' },
        net,
        { dropFiles: [] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow(/cancelled/);
    expect(stats.queries).toBeLessThan(2 * IP_V4_LISTS.length);
  });

  it('refuses what it cannot check', async () => {
    const net = netWith(null);
    await expect(runScanner(reputationScanner, { type: 'url', value: 'https://x.example/' }, net)).rejects.toThrow(
      /does not accept url/,
    );
    await expect(runScanner(reputationScanner, { type: 'ip', value: '1.2.3' }, net)).rejects.toThrow(
      /not a valid IP address/,
    );
  });
});
