/** A dialog's Cancel and confirm buttons (the confirm one red for destructive actions). */
export function DialogButtons({ onCancel, label, busyLabel, busy, disabled, danger }: {
  onCancel: () => void; label: string; busyLabel: string; busy: boolean; disabled?: boolean; danger?: boolean;
}) {
  return (
    <div class="dialog-buttons">
      <button type="button" onClick={onCancel}>Cancel</button>
      <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy || disabled}>{busy ? busyLabel : label}</button>
    </div>
  );
}
