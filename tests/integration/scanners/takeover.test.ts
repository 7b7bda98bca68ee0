// The takeover scanner against the hostile lab: dangling.hostile-lab.com aliases an S3 bucket
// nobody holds (the lab's S3 site answers NoSuchBucket), and a domain with no alias yields nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { takeoverScanner } from '../../../src/scanners/takeover/scanner';
import type { Net, ScanEvent } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, startLabNet } from '../../helpers/scanner-harness';

let hostile: Lab;
let nova: Lab;
let hostileNet: Net;
let novaNet: Net;

beforeAll(async () => {
  ({ lab: hostile, net: hostileNet } = await startLabNet('hostile'));
  ({ lab: nova, net: novaNet } = await startLabNet('nova-parcels'));
});
afterAll(async () => {
  await hostile?.stop();
  await nova?.stop();
});

/** Runs the scanner and checks the scan-event contract; the events, in order. */
async function scan(value: string, net: Net): Promise<ScanEvent[]> {
  const run = await runScanner(takeoverScanner, { type: 'domain', value }, net, { timeoutMs: 5000 });
  checkScanContract(run, { category: 'dns' });
  return run.events;
}

describe('takeover scanner', () => {
  it('confirms the dangling S3 alias of dangling.hostile-lab.com with the NoSuchBucket page', async () => {
    const events = await scan('dangling.hostile-lab.com', hostileNet);
    const findings = events.flatMap((e) => (e.kind === 'finding' ? [e] : []));
    expect(findings.map((f) => [f.severity, f.category, f.title])).toEqual([
      ['high', 'dns', 'dangling.hostile-lab.com can be taken over: it aliases an unclaimed AWS/S3 resource'],
    ]);
    const finding = findings[0];
    expect(finding?.detail).toContain('CNAME chain: dangling.hostile-lab.com → hostile-lab-assets.s3.amazonaws.com');
    expect(finding?.detail).toContain('http://dangling.hostile-lab.com/ answered HTTP 404');
    expect(finding?.detail).toContain('"NoSuchBucket"');
    // Cited: the CNAME answers (text and raw) and the page.
    const evidence = new Map(events.flatMap((e) => (e.kind === 'evidence' ? [[e.ref, e] as const] : [])));
    for (const ref of finding?.evidence ?? []) expect(evidence.has(ref)).toBe(true);
    const page = evidence.get('http:http://dangling.hostile-lab.com/');
    expect(page?.content).toContain('<Code>NoSuchBucket</Code>');
    expect(page?.content).toMatch(/^HTTP\/1\.1 404 /);
    const dns = [...evidence.values()].find((e) => e.source.includes('dangling.hostile-lab.com?type=A'));
    expect(dns?.content).toContain('hostile-lab-assets.s3.amazonaws.com');
    expect(events.some((e) => e.kind === 'entity' || e.kind === 'relation')).toBe(false);
  });

  it('yields nothing for a domain that aliases no known service', async () => {
    const events = await scan('nova-parcels.com', novaNet);
    expect(events.filter((e) => e.kind !== 'progress')).toEqual([]);
    const www = await scan('hostile-lab.com', hostileNet);
    expect(www.filter((e) => e.kind !== 'progress')).toEqual([]);
  });

  it('stops at a CNAME loop without a finding', async () => {
    const events = await scan('loop1.hostile-lab.com', hostileNet);
    expect(events.filter((e) => e.kind === 'finding')).toEqual([]);
  });
});
