// The one interface through which the orchestrator starts scanner workers. Node shells fork a
// child process; the Electron app starts a utilityProcess (src/main/utility-launcher.ts).
import type { HostToWorker } from './worker-protocol';

export interface WorkerHandle {
  send(message: HostToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (reason: string) => void): void;
  kill(): void;
  /**
   * The run ended cleanly (`done`): the worker may serve another run instead of being killed.
   * Only launchers that reuse workers offer it.
   */
  release?(): void;
}

export interface WorkerLauncher {
  /** @param scannerId the scanner the worker will run: a launcher that reuses workers prefers one that ran it before. */
  spawn(scannerId?: string): WorkerHandle;
  /** Scans are coming (a case was opened): start what the launcher keeps ready (see WarmLauncher). */
  prepare?(): void;
  /** Stops whatever the launcher keeps running between scans. */
  dispose?(): void;
}

/** Environment for a worker: nothing of the parent's (API keys reach scanners explicitly) but where Chromium is. */
export function workerEnv(): Record<string, string> {
  const chromium = process.env.TRACEGRAPH_CHROMIUM;
  return {
    TRACEGRAPH_WORKER: '1',
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    ...(chromium ? { TRACEGRAPH_CHROMIUM: chromium } : {}),
  };
}
