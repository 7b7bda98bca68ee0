// Scanner workers as Node child processes (web shell, CLI, tests).
import { fork } from 'node:child_process';
import { type WorkerEntry, workerEntry } from '../runtime/entry';
import { type WorkerHandle, type WorkerLauncher, workerEnv } from './launcher';

export class ForkLauncher implements WorkerLauncher {
  /** @param entry the worker to fork: by default the one beside this module (source under tsx, else the bundle). */
  constructor(private readonly entry: WorkerEntry = workerEntry(import.meta.url, './scan-worker', 'scan-worker.js')) {}

  spawn(): WorkerHandle {
    const child = fork(this.entry.file, [], {
      execArgv: this.entry.execArgv,
      env: workerEnv(),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code, signal) => {
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          listener(`worker exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
        }),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  }
}
