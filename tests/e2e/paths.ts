// Where the e2e tests find the built renderer and put their screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const RESULTS_DIR = join(ROOT, 'test-results');

export function requireRendererBuild(): string {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('out/renderer is missing: run "node scripts/e2e.mjs" (it builds the renderer) or "npm run build"');
  }
  return RENDERER_DIR;
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return join(RESULTS_DIR, `${name}.png`);
}
