// The top bar: which case is open, and New / Open / Close.
import { closeCase } from '../store/actions';
import { useApp, useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { NewCaseDialog } from './NewCaseDialog';
import { OpenCaseDialog } from './OpenCaseDialog';
import { useAction } from './use-action';

export function CaseBar() {
  const { client, store } = useServices();
  const current = useApp((s) => s.caseSlice.current);
  const dialog = useApp((s) => s.dialog);
  const setDialog = useApp((s) => s.setDialog);
  const close = useAction(() => closeCase(client, store));

  return (
    <header className="case-bar">
      <span className="brand">Tracegraph</span>
      <span className="case-name" data-testid="case-name" title={current?.path}>
        {current ? current.name : current === null ? 'No case open' : 'Connecting…'}
      </span>
      {current ? <span className="case-path">{current.path}</span> : null}
      <span className="spacer" />
      <ErrorText error={close.error} />
      <button type="button" onClick={() => setDialog('new-case')}>
        New case…
      </button>
      <button type="button" onClick={() => setDialog('open-case')}>
        Open…
      </button>
      <button type="button" disabled={!current || close.busy} onClick={() => close.run()}>
        Close
      </button>
      {dialog === 'new-case' ? <NewCaseDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'open-case' ? <OpenCaseDialog onClose={() => setDialog(null)} /> : null}
    </header>
  );
}
