// Everything known about the selected entity, fetched with entity.get and refetched when new
// results touch it: identity, properties, links, findings, observations and raw evidence.
import { useEffect, useState } from 'react';
import type { EntityDetail, EntityType } from '../../shared/model';
import { toApiError } from '../api/validate';
import { ENTITY_STYLES } from '../model/entity-style';
import { formatTime } from '../model/format';
import { displayValue, neighbours } from '../model/graph';
import { useApp, useServices } from '../store/context';
import { AssessmentPanel } from './AssessmentPanel';
import { ErrorText } from './ErrorText';
import { EvidenceList } from './EvidenceList';
import { FindingList } from './FindingList';
import { PropsTable } from './PropsTable';
import { ScannerChooser } from './ScannerChooser';

function useEntityDetail(entityId: number | null, revision: number) {
  const { client } = useServices();
  const [state, setState] = useState<{ id: number; detail: EntityDetail | null; error: string | null } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the refetch trigger (new results about this entity)
  useEffect(() => {
    if (entityId === null) return;
    let live = true;
    client
      .call('entity.get', { entityId })
      .then((detail) => live && setState({ id: entityId, detail, error: null }))
      .catch((e: unknown) => live && setState({ id: entityId, detail: null, error: toApiError(e).message }));
    return () => {
      live = false;
    };
  }, [client, entityId, revision]);
  return state && state.id === entityId ? state : null;
}

/** The entity types a Full Scan starts from, and so the ones with an Overall Assessment. */
const ASSESSED: EntityType[] = ['domain', 'ip', 'email'];

export function SidePanel() {
  const entityId = useApp((s) => s.selection.entityId);
  const revision = useApp((s) => s.selection.revision);
  const graph = useApp((s) => s.graph);
  const scanners = useApp((s) => s.scanners);
  const select = useApp((s) => s.select);
  const loaded = useEntityDetail(entityId, revision);
  const [chooserFor, setChooserFor] = useState<number | null>(null);

  const entity = entityId === null ? undefined : (loaded?.detail?.entity ?? graph.entities.get(entityId));
  if (entityId === null || !entity) {
    return (
      <aside className="side-panel" aria-label="Selected entity">
        <p className="muted panel-empty">Select a node to see what is known about it. Right-click a node to scan it.</p>
      </aside>
    );
  }
  const detail = loaded?.detail ?? null;
  const shown = displayValue(entity);
  const links = neighbours(graph, entity.id);
  const scannerTitle = (id: string) => scanners.find((s) => s.id === id)?.title ?? id;

  return (
    <aside className="side-panel" aria-label="Selected entity" data-entity-id={entity.id}>
      <header className="panel-head">
        <span className={`type-chip type-${entity.type}`} style={{ borderColor: ENTITY_STYLES[entity.type].color }}>
          {entity.type}
        </span>
        <h2 className="entity-value" data-testid="entity-value">
          {shown}
        </h2>
        {shown !== entity.value ? <p className="entity-ascii mono">{entity.value}</p> : null}
        {typeof entity.props.homograph === 'string' ? (
          <p className="warning-text">Possible homograph: {entity.props.homograph}</p>
        ) : null}
        <div className="panel-actions">
          <button
            type="button"
            aria-expanded={chooserFor === entity.id}
            onClick={() => setChooserFor(chooserFor === entity.id ? null : entity.id)}
          >
            Run scanner…
          </button>
        </div>
        {chooserFor === entity.id ? (
          <div className="panel-chooser">
            <ScannerChooser entity={entity} onStarted={() => setChooserFor(null)} />
          </div>
        ) : null}
        <dl className="seen">
          <dt>First seen</dt>
          <dd>{formatTime(entity.firstSeen)}</dd>
          <dt>Last seen</dt>
          <dd>{formatTime(entity.lastSeen)}</dd>
        </dl>
      </header>
      <ErrorText error={loaded?.error ?? null} />

      {ASSESSED.includes(entity.type) ? <AssessmentPanel entityId={entity.id} /> : null}

      <section>
        <h3>Properties</h3>
        <PropsTable props={entity.props} />
      </section>

      <section>
        <h3>Links ({links.length})</h3>
        {links.length === 0 ? <p className="muted">No links yet.</p> : null}
        <ul className="link-list">
          {links.map(({ relation, other, outgoing }) => (
            <li key={relation.id}>
              <span className="link-kind">
                {outgoing ? '→' : '←'} {relation.kind.replace(/_/g, ' ')}
              </span>
              <button type="button" className="link-target" onClick={() => select(other.id)} title={other.value}>
                {displayValue(other)}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section>
        <h3>Findings{detail ? ` (${detail.findings.length})` : ''}</h3>
        {detail ? <FindingList findings={detail.findings} /> : <p className="muted">Loading…</p>}
      </section>

      <section>
        <h3>Observations{detail ? ` (${detail.observations.length})` : ''}</h3>
        {detail ? (
          detail.observations.length === 0 ? (
            <p className="muted">No observations.</p>
          ) : (
            <ul className="observation-list">
              {detail.observations.map((o) => {
                const parent = o.parentEntityId === null ? undefined : graph.entities.get(o.parentEntityId);
                return (
                  <li key={o.id}>
                    <span className="obs-scanner">{scannerTitle(o.scannerId)}</span> run #{o.runId} ·{' '}
                    {formatTime(o.seenAt)}
                    {parent ? <span className="muted"> · from {displayValue(parent)}</span> : null}
                  </li>
                );
              })}
            </ul>
          )
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>

      <section>
        <h3>Evidence{detail ? ` (${detail.evidence.length})` : ''}</h3>
        {detail ? <EvidenceList evidence={detail.evidence} /> : <p className="muted">Loading…</p>}
      </section>
    </aside>
  );
}
