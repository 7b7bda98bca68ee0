// Finds the built renderer from the bundled server (out/node) or from source (src/server).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'out', 'renderer')];
  // src/renderer has an index.html too (the unbuilt source): only a build has assets/.
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
  if (!found) throw new Error('the renderer is not built: run "npm run build" first');
  return found;
}
