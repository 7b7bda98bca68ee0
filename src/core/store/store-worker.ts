// Worker-thread entry that owns one case: the only writer to its file. It opens (or creates) the
// case named in workerData, reports readiness once, then answers requests in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../shared/api';
import { CaseStore } from './case-store';
import {
  errorBody,
  handleStoreRequest,
  type StoreReady,
  type StoreResponse,
  type StoreWorkerData,
} from './store-protocol';

function start(port: NonNullable<typeof parentPort>, data: StoreWorkerData): void {
  let store: CaseStore;
  try {
    const options = data.nativeBinding === undefined ? {} : { nativeBinding: data.nativeBinding };
    if (data.mode === 'create') store = CaseStore.create(data.path, data.name ?? '', options);
    else store = CaseStore.open(data.path, options);
  } catch (err) {
    port.postMessage({ ready: true, ok: false, error: errorBody(err) } satisfies StoreReady);
    return;
  }
  port.postMessage({ ready: true, ok: true } satisfies StoreReady);
  port.on('message', (frame: unknown) => {
    const request = frame as { id?: unknown; method?: unknown } | null;
    if (request?.method === 'close') {
      store.close();
      const id = typeof request.id === 'number' ? request.id : -1;
      port.postMessage({ id, ok: true, result: null } satisfies StoreResponse);
      port.close();
      return;
    }
    port.postMessage(handleStoreRequest(store, frame));
  });
}

if (parentPort === null) throw new ApiError('internal', 'store-worker.ts runs only as a worker thread');
start(parentPort, workerData as StoreWorkerData);
