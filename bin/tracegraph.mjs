#!/usr/bin/env node
// Runs the built CLI, or the TypeScript source through tsx in a development checkout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'node', 'cli.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const result = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      cwd: process.cwd(),
    },
  );
  process.exitCode = result.status ?? 1;
}
