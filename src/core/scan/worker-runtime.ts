// What runs inside a scanner worker process: receives one start frame, runs that scanner with
// a fresh ctx, streams its events back, and stops on cancel. Transport-free, so it is testable.
import { type Net, type NetConfig, type Scanner, scanPolicy } from '../../shared/scanner';
import type { NetOptions } from '../net';
import { HostToWorker, MAX_TEXT, PROTOCOL_VERSION, type WorkerToHost } from './worker-protocol';

export interface WorkerPort {
  send(message: WorkerToHost): void;
  onMessage(listener: (message: unknown) => void): void;
}

export interface WorkerDeps {
  loadScanner(id: string): Promise<Scanner | undefined>;
  createNet(config: NetConfig, options?: NetOptions): Net;
}

/** Frame texts are capped by the protocol (MAX_TEXT); a longer one would make the frame invalid. */
function bounded(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function errorText(error: unknown): string {
  return bounded(error instanceof Error ? error.message : String(error));
}

/**
 * Serves runs one at a time. After a run that ended with `done` the worker says `ready` again
 * and may be given the next run (the host reuses clean workers; any other end kills it).
 */
export function serveScanWorker(port: WorkerPort, deps: WorkerDeps): void {
  let current: AbortController | null = null;
  port.onMessage((raw) => {
    const parsed = HostToWorker.safeParse(raw);
    if (!parsed.success) {
      port.send({ type: 'error', message: `invalid frame from host: ${parsed.error.issues[0]?.message ?? ''}` });
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      current?.abort(new Error('cancelled'));
      return;
    }
    if (current) return;
    const abort = new AbortController();
    current = abort;
    void run(message, abort.signal).then((clean) => {
      current = null;
      if (clean) port.send({ type: 'ready', version: PROTOCOL_VERSION });
    });
  });

  /** Runs one scan to its end; true when it ended with `done`. */
  async function run(message: Extract<HostToWorker, { type: 'start' }>, signal: AbortSignal): Promise<boolean> {
    let scanner: Scanner | undefined;
    try {
      scanner = await deps.loadScanner(message.scannerId);
    } catch (error) {
      port.send({
        type: 'error',
        message: bounded(`could not load scanner "${message.scannerId}": ${errorText(error)}`),
      });
      return false;
    }
    if (!scanner) {
      port.send({ type: 'error', message: `no scanner "${message.scannerId}"` });
      return false;
    }
    const log = (level: 'debug' | 'info' | 'warn') => (text: string) =>
      port.send({ type: 'log', level, message: bounded(text) });
    const policy = scanPolicy(message.policy, message.net.lab);
    // An active scan's every connection passes the policy at the socket, whatever the scanner
    // checked before; passive ones talk to third parties the analyst configured.
    const netOptions = scanner.manifest.mode === 'active' ? { refuses: (ip: string) => policy.refuses(ip) } : {};
    const ctx = {
      net: deps.createNet(message.net, netOptions),
      signal,
      options: message.options,
      log: { debug: log('debug'), info: log('info'), warn: log('warn') },
      policy,
    };
    try {
      for await (const event of scanner.run(message.input, ctx)) {
        if (signal.aborted) break;
        port.send({ type: 'event', event });
      }
      if (signal.aborted) {
        port.send({ type: 'error', message: 'cancelled' });
        return false;
      }
      port.send({ type: 'done' });
      return true;
    } catch (error) {
      port.send({ type: 'error', message: signal.aborted ? 'cancelled' : errorText(error) });
      return false;
    }
  }
  port.send({ type: 'ready', version: PROTOCOL_VERSION });
}
