#!/usr/bin/env node
// Runs the browser end-to-end tests: rebuilds the renderer when its sources are newer than
// out/renderer, then runs vitest with vitest.e2e.config.ts (extra arguments are passed on, e.g. a
// file filter). The web shell under test is the bundled out/node/server.js when it is newer than
// the backend sources, else the source run through tsx; --built or --source forces one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env };
const forceBuild = args.includes('--build');
const passOn = args.filter((a) => !['--built', '--source', '--build'].includes(a));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const index = join(root, 'out', 'renderer', 'index.html');
const stale =
  !existsSync(index) ||
  Math.max(newest(join(root, 'src', 'renderer')), newest(join(root, 'src', 'shared'))) > statSync(index).mtimeMs;
if (forceBuild || stale) {
  console.log('e2e: building the renderer (out/renderer)');
  const status = run(process.execPath, [
    join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    'vite.renderer.config.ts',
  ]);
  if (status !== 0) process.exit(status);
}
const server = join(root, 'out', 'node', 'server.js');
const backendSources = ['server', 'core', 'scanners', 'shared', 'lab']
  .map((d) => join(root, 'src', d))
  .filter(existsSync);
const serverFresh = existsSync(server) && Math.max(...backendSources.map(newest)) <= statSync(server).mtimeMs;
const useBuilt = args.includes('--built') || (!args.includes('--source') && serverFresh);
if (useBuilt && !existsSync(server)) {
  console.error('e2e: --built needs out/node/server.js; run "npm run build" first');
  process.exit(1);
}
env.TRACEGRAPH_E2E_SERVER = useBuilt ? 'built' : 'source';
console.log(`e2e: web shell from ${useBuilt ? 'out/node/server.js' : 'src/server/main.ts (tsx)'}`);
process.exit(
  run(process.execPath, [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--config',
    'vitest.e2e.config.ts',
    ...passOn,
  ]),
);
