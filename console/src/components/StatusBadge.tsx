/** A resource's status word, coloured by what it means (available, in progress, failed). */
export function StatusBadge({ status }: { status?: string }) {
  const s = status ?? 'unknown';
  const kind = s === 'available' || s === 'active' ? 'ok'
    : /fail|incompatible|restore-failed|deleting/.test(s) ? 'bad' : 'busy';
  return <span class={`status status-${kind}`} data-status={s}>{s}</span>;
}
