// Fetches better-sqlite3's prebuilt binary for the installed Electron's ABI and keeps it apart
// from the Node build, so the app (Electron) and the tests (Node) each load their own binary
// with no rebuild step. It never fails the install: offline, the app falls back to the web shell.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function say(message) {
  console.log(`tracegraph: ${message}`);
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const version = electronVersion();
const target = join(root, 'node_modules', '.tracegraph', `electron-${version}`, 'better_sqlite3.node');
if (!version) {
  say('electron is not installed; skipping its better-sqlite3 binary');
} else if (existsSync(target)) {
  say(`better-sqlite3 for Electron ${version} is already in place`);
} else {
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(join(tmpdir(), 'tg-electron-sqlite-'));
  copyFileSync(join(sqliteDir, 'package.json'), join(work, 'package.json'));
  const prebuild = require.resolve('prebuild-install/bin.js', { paths: [sqliteDir] });
  const result = spawnSync(
    process.execPath,
    [prebuild, '--runtime', 'electron', '--target', version, '--arch', process.arch, '--platform', process.platform],
    { cwd: work, timeout: 120_000, encoding: 'utf8' },
  );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (result.status === 0 && existsSync(built)) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    say(`better-sqlite3 for Electron ${version} saved to ${target}`);
  } else {
    say(
      `could not fetch better-sqlite3 for Electron ${version} (no network?); run "node scripts/electron-sqlite.mjs" once online for the desktop app, and "npm start" serves the web shell meanwhile`,
    );
  }
  rmSync(work, { recursive: true, force: true });
}
