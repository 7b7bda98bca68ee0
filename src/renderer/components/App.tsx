// The workbench layout: case bar and target bar on top, graph in the centre, the selected
// entity on the right, runs below the graph, status at the bottom.
import { useApp } from '../store/context';
import { CaseBar } from './CaseBar';
import { GraphLegend } from './GraphLegend';
import { GraphView } from './GraphView';
import { LabBanner } from './LabBanner';
import { NoCase } from './NoCase';
import { RunList } from './RunList';
import { SidePanel } from './SidePanel';
import { StatusBar } from './StatusBar';
import { TargetInput } from './TargetInput';

export function App({ transport }: { transport: 'ipc' | 'websocket' }) {
  const hasCase = useApp((s) => s.caseSlice.current != null);
  return (
    <div className="app">
      <LabBanner />
      <CaseBar />
      <TargetInput />
      <main className="main-area">
        {hasCase ? (
          <>
            <GraphView />
            <GraphLegend />
          </>
        ) : (
          <NoCase />
        )}
      </main>
      <SidePanel />
      <RunList />
      <StatusBar transport={transport} />
    </div>
  );
}
