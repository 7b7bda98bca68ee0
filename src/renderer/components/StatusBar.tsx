// Connection state and problems that belong to no single form (bad frames, failed refreshes).
import { useApp } from '../store/context';

export function StatusBar({ transport }: { transport: 'ipc' | 'websocket' }) {
  const connection = useApp((s) => s.connection);
  const problems = useApp((s) => s.problems);
  const dismiss = useApp((s) => s.dismissProblems);
  const last = problems[problems.length - 1];
  return (
    <footer className="status-bar">
      <span className={`conn conn-${connection}`} data-testid="connection">
        {connection === 'open' ? 'connected' : connection === 'connecting' ? 'connecting…' : 'disconnected, retrying'}
      </span>
      <span className="muted">{transport === 'ipc' ? 'desktop' : 'web shell'}</span>
      {last ? (
        <span className="problem" data-testid="problem" title={problems.map((p) => p.message).join('\n')}>
          {problems.length > 1 ? `(${problems.length}) ` : ''}
          {last.message}
          <button type="button" className="small" onClick={dismiss}>
            Dismiss
          </button>
        </span>
      ) : null}
    </footer>
  );
}
