// `npm start`: builds, then opens the desktop app; where Electron's binary is missing (it
// could not be downloaded), serves the same UI through the web shell and prints its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const extra = process.argv.slice(2);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Package exports hide the bin files from require.resolve; they sit at known paths.
const bin = (pkg, file) => join(root, 'node_modules', pkg, 'bin', file);
run(process.execPath, [bin('electron-vite', 'electron-vite.js'), 'build']);
run(process.execPath, [bin('vite', 'vite.js'), 'build', '--config', 'vite.node.config.ts', '--logLevel', 'warn']);

function startApp() {
  const electron = electronBinary();
  if (electron) {
    run(process.execPath, [join(root, 'scripts', 'electron-sqlite.mjs')]);
    return spawn(electron, [root, ...extra], { cwd: root, stdio: 'inherit' });
  }
  console.log(
    "Electron's binary is not installed on this machine, so Tracegraph serves the same workbench in your browser instead:",
  );
  return spawn(process.execPath, [join(root, 'out', 'node', 'server.js'), ...extra, '--open'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const child = startApp();
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
