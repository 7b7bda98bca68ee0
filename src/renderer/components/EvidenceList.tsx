// Raw evidence, each collapsible, content as text in a <pre> (never parsed or rendered as markup).
import type { EvidenceText } from '../../shared/model';
import { formatBytes, formatTime } from '../model/format';

export function EvidenceList({ evidence }: { evidence: readonly EvidenceText[] }) {
  if (evidence.length === 0) return <p className="muted">No evidence.</p>;
  return (
    <ul className="evidence-list">
      {evidence.map((ev) => (
        <li key={ev.id}>
          <details className="evidence" data-evidence-id={ev.id}>
            <summary>
              <span className="evidence-source">{ev.source}</span>
              <span className="muted">
                {' '}
                · {ev.mediaType} · {formatBytes(ev.size)}
              </span>
            </summary>
            <dl className="evidence-meta">
              <dt>sha256</dt>
              <dd className="mono">{ev.sha256}</dd>
              <dt>captured</dt>
              <dd>
                {formatTime(ev.capturedAt)}
                {ev.runId !== null ? ` · run #${ev.runId}` : ''}
              </dd>
            </dl>
            <pre className="evidence-text">{ev.text}</pre>
            {ev.truncated ? <p className="muted">Shown in part; the full artifact is in the case.</p> : null}
          </details>
        </li>
      ))}
    </ul>
  );
}
