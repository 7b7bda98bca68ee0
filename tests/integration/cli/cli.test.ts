// The command line as a person runs it: a real process, its stdout, stderr and exit status.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from '../../../src/lab/dns/server';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let dns: DnsServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
  dns = await startDnsServer({
    zones: [
      {
        origin: 'cli.test',
        records: [
          { name: '@', type: 'A', data: '185.220.101.47' },
          { name: '@', type: 'NS', data: 'ns1.cli.test' },
          { name: 'ns1', type: 'A', data: '185.220.101.53' },
        ],
      },
    ],
  });
});
afterAll(() => dns.stop());

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TRACEGRAPH_DATA_DIR: join(dir, 'data') },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const resolver = () => ['--resolver', `127.0.0.1:${dns.address.port}`];

describe('tracegraph scan', () => {
  it('prints a text report and exits 0 when every scan finished', async () => {
    const { code, stdout, stderr } = await cli(['scan', 'cli.test', '--modules', 'dns', ...resolver()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('dns on cli.test: finished');
    expect(stdout).toContain('cli.test --resolves_to--> 185.220.101.47');
  });

  it('prints JSON and CSV', async () => {
    const json = await cli(['scan', 'cli.test', '--modules', 'dns', '--json', ...resolver()]);
    const report = JSON.parse(json.stdout) as {
      entities: { type: string; value: string }[];
      runs: { status: string }[];
    };
    expect(report.entities).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ip', value: '185.220.101.47' })]),
    );
    expect(report.runs.map((r) => r.status)).toEqual(['finished']);
    const csv = await cli(['scan', 'cli.test', '--modules', 'dns', '--csv', ...resolver()]);
    expect(csv.stdout.split('\n')[0]).toBe('record,type,value,relation,from,to,first_seen,last_seen');
    expect(csv.stdout).toContain('entity,ip,185.220.101.47,');
  });

  it('saves into a named case and adds to it on the next scan', async () => {
    const file = join(dir, 'saved.sqlite');
    await cli(['scan', 'cli.test', '--modules', 'dns', '--case', file, ...resolver()]);
    expect(existsSync(file)).toBe(true);
    const again = await cli(['scan', '185.220.101.47', '--modules', 'dns', '--case', file, '--json', ...resolver()]);
    const report = JSON.parse(again.stdout) as { runs: unknown[]; case: string };
    expect(report.runs).toHaveLength(2);
    expect(report.case).toBe(file);
  });

  it('exits 2 with the reason for bad input, 1 when a scan fails', async () => {
    const bad = await cli(['scan', 'not a domain']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tracegraph: Not a valid domain: a domain cannot contain spaces.\n');
    const internal = await cli(['scan', '10.1.2.3', ...resolver()]);
    expect(internal.code).toBe(2);
    expect(internal.stderr).toMatch(/private address.*--allow-internal/);
    const unknown = await cli(['scan', 'cli.test', '--modules', 'nope', ...resolver()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown module "nope"; available: dns/);
    const failed = await cli(['scan', 'cli.test', '--modules', 'dns', '--resolver', '127.0.0.1:9']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/dns failed: .*127\.0\.0\.1:9/);
  });

  it('scans a lab scenario with --lab', async () => {
    const lab = await cli([
      'scan',
      '--lab',
      join(ROOT, 'resources', 'lab', 'nova-parcels.json'),
      'nova-parcels.com',
      '--modules',
      'dns',
      '--json',
    ]);
    expect(lab.code).toBe(0);
    const report = JSON.parse(lab.stdout) as { relations: unknown[]; entities: { value: string }[] };
    expect(report.entities.map((e) => e.value)).toEqual(
      expect.arrayContaining(['185.220.101.47', 'srv47.hostvale.nl']),
    );
  });
});

describe('tracegraph scan without --modules: a Full Scan', () => {
  const novaParcels = join(ROOT, 'resources', 'lab', 'nova-parcels.json');

  it('runs every module on the target and prints the assessment first', async () => {
    const full = await cli(['scan', '--lab', novaParcels, 'nova-parcels.com']);
    expect(full.stdout).toMatch(/^Target: nova-parcels\.com\n\nGrade: [A-F] \(\d+\/100/);
    expect(full.stdout).toMatch(/\nSignals:\n {2}RED/);
    expect(full.stdout).toContain('address: 185.220.101.47');
    expect(full.stdout).toMatch(/ {2}takeover on nova-parcels\.com: /);
    const json = await cli(['scan', '--lab', novaParcels, 'nova-parcels.com', '--json', '--passive-only']);
    const report = JSON.parse(json.stdout) as { runs: { scannerId: string }[]; assessment: { pivots: unknown[] } };
    expect(report.assessment.pivots.length).toBeGreaterThan(0);
    expect(report.runs.map((r) => r.scannerId)).not.toContain('takeover');
    expect(json.stderr).toMatch(/takeover skipped: nova-parcels\.com: the case is locked to passive modules/);
  }, 120_000);

  it('refuses an active module under the passive-only lock, saying why', async () => {
    const locked = await cli([
      'scan',
      '--lab',
      novaParcels,
      'nova-parcels.com',
      '--modules',
      'takeover',
      '--passive-only',
    ]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/Subdomain takeover is active: the case is locked to passive modules/);
  }, 60_000);
});

describe('tracegraph lab check', () => {
  it('validates a scenario, and lists the problems of a bad one', async () => {
    const good = await cli(['lab', 'check', join(ROOT, 'resources', 'lab', 'hostile.json')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('valid scenario "hostile"');
    const bad = await cli(['lab', 'check', join(ROOT, 'package.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid scenario\n {2}- /);
  });
});
