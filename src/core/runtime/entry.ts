// Locates the entry file of a worker (thread or process) next to the calling module: the
// TypeScript source under tests and tsx (run through tsx's loader), the bundled .js when built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

/**
 * @param callerUrl import.meta.url of the module asking
 * @param sourceRelative the entry's path relative to that module, without extension
 * @param bundledName the entry's file name in the built output folder (out/<shell>/)
 */
export function workerEntry(callerUrl: string, sourceRelative: string, bundledName: string): WorkerEntry {
  const callerFile = fileURLToPath(callerUrl);
  if (callerFile.endsWith('.ts')) {
    // tsx is resolved here, so the worker finds it whatever its working directory.
    return {
      file: join(dirname(callerFile), `${sourceRelative}.ts`),
      execArgv: ['--import', import.meta.resolve('tsx')],
    };
  }
  const bundled = join(dirname(callerFile), bundledName);
  if (!existsSync(bundled)) throw new Error(`worker entry ${bundled} is missing: run "npm run build"`);
  return { file: bundled, execArgv: [] };
}
