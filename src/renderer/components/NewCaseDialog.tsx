// Asks for a case name and creates the case; the backend chooses where the file goes.
import { useState } from 'react';
import { createCase } from '../store/actions';
import { useServices } from '../store/context';
import { ErrorText } from './ErrorText';
import { Modal } from './Modal';
import { useAction } from './use-action';

export function NewCaseDialog({ onClose }: { onClose: () => void }) {
  const { client, store } = useServices();
  const [name, setName] = useState('');
  const { run, busy, error } = useAction((n: string) => createCase(client, store, n));
  return (
    <Modal title="New case" onClose={onClose}>
      <form
        className="modal-body"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(name)) onClose();
        }}
      >
        <label className="field">
          <span>Case name</span>
          <input
            name="case-name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Parcel phishing, Nov 2024"
            // biome-ignore lint/a11y/noAutofocus: the dialog exists to ask for this one field
            autoFocus
            required
          />
        </label>
        <ErrorText error={error} />
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
            Create case
          </button>
        </div>
      </form>
    </Modal>
  );
}
