// Scan runs of the case, newest first, live from run.* events, with Cancel while they are queued
// or running.
import type { Run } from '../../shared/model';
import { formatTime, percent } from '../model/format';
import { isActive, sortedRuns } from '../model/runs';
import { cancelRun } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { useAction } from './use-action';

function RunRow({ run, title }: { run: Run; title: string }) {
  const { client } = useServices();
  const cancel = useAction(() => cancelRun(client, run.id));
  const pct = percent(run.progress);
  return (
    <tr className="run" data-run-id={run.id} data-status={run.status}>
      <td className="mono">#{run.id}</td>
      <td>{title}</td>
      <td className="run-target" title={run.target.value}>
        {run.target.value}
      </td>
      <td>
        <span className={`badge status-${run.status}`}>{run.status}</span>
      </td>
      <td>
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={`Run ${run.id} progress`}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
      </td>
      <td className="run-message">
        {run.error ? <span className="error-inline">{run.error}</span> : run.message}
        <ErrorText error={cancel.error} />
      </td>
      <td className="muted">{formatTime(run.startedAt ?? run.createdAt)}</td>
      <td>
        {isActive(run) ? (
          <button type="button" className="small" disabled={cancel.busy} onClick={() => cancel.run()}>
            Cancel
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function RunList() {
  const runs = useApp((s) => s.runs);
  const scanners = useApp((s) => s.scanners);
  const list = sortedRuns(runs);
  const active = list.filter(isActive).length;
  return (
    <section className="run-list" aria-label="Scan runs">
      <h3>
        Runs{' '}
        <span className="muted">
          ({list.length}
          {active > 0 ? `, ${active} active` : ''})
        </span>
      </h3>
      {list.length === 0 ? (
        <p className="muted">No scans yet. Type a target above and press Scan.</p>
      ) : (
        <div className="run-scroll">
          <table className="run-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Scanner</th>
                <th>Target</th>
                <th>Status</th>
                <th>Progress</th>
                <th>Message</th>
                <th>Started</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <RunRow
                  key={run.id}
                  run={run}
                  title={scanners.find((s) => s.id === run.scannerId)?.title ?? run.scannerId}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
