// The Overall Assessment of the selected target: the A-F grade with every point lost, the red /
// yellow / green signals, the values worth pivoting on with how widely each is shared, and the
// significant absences. Everything in it came from scans: rendered as text only.
import { useEffect, useState } from 'react';
import { type Assessment, pivotGroups } from '../../shared/assessment';
import { formatPoints } from '../../shared/grade';
import { toApiError } from '../api/validate';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';

function useAssessment(entityId: number, revision: number) {
  const { client } = useServices();
  const [state, setState] = useState<{ id: number; assessment: Assessment | null; error: string | null } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the refetch trigger (runs ended on this entity)
  useEffect(() => {
    let live = true;
    client
      .call('assessment.get', { entityId })
      .then((assessment) => live && setState({ id: entityId, assessment, error: null }))
      .catch((e: unknown) => live && setState({ id: entityId, assessment: null, error: toApiError(e).message }));
    return () => {
      live = false;
    };
  }, [client, entityId, revision]);
  return state && state.id === entityId ? state : null;
}

export function AssessmentPanel({ entityId }: { entityId: number }) {
  const revision = useApp((s) => s.selection.revision);
  const select = useApp((s) => s.select);
  const loaded = useAssessment(entityId, revision);
  const a = loaded?.assessment;
  if (!a) {
    return (
      <section className="assessment" aria-label="Overall Assessment">
        <h3>Overall Assessment</h3>
        {loaded?.error ? <ErrorText error={loaded.error} /> : <p className="muted">Loading…</p>}
      </section>
    );
  }
  const { grade } = a;
  const known = grade.categories.filter((c) => c.earned !== null).length;
  const applicable = grade.categories.filter((c) => c.applicable).length;
  return (
    <section className="assessment" aria-label="Overall Assessment" data-testid="assessment">
      <h3>Overall Assessment</h3>
      {a.scannersRun.length === 0 ? (
        <p className="muted">No module has finished on this target yet. Run a Full Scan to assess it.</p>
      ) : null}
      <div className="grade-row">
        <span className={`grade-badge grade-${grade.letter ?? 'unknown'}`} data-testid="grade-letter">
          {grade.letter ?? '?'}
        </span>
        <span className="grade-summary">
          {grade.score === null
            ? 'No graded module has run'
            : `${grade.score}/100 over ${known} of ${applicable} categories`}
        </span>
      </div>
      <ul className="grade-categories">
        {grade.categories.map((c) => (
          <li key={c.id} className={c.earned === null ? 'unknown' : c.earned === c.weight ? 'full' : 'lost'}>
            {c.lost.length > 0 ? (
              <details>
                <summary>
                  <span className="category-title">{c.title}</span>
                  <span className="category-score">{`${formatPoints(c.earned ?? 0)}/${c.weight}`}</span>
                </summary>
                <ul className="lost-points">
                  {c.lost.map((l) => (
                    <li key={l.reason}>
                      −{formatPoints(l.points)}: {l.reason}
                    </li>
                  ))}
                </ul>
              </details>
            ) : (
              <div className="category-row">
                <span className="category-title">{c.title}</span>
                <span className="category-score">
                  {!c.applicable
                    ? 'not applicable'
                    : c.earned === null
                      ? 'unknown'
                      : `${formatPoints(c.earned)}/${c.weight}`}
                </span>
              </div>
            )}
          </li>
        ))}
      </ul>

      <h4>Signals ({a.signals.length})</h4>
      {a.signals.length === 0 ? <p className="muted">No signal yet.</p> : null}
      <ul className="signal-list" data-testid="signals">
        {a.signals.map((s) => (
          <li key={`${s.level}:${s.text}:${s.about}`} className={`signal signal-${s.level}`}>
            <span className="signal-dot" role="img" aria-label={s.level} />
            <span className="signal-text">{s.text}</span>
            {s.about && s.about !== a.entity.value ? <span className="muted"> · {s.about}</span> : null}
          </li>
        ))}
      </ul>

      <h4>Pivots ({Object.values(a.pivotTotals).reduce((sum, n) => sum + n, 0)})</h4>
      {a.pivots.length === 0 ? <p className="muted">Nothing to pivot on yet.</p> : null}
      <ul className="pivot-list" data-testid="pivots">
        {pivotGroups(a).flatMap((group) => [
          ...group.shown.map((p) => (
            <li key={`${p.role}:${p.entityId}`} className={p.weak ? 'weak' : undefined}>
              <span className="pivot-role">{p.role}</span>
              <button type="button" className="link-target" title={p.value} onClick={() => select(p.entityId)}>
                {p.value}
              </button>
              <span className={`share share-${p.class.replace(/ /g, '-')}`} title={`${p.shared} other(s) share it`}>
                {p.shared} · {p.class}
              </span>
              {p.weak ? <span className="warning-text pivot-weak">{p.weak}</span> : null}
            </li>
          )),
          group.more > 0 ? (
            <li key={`${group.role}:more`} className="pivot-more muted">
              <span className="pivot-role">{group.role}</span>
              <span>… and {group.more} more</span>
            </li>
          ) : null,
        ])}
      </ul>

      {a.absences.length > 0 ? (
        <>
          <h4>Absences</h4>
          <ul className="absence-list">
            {a.absences.map((x) => (
              <li key={x.text}>{x.text}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
