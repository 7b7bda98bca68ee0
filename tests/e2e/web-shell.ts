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

export async function startWebShell(options: { resolver: string; timeoutMs?: number }): Promise<WebShellProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracegraph-e2e-data-'));
  const entry =
    process.env.TRACEGRAPH_E2E_SERVER === 'built'
      ? [join(ROOT, 'out', 'node', 'server.js')]
      : ['--import', 'tsx', join(ROOT, 'src', 'server', 'main.ts')];
  const child: ChildProcess = spawn(
    process.execPath,
    [...entry, '--port', '0', '--data-dir', dataDir, '--resolver', options.resolver],
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
  // A server serving the renderer's source folder instead of its build would only show up as a
  // blank page and timeouts; say so plainly instead.
  const index = await fetch(url).then((r) => r.text());
  if (index.includes('main.tsx')) {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(
      'the web shell serves the renderer source (src/renderer/index.html) instead of the build (out/renderer): ' +
        'src/server/renderer-dir.ts picks <here>/../renderer first, which from source is src/renderer. ' +
        'Run "node scripts/e2e.mjs --built" after "npm run build" meanwhile.',
    );
  }
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
