// The case's scope for active modules: how far from the seeds (the targets typed or added to
// the scope) they may run, and the passive-only lock. Shown whenever a case is open, so an
// analyst always sees what the next scan may touch.
import { useId, useState } from 'react';
import type { CaseInfo } from '../../shared/model';
import { updateSettings } from '../store/actions';
import { useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { useAction } from './use-action';

const DISTANCES = [0, 1, 2, 3, 4, 5];

export function ScopeControls({ current }: { current: CaseInfo }) {
  const { client, store } = useServices();
  const save = useAction((patch: Partial<CaseInfo['settings']>) => updateSettings(client, store, patch));
  const distanceId = useId();
  // The lock shows the asked-for state while the backend confirms it (and reverts on refusal).
  const [lockPending, setLockPending] = useState<boolean | null>(null);
  const { scopeDistance } = current.settings;
  const passiveOnly = lockPending ?? current.settings.passiveOnly;
  return (
    <div className="scope-controls" data-testid="scope-controls">
      <label htmlFor={distanceId} className={passiveOnly ? 'muted' : undefined}>
        Active modules within
      </label>
      <select
        id={distanceId}
        value={scopeDistance}
        disabled={passiveOnly || save.busy}
        onChange={(e) => void save.run({ scopeDistance: Number(e.target.value) })}
      >
        {DISTANCES.map((d) => (
          <option key={d} value={d}>
            {d === 0 ? 'the seeds only' : `${d} hop${d === 1 ? '' : 's'} of the seeds`}
          </option>
        ))}
      </select>
      <label className="passive-lock">
        <input
          type="checkbox"
          checked={passiveOnly}
          disabled={save.busy}
          onChange={(e) => {
            setLockPending(e.target.checked);
            void save.run({ passiveOnly: e.target.checked }).finally(() => setLockPending(null));
          }}
        />
        Passive only (nothing touches the targets)
      </label>
      <ErrorText error={save.error} />
    </div>
  );
}
