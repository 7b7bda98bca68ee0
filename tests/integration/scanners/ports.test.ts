// The port scanner against the lab: nova-parcels' address (SSH and Postfix open, FTP and 8080
// closed, MySQL filtered), the hostile host's banners (ANSI, NUL and invalid UTF-8, a 1 MB line,
// hang, trickle, reset), and a scenario of exposed services of its own. Open, closed and
// filtered are told apart, products named as CVE lookups need them, risky services flagged and
// scored, the run's signal and the case's policy obeyed, and nothing leaves 127.0.0.0/8.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinScenario } from '../../../src/lab/builtin';
import type { Lab } from '../../../src/lab/lab';
import { Scenario } from '../../../src/lab/scenario/schema';
import { portsScanner } from '../../../src/scanners/ports/scanner';
import { readCategoryScore } from '../../../src/shared/grade';
import type { EntityType, JsonValue } from '../../../src/shared/model';
import { type Net, type ScanPolicy, scanPolicy } from '../../../src/shared/scanner';
import { recordSockets } from '../../helpers/record-sockets';
import { checkScanContract, fakeNet, runScanner, type ScanRun, startLabNet } from '../../helpers/scanner-harness';

/** Short waits: the lab answers at once, and filtered ports cost a connect timeout each. */
const FAST = { connectTimeoutMs: 300, bannerTimeoutMs: 500 };

async function scan(
  net: Net,
  policy: ScanPolicy,
  value: string,
  options: Record<string, JsonValue> = {},
  type: EntityType = 'ip',
): Promise<ScanRun> {
  const run = await runScanner(portsScanner, { type, value }, net, { ...FAST, ...options }, { policy });
  checkScanContract(run, { category: 'network' });
  return run;
}

interface PortsProp {
  open: { port: number; service: string; products?: string[] }[];
  closed: number;
  filtered: number;
  errors: number;
  scanned: number;
}
const ipProps = (run: ScanRun, ip: string) =>
  run.entities.find((e) => e.entity.type === 'ip' && e.entity.value === ip)?.props ?? {};
const portsOf = (run: ScanRun, ip: string) => ipProps(run, ip).ports as unknown as PortsProp;
const openPorts = (run: ScanRun, ip: string) => portsOf(run, ip).open.map((o) => o.port);
const service = (run: ScanRun, value: string) =>
  run.entities.find((e) => e.entity.type === 'service' && e.entity.value === value);
const technologies = (run: ScanRun) =>
  run.entities.filter((e) => e.entity.type === 'technology').map((e) => e.entity.value);
const titles = (run: ScanRun) => run.findings.map((f) => `${f.severity}: ${f.title}`);
const transcriptOf = (run: ScanRun, ip: string) => run.evidence.find((e) => e.ref === `ports:${ip}`)?.content ?? '';
const line = (run: ScanRun, ip: string, port: number) =>
  transcriptOf(run, ip)
    .split('\n')
    .find((l) => l.startsWith(`${port}/tcp `));

/** Every string in a value, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('ports against nova-parcels', () => {
  let lab: Lab;
  let net: Net;
  let policy: ScanPolicy;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('nova-parcels'));
  });
  afterAll(() => lab.stop());

  it('tells open, closed and filtered apart on the shipped list, and reads the banners', async () => {
    const sockets = recordSockets();
    let run: ScanRun;
    try {
      run = await scan(net, policy, '185.220.101.47');
    } finally {
      sockets.restore();
    }
    const ports = portsOf(run, '185.220.101.47');
    // Every connection went to the lab on loopback: scenario addresses are labels (closed and
    // filtered ports are the lab's refusals and silences, with no socket at all).
    expect(sockets.contacted.length).toBeGreaterThanOrEqual(ports.open.length);
    for (const address of sockets.contacted) expect(address).toMatch(/^127\./);

    // 80 and 443 are the lab's web sites on that address.
    expect(ports.open.map((o) => o.port)).toEqual([22, 25, 80, 443]);
    expect(ports).toMatchObject({ filtered: 1, errors: 0, scanned: ports.open.length + ports.closed + 1 });
    expect(line(run, '185.220.101.47', 21)).toMatch(/^21\/tcp ftp closed \d+ ms: .*connection refused/);
    expect(line(run, '185.220.101.47', 8080)).toMatch(/^8080\/tcp http-proxy closed/);
    expect(line(run, '185.220.101.47', 3306)).toMatch(/^3306\/tcp mysql filtered \d+ ms: .*timed out after 300 ms/);
    expect(line(run, '185.220.101.47', 22)).toMatch(/^22\/tcp ssh open/);
    expect(transcriptOf(run, '185.220.101.47')).toContain(
      '  read 41 bytes (complete): SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\\r\\n',
    );

    expect(service(run, '185.220.101.47:22/tcp')?.props).toMatchObject({
      port: 22,
      service: 'ssh',
      banner: 'SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\\r\\n',
      products: ['OpenSSH 8.2p1'],
    });
    expect(service(run, '185.220.101.47:25/tcp')?.props).toMatchObject({ products: ['Postfix'] });
    // HTTP got one HEAD, and its Server header names nginx as the tech scanner would.
    expect(transcriptOf(run, '185.220.101.47')).toContain('  sent: HEAD / HTTP/1.0\\r\\nHost: 185.220.101.47\\r\\n');
    expect(technologies(run).sort()).toEqual(['nginx@1.18.0', 'openssh@8.2p1']);
    const relations = run.relations.map((r) => `${r.from.value} ${r.relation} ${r.to.value}`);
    expect(relations).toEqual(
      expect.arrayContaining([
        '185.220.101.47 exposes_service 185.220.101.47:22/tcp',
        '185.220.101.47 exposes_service 185.220.101.47:25/tcp',
        '185.220.101.47:22/tcp uses_technology openssh@8.2p1',
      ]),
    );

    // Only SSH, mail and web open: a full score, and no risky finding.
    expect(readCategoryScore(ipProps(run, '185.220.101.47'), 'ports')).toEqual({
      earned: 13,
      lost: [],
      scanner: 'ports',
    });
    expect(titles(run)).toEqual([
      'info: 185.220.101.47 has 4 open TCP ports: 22 (ssh), 25 (smtp), 80 (http), 443 (https)',
    ]);
    expect(run.findings[0]?.evidence).toEqual(['ports:185.220.101.47']);
  });

  it("names OpenSSH with the CPE the lab's CVE records use", async () => {
    const run = await scan(net, policy, '185.220.101.47', { ports: '22' });
    const scenario = JSON.parse(readFileSync(builtinScenario('nova-parcels'), 'utf8')) as { cves: { cpe: string }[] };
    const openssh = run.entities.find((e) => e.entity.value === 'openssh@8.2p1');
    expect(scenario.cves.map((c) => c.cpe)).toContain(openssh?.props?.cpe);
    expect(openssh?.props).toMatchObject({ name: 'OpenSSH', version: '8.2p1', category: 'ssh-server' });
  });

  it('scans a domain through its addresses, linking them with the DNS answers as evidence', async () => {
    const run = await scan(net, policy, 'nova-parcels.com', { ports: '22,3306' }, 'domain');
    expect(
      run.relations.filter((r) => r.relation === 'resolves_to').map((r) => [r.from.value, r.to.value, r.evidence]),
    ).toEqual([['nova-parcels.com', '185.220.101.47', ['ports:resolve']]]);
    expect(run.evidence.find((e) => e.ref === 'ports:resolve')?.content).toMatch(
      /nova-parcels\.com A .*: 185\.220\.101\.47/,
    );
    expect(openPorts(run, '185.220.101.47')).toEqual([22]);
    // The HEAD names the domain scanned.
    const web = await scan(net, policy, 'nova-parcels.com', { ports: '80' }, 'domain');
    expect(transcriptOf(web, '185.220.101.47')).toContain('Host: nova-parcels.com\\r\\n');
  });

  it('fails on a port list it cannot read, naming the problem', async () => {
    await expect(scan(net, policy, '185.220.101.47', { ports: '22,telnet,70000' })).rejects.toThrow(
      /the ports option is invalid: "telnet" is not a port.*"70000" is not a port/,
    );
  });
});

describe('ports against the hostile host', () => {
  let lab: Lab;
  let net: Net;
  let policy: ScanPolicy;
  let run: ScanRun;
  const ip = '203.0.113.66';
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet('hostile'));
    run = await scan(net, policy, ip, { ports: '21,22,23,25,110,143,6379,8081,9999' });
  });
  afterAll(() => lab.stop());

  it('keeps every banner as escaped text: no control, bidi or invalid bytes reach any event', () => {
    for (const text of strings(run.events)) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\ufffd]/);
    }
    expect(service(run, `${ip}:21/tcp`)?.props?.banner).toBe(
      '220 <img src=x onerror=window.__xss=1> \\x1b[31mRED\\x1b[0m\\x1b]0;pwned\\x07\\x1b[2J\\r\\n',
    );
    expect(service(run, `${ip}:23/tcp`)?.props?.banner).toBe('\\xff\\xfe\\xc3( login\\x00:\\r\\n');
    expect(service(run, `${ip}:6379/tcp`)?.props?.banner).toBe('before\\x00after\\r\\n');
  });

  it('reads a bounded part of a 1 MB line, and gives up on servers that hang, trickle or reset', () => {
    expect(line(run, ip, 25)).toMatch(/open/);
    expect(transcriptOf(run, ip)).toMatch(/\n {2}read 1024 bytes \(limit\): 220 A{1020}\n/);
    expect(String(service(run, `${ip}:25/tcp`)?.props?.banner).length).toBeLessThanOrEqual(1025);
    expect(transcriptOf(run, ip)).toContain('110/tcp pop3 open');
    expect(transcriptOf(run, ip)).toMatch(/110\/tcp pop3 open \d+ ms\n {2}read 0 bytes \(timeout\)\n/);
    expect(transcriptOf(run, ip)).toMatch(/143\/tcp imap open \d+ ms\n {2}read [1-9] bytes? \(timeout\): \*/);
    expect(openPorts(run, ip)).toEqual([21, 22, 23, 25, 110, 143, 6379, 8081]);
    expect(line(run, ip, 9999)).toMatch(/^9999\/tcp unknown filtered/);
  });

  it('flags Telnet, Redis and FTP, and scores what they cost', () => {
    expect(titles(run)).toEqual([
      `medium: FTP (21/tcp) is open to the internet on ${ip}`,
      `high: Telnet (23/tcp) is open to the internet on ${ip}`,
      `high: Redis (6379/tcp) is open to the internet on ${ip}`,
      `info: ${ip} has 8 open TCP ports: 21 (ftp), 22 (ssh), 23 (telnet), 25 (smtp), 110 (pop3), 143 (imap), 6379 (redis), 8081 (http-alt)`,
    ]);
    const score = readCategoryScore(ipProps(run, ip), 'ports');
    expect(score?.earned).toBe(0);
    expect(score?.lost.map((l) => l.points)).toEqual([3, 5, 5]);
    // The hostile SSH banner names no product.
    expect(technologies(run)).toEqual([]);
  });
});

describe('ports on a scenario of exposed services', () => {
  const mysqlGreeting = (version: string): string => {
    const body = Buffer.concat([Buffer.from([0x0a]), Buffer.from(`${version}\0`), Buffer.alloc(40, 0x41)]);
    return Buffer.concat([Buffer.from([body.length, 0, 0, 0]), body]).toString('base64');
  };
  const scenario = Scenario.parse({
    name: 'exposed',
    zones: [
      {
        origin: 'exposed-host.net',
        records: [
          { name: '@', type: 'A', data: '203.0.113.20' },
          { name: 'dark', type: 'A', data: '203.0.113.21' },
        ],
      },
    ],
    hosts: [
      {
        address: '203.0.113.20',
        ports: [
          { port: 21, banner: '220 (vsFTPd 2.3.4)\r\n' },
          { port: 445 },
          { port: 2222, banner: 'SSH-2.0-OpenSSH_7.4\r\n' },
          { port: 2375, banner: 'HTTP/1.1 404 Not Found\r\nServer: Docker/20.10.7 (linux)\r\n\r\n' },
          { port: 3306, banner: { base64: mysqlGreeting('8.0.32-0ubuntu0.20.04.2') } },
          { port: 3389 },
          { port: 5900, banner: 'RFB 003.008\n' },
          { port: 9200, banner: 'HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\n\r\n' },
          { port: 11211 },
          { port: 27017 },
          { port: 40001, banner: 'hello\r\n' },
        ],
      },
      {
        address: '203.0.113.21',
        ports: [
          { port: 22, state: 'filtered' },
          { port: 80, state: 'filtered' },
        ],
      },
    ],
  });
  let lab: Lab;
  let net: Net;
  let policy: ScanPolicy;
  beforeAll(async () => {
    ({ lab, net, policy } = await startLabNet(scenario));
  });
  afterAll(() => lab.stop());

  it('flags each exposed database, remote desktop and API, with its product where the banner names one', async () => {
    const ports = '21,22,445,2222,2375,3306,3389,5900,9200,11211,27017,40000-40001';
    const run = await scan(net, policy, '203.0.113.20', { ports, bannerTimeoutMs: 200 });
    const ip = '203.0.113.20';
    expect(openPorts(run, ip)).toEqual([21, 445, 2222, 2375, 3306, 3389, 5900, 9200, 11211, 27017, 40001]);
    expect(portsOf(run, ip)).toMatchObject({ closed: 2, filtered: 0, scanned: 13 });
    expect(titles(run).filter((t) => !t.startsWith('info'))).toEqual([
      `medium: FTP (21/tcp) is open to the internet on ${ip}`,
      `high: SMB (445/tcp) is open to the internet on ${ip}`,
      `high: Docker API (2375/tcp) is open to the internet on ${ip}`,
      `high: MySQL / MariaDB (3306/tcp) is open to the internet on ${ip}`,
      `high: Remote Desktop (RDP) (3389/tcp) is open to the internet on ${ip}`,
      `high: VNC (5900/tcp) is open to the internet on ${ip}`,
      `high: Elasticsearch (9200/tcp) is open to the internet on ${ip}`,
      `high: Memcached (11211/tcp) is open to the internet on ${ip}`,
      `high: MongoDB (27017/tcp) is open to the internet on ${ip}`,
    ]);
    // SSH on a port the list does not know is still named by its banner.
    expect(technologies(run).sort()).toEqual(['docker-engine@20.10.7', 'mysql@8.0.32', 'openssh@7.4', 'vsftpd@2.3.4']);
    // A product without a version stays a prop of its service: no node for a CVE lookup to miss on.
    expect(service(run, `${ip}:9200/tcp`)?.props?.products).toEqual(['Elasticsearch']);
    expect(service(run, `${ip}:40001/tcp`)?.props).toMatchObject({ service: 'unknown', banner: 'hello\\r\\n' });
    const score = readCategoryScore(ipProps(run, ip), 'ports');
    expect(score?.earned).toBe(0);
    expect(score?.lost).toHaveLength(9);
    expect(score?.lost.find((l) => l.reason.startsWith('Docker API (2375/tcp)'))?.reason).toMatch(/root on the host/);
  });

  it('leaves no score on a host where nothing answered, and says so', async () => {
    const run = await scan(net, policy, '203.0.113.21', { ports: '22,80' });
    expect(portsOf(run, '203.0.113.21')).toMatchObject({ open: [], closed: 0, filtered: 2 });
    expect(readCategoryScore(ipProps(run, '203.0.113.21'), 'ports')).toBeNull();
    expect(titles(run)).toEqual(['info: No port answered on 203.0.113.21']);
  });

  it('stops when the run is cancelled, even with connects that would wait for long', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the analyst')), 100);
    const run = runScanner(
      portsScanner,
      { type: 'ip', value: '203.0.113.21' },
      net,
      { ports: '22,80', connectTimeoutMs: 30_000 },
      { policy, signal: controller.signal },
    );
    await expect(run).rejects.toThrow('cancelled by the analyst');
  }, 10_000);
});

describe('ports and the scan policy', () => {
  it('refuses an internal address, given or resolved, before any connection', async () => {
    let dials = 0;
    const base = fakeNet((name, type) =>
      type === 'A' && name === 'intranet.example' ? { answers: [{ name, type, ttl: 60, data: '10.1.2.3' }] } : {},
    );
    const net: Net = {
      ...base,
      dial: () => {
        dials++;
        return Promise.reject(new Error('no dialling here'));
      },
    };
    const policy = scanPolicy({ allowInternal: false });
    await expect(runScanner(portsScanner, { type: 'ip', value: '127.0.0.1' }, net, {}, { policy })).rejects.toThrow(
      /127\.0\.0\.1 is not scanned: 127\.0\.0\.1 is a \w+ address/,
    );
    await expect(
      runScanner(portsScanner, { type: 'domain', value: 'intranet.example' }, net, {}, { policy }),
    ).rejects.toThrow(/intranet\.example is not scanned: 10\.1\.2\.3 is a \w+ address/);
    expect(dials).toBe(0);
    // A case that allows internal targets scans them.
    const allowed = await runScanner(
      portsScanner,
      { type: 'ip', value: '10.1.2.3' },
      net,
      { ports: '22' },
      {
        policy: scanPolicy({ allowInternal: true }),
      },
    ).catch((error: unknown) => error);
    expect(String(allowed)).toMatch(/no port could be scanned on 10\.1\.2\.3: no dialling here/);
    expect(dials).toBe(1);
  });
});
