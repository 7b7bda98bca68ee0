// Resolver benchmark: 10,000 names resolved through ctx.net's resolver against a lab DNS server
// (in its own process), and the same names with dnsperf, side by side in the same run.
// Names per second for both, and the ratio. Target: at least the reference's rate.
// Run: node --import tsx tests/bench/dns.bench.ts
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNet } from '../../src/core/net';

const NAMES = 10_000;
const CONCURRENCY = 100;
const RUNS = 3;

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'bench-dns-server.ts'), String(NAMES)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`bench DNS server exited (${code})`)));
  });
}

async function ours(port: number): Promise<{ perSecond: number; answered: number }> {
  const net = createNet({ resolvers: [`127.0.0.1:${port}`], proxy: null, timeoutMs: 2000, retries: 2 });
  let next = 0;
  let answered = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < NAMES) {
        const i = next++;
        const response = await net.resolver.query(`h${i}.bench.test`, 'A');
        if (response.answers.length === 1) answered++;
      }
    }),
  );
  return { perSecond: NAMES / ((performance.now() - started) / 1000), answered };
}

function dnsperf(port: number, file: string): { perSecond: number; answered: number } | string {
  const result = spawnSync(
    'dnsperf',
    ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-n', '1', '-q', String(CONCURRENCY)],
    {
      encoding: 'utf8',
    },
  );
  if (result.error) return 'dnsperf is not installed (apt-get install dnsperf)';
  const qps = /Queries per second:\s+([\d.]+)/.exec(result.stdout);
  const completed = /Queries completed:\s+(\d+)/.exec(result.stdout);
  if (!qps || !completed) return `dnsperf said: ${result.stdout.slice(0, 300)}${result.stderr.slice(0, 300)}`;
  return { perSecond: Number(qps[1]), answered: Number(completed[1]) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const dir = mkdtempSync(join(tmpdir(), 'tg-dns-bench-'));
const file = join(dir, 'queries.txt');
writeFileSync(file, Array.from({ length: NAMES }, (_, i) => `h${i}.bench.test A`).join('\n'));
const { child, port } = await startServer();
try {
  await ours(port); // warm-up
  const mine: number[] = [];
  const reference: number[] = [];
  let note = '';
  let answered = 0;
  for (let run = 0; run < RUNS; run++) {
    const a = await ours(port);
    mine.push(a.perSecond);
    answered = a.answered;
    const b = dnsperf(port, file);
    if (typeof b === 'string') note = b;
    else reference.push(b.perSecond);
  }
  const m = median(mine);
  const r = reference.length ? median(reference) : Number.NaN;
  console.log(`measure                               median names/s  runs`);
  console.log(
    `ctx.net resolver (${CONCURRENCY} in flight)        ${Math.round(m).toString().padStart(8)}       ${mine.map(Math.round).join(' / ')}   (${answered}/${NAMES} answered)`,
  );
  if (reference.length) {
    console.log(
      `dnsperf (${CONCURRENCY} in flight)                 ${Math.round(r).toString().padStart(8)}       ${reference.map(Math.round).join(' / ')}`,
    );
    console.log(`ratio ours / dnsperf: ${(m / r).toFixed(2)} (target >= 1.00: ${m >= r ? 'ok' : 'SLOWER'})`);
    if (m < r) process.exitCode = 1;
  } else {
    console.log(`reference: ${note}`);
  }
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
