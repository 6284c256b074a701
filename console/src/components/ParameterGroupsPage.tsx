import { useState } from 'preact/hooks';
import { call, callAll } from '../api.js';
import { familiesOf, isBuiltIn } from '../parameter-groups.js';
import { parameterGroupHref } from '../router.js';
import { usePoll } from '../use-poll.js';
import type { CacheParameterGroup } from '../types.js';
import { POLL_MS } from './Dashboard.js';
import { CreateParameterGroupForm } from './CreateParameterGroupForm.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';

const loadGroups = () => callAll<CacheParameterGroup>('DescribeCacheParameterGroups', 'CacheParameterGroups', { MaxRecords: '100' }, Infinity);

/** The Parameter groups page: every group (built-in ones read-only), a new one, delete. */
export function ParameterGroupsPage() {
  const view = usePoll(loadGroups, POLL_MS);
  const [deleting, setDeleting] = useState<string>();
  const groups = view.data ?? [];
  return (
    <>
      <h1>Parameter groups</h1>
      {view.error && <p class="error" role="alert">Could not load the parameter groups: {view.error.message}</p>}
      <CreateParameterGroupForm families={familiesOf(groups)} onCreated={(name) => { location.hash = parameterGroupHref(name); }} />
      {!view.data ? <p role="status">Loading…</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Family</th><th scope="col">Description</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {groups.map((g) => {
                const name = g.CacheParameterGroupName ?? '';
                return (
                  <tr key={name} data-parameter-group={name}>
                    <th scope="row"><a href={parameterGroupHref(name)}>{name}</a></th>
                    <td>{g.CacheParameterGroupFamily}</td>
                    <td>{g.Description}</td>
                    <td class="row-actions">
                      {isBuiltIn(name) ? <span class="muted">Built-in (read-only)</span>
                        : <button type="button" onClick={() => setDeleting(name)}>Delete<span class="visually-hidden"> {name}</span></button>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {deleting && (
        <ConfirmDeleteDialog kind="parameter group" name={deleting} onClose={() => setDeleting(undefined)}
          onConfirm={() => call('DeleteCacheParameterGroup', { CacheParameterGroupName: deleting }).then(view.refresh)} />
      )}
    </>
  );
}
