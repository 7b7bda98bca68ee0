// What the main area says when no case is open.
import { useApp } from '../store/context';

export function NoCase() {
  const current = useApp((s) => s.caseSlice.current);
  const connection = useApp((s) => s.connection);
  const setDialog = useApp((s) => s.setDialog);
  if (current === undefined) {
    return (
      <div className="no-case">
        <p>{connection === 'closed' ? 'Cannot reach the backend; retrying…' : 'Connecting to the backend…'}</p>
      </div>
    );
  }
  return (
    <div className="no-case" data-testid="no-case">
      <h2>No case is open</h2>
      <p className="muted">
        A case keeps one investigation's graph, scan runs and evidence together in one file. Create one or open one to
        start scanning.
      </p>
      <div className="no-case-actions">
        <button type="button" className="primary" onClick={() => setDialog('new-case')}>
          New case…
        </button>
        <button type="button" onClick={() => setDialog('open-case')}>
          Open case…
        </button>
      </div>
    </div>
  );
}
