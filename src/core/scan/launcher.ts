// The one interface through which the orchestrator starts scanner workers. Node shells fork a
// child process; the Electron app starts a utilityProcess (src/main/utility-launcher.ts).
import type { HostToWorker } from './worker-protocol';

export interface WorkerHandle {
  send(message: HostToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export interface WorkerLauncher {
  spawn(): WorkerHandle;
}

/** Environment for a worker: nothing of the parent's (API keys reach scanners explicitly). */
export function workerEnv(): Record<string, string> {
  return { TRACEGRAPH_WORKER: '1', NODE_ENV: process.env.NODE_ENV ?? 'production' };
}
