import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createServerlessSnapshotParams, SERVERLESS_SNAPSHOT_FIELDS, serverlessSnapshotsNewestFirst } from '../serverless.js';
import type { ServerlessCacheSnapshot } from '../types.js';
import { usePoll } from '../use-poll.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { StatusBadge } from './StatusBadge.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';
import { FormError } from './FormError.js';
import { POLL_MS } from './Dashboard.js';

/** A serverless cache's snapshots (polled), "Create snapshot", and delete (the snapshot's name typed). */
export function ServerlessSnapshotsSection({ cache }: { cache: string }) {
  const list = usePoll(() => call<{ ServerlessCacheSnapshots?: ServerlessCacheSnapshot[] }>('DescribeServerlessCacheSnapshots',
    { ServerlessCacheName: cache, MaxResults: '50' }).then((r) => r.ServerlessCacheSnapshots ?? []), POLL_MS, [cache]);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<string | undefined>();
  const { errors: err, busy, run } = useSubmit(SERVERLESS_SNAPSHOT_FIELDS);
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call('CreateServerlessCacheSnapshot', createServerlessSnapshotParams(cache, name));
      setName('');
      list.refresh();
    });
  };
  return (
    <section aria-labelledby="sl-snapshots-title">
      <h2 id="sl-snapshots-title">Snapshots</h2>
      <form class="inline-form" onSubmit={create} noValidate>
        <Field id="sl-snapshot-name" label="Snapshot name" error={err.name}>
          <input {...described('sl-snapshot-name', err.name)} value={name} spellcheck={false} autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create snapshot'}</button>
        <FormError message={err.form} />
      </form>
      {list.error && <p class="error" role="alert">Could not load the snapshots: {list.error.message}</p>}
      {!list.data ? <p role="status">Loading…</p> : list.data.length === 0 ? <p class="muted">No snapshots.</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Type</th><th scope="col">Created</th>
              <th scope="col">Size</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {serverlessSnapshotsNewestFirst(list.data).map((s) => {
                const n = s.ServerlessCacheSnapshotName ?? '';
                const time = s.CreateTime === undefined ? undefined : String(s.CreateTime);
                return (
                  <tr key={n} data-snapshot={n}>
                    <th scope="row">{n}</th><td><StatusBadge status={s.Status} /></td><td>{s.SnapshotType ?? '—'}</td>
                    <td>{time ? <time dateTime={time}>{new Date(time).toLocaleString()}</time> : '—'}</td>
                    <td>{s.BytesUsedForCache ?? '—'}</td>
                    <td><button type="button" onClick={() => setDeleting(n)}>Delete<span class="visually-hidden"> {n}</span></button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {deleting && <DeleteServerlessSnapshotDialog name={deleting} onClose={() => setDeleting(undefined)} onDone={list.refresh} />}
    </section>
  );
}

function DeleteServerlessSnapshotDialog({ name, onClose, onDone }: { name: string; onClose: () => void; onDone: () => void }) {
  return (
    <ConfirmDeleteDialog kind="snapshot" name={name} onClose={onClose}
      onConfirm={async () => { await call('DeleteServerlessCacheSnapshot', { ServerlessCacheSnapshotName: name }); onDone(); }} />
  );
}
