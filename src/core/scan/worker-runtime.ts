// What runs inside a scanner worker process: receives one start frame, runs that scanner with
// a fresh ctx, streams its events back, and stops on cancel. Transport-free, so it is testable.
import { type Net, type NetConfig, type Scanner, scanPolicy } from '../../shared/scanner';
import { HostToWorker, PROTOCOL_VERSION, type WorkerToHost } from './worker-protocol';

export interface WorkerPort {
  send(message: WorkerToHost): void;
  onMessage(listener: (message: unknown) => void): void;
}

export interface WorkerDeps {
  loadScanner(id: string): Promise<Scanner | undefined>;
  createNet(config: NetConfig): Net;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function serveScanWorker(port: WorkerPort, deps: WorkerDeps): void {
  const abort = new AbortController();
  let started = false;
  port.onMessage((raw) => {
    const parsed = HostToWorker.safeParse(raw);
    if (!parsed.success) {
      port.send({ type: 'error', message: `invalid frame from host: ${parsed.error.issues[0]?.message ?? ''}` });
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      abort.abort(new Error('cancelled'));
      return;
    }
    if (started) return;
    started = true;
    void run(message);
  });

  async function run(message: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
    let scanner: Scanner | undefined;
    try {
      scanner = await deps.loadScanner(message.scannerId);
    } catch (error) {
      port.send({ type: 'error', message: `could not load scanner "${message.scannerId}": ${errorText(error)}` });
      return;
    }
    if (!scanner) {
      port.send({ type: 'error', message: `no scanner "${message.scannerId}"` });
      return;
    }
    const log = (level: 'debug' | 'info' | 'warn') => (text: string) =>
      port.send({ type: 'log', level, message: text.slice(0, 4000) });
    const ctx = {
      net: deps.createNet(message.net),
      signal: abort.signal,
      options: message.options,
      log: { debug: log('debug'), info: log('info'), warn: log('warn') },
      policy: scanPolicy(message.policy, message.net.lab),
    };
    try {
      for await (const event of scanner.run(message.input, ctx)) {
        if (abort.signal.aborted) break;
        port.send({ type: 'event', event });
      }
      if (abort.signal.aborted) port.send({ type: 'error', message: 'cancelled' });
      else port.send({ type: 'done' });
    } catch (error) {
      port.send({ type: 'error', message: abort.signal.aborted ? 'cancelled' : errorText(error) });
    }
  }
  port.send({ type: 'ready', version: PROTOCOL_VERSION });
}
