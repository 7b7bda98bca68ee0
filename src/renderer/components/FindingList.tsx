// Findings about an entity, most severe first, coloured by severity.
import { type Finding, SEVERITIES } from '../../shared/model';
import { formatTime } from '../model/format';

export function FindingList({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <p className="muted">No findings.</p>;
  const sorted = [...findings].sort(
    (a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.id - b.id,
  );
  return (
    <ul className="finding-list">
      {sorted.map((f) => (
        <li key={f.id} className={`finding severity-${f.severity}`}>
          <div className="finding-head">
            <span className={`badge severity-${f.severity}`}>{f.severity}</span>
            <span className="finding-title">{f.title}</span>
          </div>
          <div className="finding-meta">
            {f.category} · run #{f.runId} · {formatTime(f.createdAt)}
          </div>
          {f.detail ? <p className="finding-detail">{f.detail}</p> : null}
        </li>
      ))}
    </ul>
  );
}
