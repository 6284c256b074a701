/** A table row's Edit and Delete buttons (named for screen readers by `name`), or "Built-in" for what cannot change. */
export function RowActions({ builtIn = false, name, onEdit, onDelete }: { builtIn?: boolean; name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <td class="row-actions">
      {builtIn ? <span class="muted">Built-in</span> : <>
        <button type="button" onClick={onEdit}>Edit<span class="visually-hidden"> {name}</span></button>
        <button type="button" onClick={onDelete}>Delete<span class="visually-hidden"> {name}</span></button>
      </>}
    </td>
  );
}
