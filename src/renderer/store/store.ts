// One zustand store, in slices (case, graph, selection, runs, scanners, connection/problems).
// It holds data and plain setters only; the reductions are the pure functions in model/state,
// and the only code feeding it backend events is api/events.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, EventData, EventName } from '../../shared/api';
import type { CaseInfo, Graph, RecentCase, Run } from '../../shared/model';
import type { ScannerManifest } from '../../shared/scanner';
import {
  type AppData,
  addGraph,
  addProblem,
  addRuns,
  type ConnectionState,
  initialData,
  reduceEvent,
  switchCase,
} from '../model/state';

export interface AppActions {
  applyEvent<E extends EventName>(event: E, data: EventData<E>): void;
  setCase(info: CaseInfo | null): void;
  setRecent(recent: RecentCase[]): void;
  addGraph(graph: Graph): void;
  addRuns(runs: readonly Run[]): void;
  setScanners(scanners: ScannerManifest[]): void;
  setApp(app: AppInfo): void;
  select(entityId: number | null): void;
  /** Refetch what the side panel shows about the selection. */
  touchSelection(): void;
  setConnection(state: ConnectionState): void;
  setDialog(dialog: AppData['dialog']): void;
  report(message: string): void;
  dismissProblems(): void;
}

export type AppState = AppData & AppActions;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((set) => ({
    ...initialData(),
    applyEvent: (event, data) => set((s) => reduceEvent(s, event, data)),
    setCase: (info) => set((s) => switchCase(s, info)),
    setRecent: (recent) => set((s) => ({ caseSlice: { ...s.caseSlice, recent } })),
    addGraph: (graph) => set((s) => addGraph(s, graph)),
    addRuns: (runs) => set((s) => addRuns(s, runs)),
    setScanners: (scanners) => set({ scanners }),
    setApp: (app) => set({ app }),
    select: (entityId) =>
      set((s) =>
        s.selection.entityId === entityId ? {} : { selection: { entityId, revision: s.selection.revision + 1 } },
      ),
    touchSelection: () => set((s) => ({ selection: { ...s.selection, revision: s.selection.revision + 1 } })),
    setConnection: (connection) => set({ connection }),
    setDialog: (dialog) => set({ dialog }),
    report: (message) => set((s) => addProblem(s, message)),
    dismissProblems: () => set({ problems: [] }),
  }));
}
