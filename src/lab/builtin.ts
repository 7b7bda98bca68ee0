// The scenarios shipped in resources/lab/, found from source (src/lab) or a build (out/<shell>).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_SCENARIO = 'nova-parcels';

export function builtinScenario(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, '..', '..', 'resources', 'lab', `${name}.json`);
  if (!existsSync(file)) throw new Error(`no built-in scenario "${name}" (looked for ${file})`);
  return file;
}
