/** A confirm step for destructive actions; the body says exactly what will and will not happen. */
import { useId, useState, type ReactNode } from 'react';
import { Modal } from './modal.tsx';

export interface ConfirmDialogProps {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, body, confirmLabel, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const bodyId = useId();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={title} onClose={onClose} describedBy={bodyId}>
      <div id={bodyId} className="confirm-body">
        {body}
      </div>
      <div className="modal-actions">
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          data-autofocus
          className={danger ? 'danger' : 'primary'}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            onConfirm().finally(() => setBusy(false));
          }}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
