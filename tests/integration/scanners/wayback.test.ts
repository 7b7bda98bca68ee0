// The Wayback scanner against the nova-parcels lab's CDX stand-in, and a small CDX server of
// this test's own for re-registered names and malformed answers.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet } from '../../../src/core/net';
import type { Lab } from '../../../src/lab/lab';
import { waybackScanner } from '../../../src/scanners/wayback/scanner';
import type { Props } from '../../../src/shared/model';
import type { Net, ScanEvent } from '../../../src/shared/scanner';
import { checkScanContract, runScanner, startLabNet } from '../../helpers/scanner-harness';

/** Runs the scanner and checks the scan-event contract; the events, in order. */
async function scan(net: Net, value: string, props: Props = {}): Promise<ScanEvent[]> {
  const run = await runScanner(waybackScanner, { type: 'domain', value, props }, net);
  // An unreadable CDX answer ends the run early, without progress 1.
  checkScanContract(run, { category: 'web', progressEndsAtOne: false });
  return run.events;
}

const propsOf = (events: ScanEvent[], value: string) =>
  events.find((e) => e.kind === 'entity' && e.entity.value === value && e.entity.type === 'domain');
const findings = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'finding' ? [e] : []));

describe('wayback scanner against the nova-parcels lab', () => {
  let lab: Lab;
  let net: Net;
  beforeAll(async () => {
    ({ lab, net } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it("counts harbor-bakery.com's captures per year", async () => {
    const events = await scan(net, 'harbor-bakery.com', { created: '2019-03-12T14:22:05Z' });
    const entity = propsOf(events, 'harbor-bakery.com');
    expect(entity?.kind === 'entity' ? entity.props : undefined).toEqual({
      waybackSnapshots: 3,
      waybackCapturesPerYear: { '2019': 1, '2022': 1, '2026': 1 },
      waybackFirstCapture: '2019-04-01T08:00:00.000Z',
      waybackLastCapture: '2026-01-10T08:00:00.000Z',
    });
    // Registered before the first capture: no re-registration finding.
    expect(findings(events)).toEqual([]);
    const evidence = events.find((e) => e.kind === 'evidence');
    expect(evidence?.kind === 'evidence' ? evidence.source : '').toContain('matchType=domain');
    expect(evidence?.kind === 'evidence' ? JSON.parse(evidence.content) : null).toHaveLength(4);
  });

  it('flags captures older than the registration', async () => {
    const events = await scan(net, 'harbor-bakery.com', { created: '2021-06-01T00:00:00Z' });
    const finding = findings(events).find(
      (f) => f.title === 'harbor-bakery.com was archived before its current registration',
    );
    expect(finding?.severity).toBe('medium');
    expect(finding?.detail).toContain('1 capture(s), the first on 2019-04-01T08:00:00.000Z');
    expect(finding?.evidence).toEqual(['1:wayback:cdx']);
  });

  it('reports a domain with no captures', async () => {
    const events = await scan(net, 'nova-tracking.net');
    expect(findings(events).map((f) => [f.severity, f.title])).toEqual([
      ['info', 'The Wayback Machine has no captures of nova-tracking.net'],
    ]);
  });
});

describe('wayback scanner with odd answers', () => {
  let server: Server;
  let net: Net;
  let body = '[]';
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    net = createNet({
      resolvers: ['127.0.0.1:9'],
      proxy: null,
      timeoutMs: 2000,
      retries: 0,
      endpoints: { wayback: `http://127.0.0.1:${port}` },
    });
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('turns a wrong shape into a finding', async () => {
    status = 200;
    body = JSON.stringify({ errorCode: 404, title: 'Not Found', description: ['nope'] });
    const events = await scan(net, 'example.org');
    expect(findings(events).map((f) => f.title)).toEqual(['The Wayback CDX answer for example.org could not be read']);
  });

  it('skips bad rows and counts the rest', async () => {
    body = JSON.stringify([
      ['timestamp', 'original', 'statuscode', 'mimetype'],
      ['20200230000000', 'http://example.org/', '200', 'text/html'],
      ['20200101000000', 'http://example.org/', '200', 'text/html'],
      [1, 2],
    ]);
    const events = await scan(net, 'example.org');
    const entity = propsOf(events, 'example.org');
    expect(entity?.kind === 'entity' ? entity.props?.waybackSnapshots : undefined).toBe(1);
    expect(findings(events).map((f) => f.title)).toEqual(['2 Wayback row(s) for example.org had an unexpected shape']);
  });

  it('lists archived sensitive URLs the archive served, most severe first, each once', async () => {
    status = 200;
    const row = (time: string, url: string, code: string) => [time, url, code, 'application/octet-stream'];
    body = JSON.stringify([
      ['timestamp', 'original', 'statuscode', 'mimetype'],
      row('20190101000000', 'http://example.org/', '200'),
      row('20200101000000', 'http://example.org/admin/login.php', '200'),
      row('20210101000000', 'http://example.org/backup.zip', '200'),
      row('20220101000000', 'http://example.org/backup.zip', '200'),
      row('20230101000000', 'http://example.org/.env', '404'),
      row('20230101000000', 'http://example.org/about', '200'),
    ]);
    const events = await scan(net, 'example.org');
    const finding = findings(events).find((f) => f.title.includes('sensitive paths'));
    expect(finding?.title).toBe('The Wayback Machine holds 2 archived URL(s) of example.org with sensitive paths');
    const listed = (finding?.detail ?? '').split('\n').slice(1);
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(/^2022-01-01T00:00:00\.000Z http:\/\/example\.org\/backup\.zip \(/);
    expect(listed[1]).toMatch(/^2020-01-01T00:00:00\.000Z http:\/\/example\.org\/admin\/login\.php \(/);
    expect(finding?.detail).not.toContain('.env');
    const entity = propsOf(events, 'example.org');
    expect(entity?.kind === 'entity' ? entity.props?.waybackSensitive : undefined).toEqual([
      'http://example.org/backup.zip',
      'http://example.org/admin/login.php',
    ]);
  });

  it('fails the run on an HTTP error', async () => {
    status = 503;
    body = 'busy';
    await expect(scan(net, 'example.org')).rejects.toThrow(/HTTP 503/);
    status = 200;
  });
});
