import { useRef, useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import type { ReplicationGroup } from '../types.js';

/** The test failover action, confirmed in a modal dialog (native <dialog>: focus is kept inside, Esc cancels). */
export function TestFailover({ group, onDone }: { group: ReplicationGroup; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const shards = (group.NodeGroups ?? []).map((ng) => ng.NodeGroupId!).filter(Boolean);
  const open = () => {
    setError('');
    dialog.current?.showModal();
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    const shard = String(new FormData(e.currentTarget as HTMLFormElement).get('shard') ?? shards[0]);
    setBusy(true);
    setError('');
    try {
      await call('TestFailover', { ReplicationGroupId: group.ReplicationGroupId!, NodeGroupId: shard });
      dialog.current?.close();
      setNotice(`Test failover of shard ${shard} started.`);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      <button type="button" onClick={open} disabled={group.Status !== 'available' || shards.length === 0}>Test failover…</button>
      <span role="status" class="muted">{notice}</span>
      <dialog ref={dialog} aria-labelledby="failover-title">
        <form onSubmit={confirm}>
          <h2 id="failover-title">Test failover of {group.ReplicationGroupId}?</h2>
          <p>The primary of the shard is replaced by a replica, as a real failure would. Clients reconnect to the new primary.</p>
          {shards.length > 1 && (
            <>
              <label for="failover-shard">Shard</label>
              <select id="failover-shard" name="shard">{shards.map((s) => <option key={s} value={s}>{s}</option>)}</select>
            </>
          )}
          {shards.length === 1 && <input type="hidden" name="shard" value={shards[0]} />}
          {error && <p class="error" role="alert">{error}</p>}
          <div class="dialog-buttons">
            <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
            <button type="submit" class="danger" disabled={busy}>{busy ? 'Starting…' : 'Start test failover'}</button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
