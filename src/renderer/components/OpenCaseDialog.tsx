// Opens a case from the recent list or from a path typed by the analyst.
import { useEffect, useState } from 'react';
import { toApiError } from '../api/validate';
import { formatTime } from '../model/format';
import { loadRecent, openCase } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { Modal } from './Modal';
import { useAction } from './use-action';

export function OpenCaseDialog({ onClose }: { onClose: () => void }) {
  const { client, store } = useServices();
  const recent = useApp((s) => s.caseSlice.recent);
  const [path, setPath] = useState('');
  const [recentError, setRecentError] = useState<string | null>(null);
  const { run, busy, error } = useAction((p: string) => openCase(client, store, p));

  useEffect(() => {
    loadRecent(client, store).catch((e: unknown) => setRecentError(toApiError(e).message));
  }, [client, store]);

  const open = async (p: string) => {
    if (await run(p)) onClose();
  };

  return (
    <Modal title="Open case" onClose={onClose}>
      <div className="modal-body">
        <h3>Recent cases</h3>
        <ErrorText error={recentError} />
        {recent.length === 0 && recentError === null ? <p className="muted">No recent cases.</p> : null}
        <ul className="recent-list">
          {recent.map((r) => (
            <li key={r.path}>
              <button type="button" className="recent-item" disabled={busy} onClick={() => open(r.path)}>
                <span className="recent-name">{r.name}</span>
                <span className="recent-path">{r.path}</span>
                <span className="recent-time">opened {formatTime(r.openedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void open(path.trim());
          }}
        >
          <label className="field">
            <span>Case file path</span>
            <input
              name="case-path"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/path/to/case"
            />
          </label>
          <ErrorText error={error} />
          <div className="modal-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || path.trim() === ''}>
              Open
            </button>
          </div>
        </form>
      </div>
    </Modal>
  );
}
