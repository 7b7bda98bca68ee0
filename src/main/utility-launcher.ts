// Scanner workers as Electron utility processes: sandboxed Node processes that Chromium's
// process model manages, so a crashing scanner cannot take the app with it.
import { utilityProcess } from 'electron';
import { workerEntry } from '../core/runtime/entry';
import type { WorkerHandle, WorkerLauncher } from '../core/scan/launcher';
import { workerEnv } from '../core/scan/launcher';

export class UtilityLauncher implements WorkerLauncher {
  private readonly entry = workerEntry(import.meta.url, '../core/scan/scan-worker', 'scan-worker.js');

  spawn(): WorkerHandle {
    const child = utilityProcess.fork(this.entry.file, [], {
      env: workerEnv(),
      serviceName: 'Tracegraph scanner',
      stdio: 'ignore',
    });
    let exited = false;
    return {
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code) => {
          exited = true;
          listener(`worker exited (code ${code})`);
        }),
      kill: () => {
        if (!exited) child.kill();
      },
    };
  }
}
