// better-sqlite3 for Electron's ABI lives apart from the Node build (see
// scripts/electron-sqlite.mjs), so the app and the Node tests each load their own binary.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';

export function electronSqliteBinding(): string | undefined {
  const file = join(
    app.getAppPath(),
    'node_modules',
    '.tracegraph',
    `electron-${process.versions.electron}`,
    'better_sqlite3.node',
  );
  return existsSync(file) ? file : undefined;
}
