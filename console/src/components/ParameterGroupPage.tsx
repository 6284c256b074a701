import { useState } from 'preact/hooks';
import { call, callAll } from '../api.js';
import { byName, isBuiltIn, resetParams } from '../parameter-groups.js';
import { usePoll } from '../use-poll.js';
import type { CacheParameterGroup, Parameter } from '../types.js';
import { POLL_MS } from './Dashboard.js';
import { ParametersTable } from './ParametersTable.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';

interface ParameterGroupView { group?: CacheParameterGroup; parameters: Parameter[] }

async function loadGroup(name: string): Promise<ParameterGroupView> {
  const [groups, parameters] = await Promise.all([
    callAll<CacheParameterGroup>('DescribeCacheParameterGroups', 'CacheParameterGroups', { CacheParameterGroupName: name }),
    callAll<Parameter>('DescribeCacheParameters', 'Parameters', { CacheParameterGroupName: name, MaxRecords: '100' }, Infinity),
  ]);
  return { group: groups[0], parameters: byName(parameters) };
}

/** A parameter group's page: its parameters, their edit, reset and delete (none for a built-in group). */
export function ParameterGroupPage({ name }: { name: string }) {
  const view = usePoll(() => loadGroup(name), POLL_MS * 3, [name]);
  const [open, setOpen] = useState<'reset' | 'delete'>();
  const readOnly = isBuiltIn(name);
  const g = view.data?.group;
  return (
    <>
      <p class="crumbs"><a href="#/parameter-groups">Parameter groups</a> /</p>
      <div class="title-row">
        <h1>{name}</h1>
        {!readOnly && (
          <div class="actions">
            <button type="button" onClick={() => setOpen('reset')}>Reset all parameters…</button>
            <button type="button" onClick={() => setOpen('delete')}>Delete…</button>
          </div>
        )}
      </div>
      {view.error && <p class="error" role="alert">Could not load the parameter group: {view.error.message}</p>}
      {g && (
        <dl class="facts">
          <dt>Family</dt><dd>{g.CacheParameterGroupFamily}</dd>
          <dt>Description</dt><dd>{g.Description}</dd>
          {readOnly && <><dt>Editable</dt><dd>No: built-in groups are read-only; create a group of this family to change values.</dd></>}
        </dl>
      )}
      <h2>Parameters</h2>
      {!view.data ? <p role="status">Loading…</p>
        : <ParametersTable group={name} parameters={view.data.parameters} editable={!readOnly} onChanged={view.refresh} />}
      {open === 'reset' && (
        <ConfirmDeleteDialog kind="parameter group" verb="Reset" name={name} onClose={() => setOpen(undefined)}
          onConfirm={() => call('ResetCacheParameterGroup', resetParams(name)).then(view.refresh)}>
          <p>Every parameter goes back to its family's default, on every cache using the group.</p>
        </ConfirmDeleteDialog>
      )}
      {open === 'delete' && (
        <ConfirmDeleteDialog kind="parameter group" name={name} onClose={() => setOpen(undefined)}
          onConfirm={() => call('DeleteCacheParameterGroup', { CacheParameterGroupName: name }).then(() => { location.hash = '#/parameter-groups'; })} />
      )}
    </>
  );
}
