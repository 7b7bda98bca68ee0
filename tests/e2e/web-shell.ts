// Starts the real web shell (src/server) as a child process for browser tests: from source via
// tsx by default, or the bundled out/node/server.js when TRACEGRAPH_E2E_SERVER=built.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface WebShellProcess {
  url: string;
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const READY = /Tracegraph web shell: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

/** `resolver` points it at a DNS server; `demo` runs it on the built-in lab scenario instead. */
export async function startWebShell(
  options: ({ resolver: string } | { demo: true }) & { timeoutMs?: number },
): Promise<WebShellProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracegraph-e2e-data-'));
  const entry =
    process.env.TRACEGRAPH_E2E_SERVER === 'built'
      ? [join(ROOT, 'out', 'node', 'server.js')]
      : ['--import', 'tsx', join(ROOT, 'src', 'server', 'main.ts')];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...entry,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...('demo' in options ? ['--demo'] : ['--resolver', options.resolver]),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the web shell did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web shell exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
