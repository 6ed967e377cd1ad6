/** The Cancel / submit row at the bottom of every form dialog; both buttons are disabled while the form is busy. */
export interface FormActionsProps {
  busy: boolean;
  label: string;
  busyLabel: string;
  onCancel: () => void;
}

export function FormActions({ busy, label, busyLabel, onCancel }: FormActionsProps) {
  return (
    <div className="modal-actions">
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
