// Entry of a scanner worker process: an Electron utilityProcess (process.parentPort) or a Node
// child process (process.send). The work itself is in worker-runtime.ts. The host ends the
// process once the last frame (done / error) has arrived, so nothing here waits for flushes.
import { loadScanner } from '../../scanners/registry';
import { createNet } from '../net';
import { serveScanWorker, type WorkerPort } from './worker-runtime';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function portOf(): WorkerPort {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('scan-worker must run as a worker process');
  return {
    send: (message) => {
      send(message);
    },
    onMessage: (listener) => process.on('message', listener),
  };
}

serveScanWorker(portOf(), { loadScanner, createNet });
