// The target bar: what to scan (validated as typed with the shared parser, so nothing invalid
// is ever sent), with which scanners, and the warnings an analyst must see before scanning.
import { useId, useState } from 'react';
import { parseTarget } from '../../shared/target';
import { chosenScanners } from '../model/scanners';
import { checkTarget } from '../model/target';
import { fullScan, startScans, updateSettings } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { ScannerPicker } from './ScannerPicker';
import { ScopeControls } from './ScopeControls';
import { useAction } from './use-action';

export function TargetInput() {
  const { client, store } = useServices();
  const current = useApp((s) => s.caseSlice.current);
  const scanners = useApp((s) => s.scanners);
  const setDialog = useApp((s) => s.setDialog);
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [needCase, setNeedCase] = useState(false);
  // Scanners flipped from their default (passive on, active off), by id.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const scan = useAction((t: string, ids: string[]) => startScans(client, store, t, ids));
  const full = useAction((t: string) => fullScan(client, store, { text: t }));
  const [skipped, setSkipped] = useState<string[]>([]);
  const settings = useAction((allow: boolean) => updateSettings(client, store, { allowPrivateTargets: allow }));
  // The toggle shows the asked-for state while the backend confirms it (and reverts on refusal).
  const [allowPending, setAllowPending] = useState<boolean | null>(null);
  const errorId = useId();

  const check = checkTarget(text, current ?? null);
  const type = check.state === 'valid' ? check.target.key.type : null;
  const chosen = type ? chosenScanners(type, scanners, toggled) : [];
  // The parser's own message, shown as soon as there is something to judge (or on an empty submit).
  const invalidMessage =
    check.state === 'invalid' ? check.error : check.state === 'empty' && submitted ? emptyMessage() : null;

  /** Whether the typed target can be scanned now; says why not where the analyst must act. */
  const ready = (): boolean => {
    setSubmitted(true);
    scan.clearError();
    full.clearError();
    setSkipped([]);
    if (check.state !== 'valid') return false;
    if (!current) {
      setNeedCase(true);
      return false;
    }
    return !check.blockedInternal;
  };

  const submit = async () => {
    if (!ready() || chosen.length === 0) return;
    await scan.run(
      text.trim(),
      chosen.map((s) => s.id),
    );
  };

  const submitFull = async () => {
    if (!ready()) return;
    const started = await full.run(text.trim());
    if (started) setSkipped(started.skipped.map((s) => `${s.scannerId}: ${s.reason}`));
  };
  const error = scan.error ?? full.error;

  return (
    <section className="target-bar" aria-label="Scan a target">
      <form
        className="target-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <input
          className={`target-input${invalidMessage ? ' invalid' : ''}`}
          name="target"
          aria-label="Target"
          aria-invalid={invalidMessage !== null}
          aria-describedby={invalidMessage ? errorId : undefined}
          placeholder="Domain, IP address or email address"
          value={text}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setText(e.target.value);
            setNeedCase(false);
            scan.clearError();
          }}
        />
        <ScannerPicker
          type={type}
          scanners={scanners}
          toggled={toggled}
          onToggle={(id) =>
            setToggled((prev) => {
              const next = new Set(prev);
              if (!next.delete(id)) next.add(id);
              return next;
            })
          }
        />
        <button
          type="submit"
          disabled={
            scan.busy || (check.state === 'valid' && current != null && (check.blockedInternal || chosen.length === 0))
          }
        >
          Scan
        </button>
        <button
          type="button"
          className="primary"
          title="Every module that accepts the target, in two phases, then the grade and the Overall Assessment"
          disabled={full.busy || (check.state === 'valid' && current != null && check.blockedInternal)}
          onClick={() => void submitFull()}
        >
          Full Scan
        </button>
        <div className="target-messages">
          {invalidMessage ? (
            <p className="error-text" id={errorId} role="alert" data-testid="target-error">
              {invalidMessage}
            </p>
          ) : null}
          {check.state === 'valid' && check.target.key.value !== text.trim() ? (
            <span className="muted" data-testid="target-canonical">
              {check.target.key.type}: {check.target.key.value}
            </span>
          ) : check.state === 'valid' ? (
            <span className="muted">{check.target.key.type}</span>
          ) : null}
          {check.state === 'valid'
            ? check.warnings.map((w) => (
                <p key={w} className="warning-text" data-testid="target-warning">
                  {w}
                </p>
              ))
            : null}
        </div>
      </form>
      {check.state === 'valid' && check.target.internal && current ? (
        <label className="internal-toggle">
          <input
            type="checkbox"
            checked={allowPending ?? current.settings.allowPrivateTargets}
            disabled={settings.busy}
            onChange={(e) => {
              setAllowPending(e.target.checked);
              void settings.run(e.target.checked).finally(() => setAllowPending(null));
            }}
          />
          Allow internal targets for this case
        </label>
      ) : null}
      <ErrorText error={settings.error} />
      {needCase && !current ? (
        <div className="need-case" role="alert">
          <span>No case is open. Create or open a case first; the scan results are saved in it.</span>
          <button type="button" onClick={() => setDialog('new-case')}>
            New case…
          </button>
          <button type="button" onClick={() => setDialog('open-case')}>
            Open…
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="error-text" role="alert" data-testid="scan-error">
          {error.message}
          {error.field ? ` (${error.field})` : ''}
        </p>
      ) : null}
      {skipped.length > 0 ? (
        <details className="skipped" data-testid="skipped-modules">
          <summary>
            {skipped.length} module{skipped.length === 1 ? '' : 's'} skipped by the scope
          </summary>
          <ul>
            {skipped.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {current ? <ScopeControls current={current} /> : null}
    </section>
  );
}

function emptyMessage(): string {
  const r = parseTarget('');
  return r.ok ? '' : r.error;
}
