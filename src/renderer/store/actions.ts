// What the UI asks the backend to do, and how answers land in the store. Components call these;
// they never touch the transport themselves.
import type { ApiClient, Result } from '../../shared/api';
import type { CaseInfo, CaseSettings } from '../../shared/model';
import { toApiError } from '../api/validate';
import type { AppStore } from './store';

const casePath = (store: AppStore): string | null | undefined => {
  const current = store.getState().caseSlice.current;
  return current === undefined ? undefined : (current?.path ?? null);
};

/** Fetches the open case's graph and runs; answers for a case no longer open are dropped. */
export async function loadCaseData(client: ApiClient, store: AppStore): Promise<void> {
  const path = casePath(store);
  if (!path) return;
  try {
    const [graph, runs] = await Promise.all([client.call('graph.get', {}), client.call('runs.list', {})]);
    if (casePath(store) !== path) return;
    store.getState().addGraph(graph);
    store.getState().addRuns(runs);
  } catch (error) {
    if (casePath(store) === path) store.getState().report(`could not load the case: ${toApiError(error).message}`);
  }
}

/** Makes `info` the current case; a different case than before starts from its saved graph. */
export async function adoptCase(client: ApiClient, store: AppStore, info: CaseInfo | null): Promise<void> {
  const before = casePath(store);
  store.getState().setCase(info);
  if (info && info.path !== before) await loadCaseData(client, store);
}

/** Everything from scratch: after start-up and after each reconnect (events may have been missed). */
export async function resync(client: ApiClient, store: AppStore): Promise<void> {
  try {
    const [current, scanners, app] = await Promise.all([
      client.call('case.current', {}),
      client.call('scanners.list', {}),
      client.call('app.info', {}),
    ]);
    store.getState().setScanners(scanners);
    store.getState().setApp(app);
    const before = casePath(store);
    await adoptCase(client, store, current);
    // Same case as before a reconnect: merge what was added meanwhile.
    if (current && current.path === before) await loadCaseData(client, store);
  } catch (error) {
    store.getState().report(`could not reach the backend: ${toApiError(error).message}`);
  }
}

export async function loadRecent(client: ApiClient, store: AppStore): Promise<void> {
  store.getState().setRecent(await client.call('case.listRecent', {}));
}

export async function createCase(client: ApiClient, store: AppStore, name: string): Promise<CaseInfo> {
  const info = await client.call('case.create', { name });
  await adoptCase(client, store, info);
  return info;
}

export async function openCase(client: ApiClient, store: AppStore, path: string): Promise<CaseInfo> {
  const info = await client.call('case.open', { path });
  await adoptCase(client, store, info);
  return info;
}

export async function closeCase(client: ApiClient, store: AppStore): Promise<void> {
  await client.call('case.close', {});
  await adoptCase(client, store, null);
}

export async function updateSettings(client: ApiClient, store: AppStore, settings: Partial<CaseSettings>) {
  const info = await client.call('case.updateSettings', settings);
  store.getState().setCase(info);
  return info;
}

/** Starts each chosen scanner on the typed text; stops at the first refusal so one error is shown once. */
export async function startScans(
  client: ApiClient,
  store: AppStore,
  text: string,
  scannerIds: readonly string[],
): Promise<Result<'scan.start'>> {
  const started: Result<'scan.start'> = [];
  for (const scannerId of scannerIds) {
    const runs = await client.call('scan.start', { scannerId, target: { text } });
    store.getState().addRuns(runs);
    started.push(...runs);
  }
  return started;
}

export async function scanEntity(
  client: ApiClient,
  store: AppStore,
  scannerId: string,
  entityId: number,
): Promise<Result<'scan.start'>> {
  const runs = await client.call('scan.start', { scannerId, target: { entityId } });
  store.getState().addRuns(runs);
  return runs;
}

/** A Full Scan of typed text or of an entity; its phase 1 runs land in the run list at once. */
export async function fullScan(
  client: ApiClient,
  store: AppStore,
  target: { text: string } | { entityId: number },
): Promise<Result<'scan.full'>> {
  const started = await client.call('scan.full', { target });
  store.getState().addRuns(started.runs);
  return started;
}

/** Makes the entity a seed, so active modules may run on it; the selection refetches what depends on scope. */
export async function addToScope(client: ApiClient, store: AppStore, entityId: number): Promise<void> {
  await client.call('scope.add', { entityId });
  store.getState().touchSelection();
}

export async function cancelRun(client: ApiClient, runId: number): Promise<void> {
  await client.call('scan.cancel', { runId });
}
