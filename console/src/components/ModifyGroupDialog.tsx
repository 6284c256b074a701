import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { currentTransitMode, MODIFY_FIELDS, modifyParams, modifyValuesOf, type ModifyValues } from '../group-actions.js';
import type { ReplicationGroup } from '../types.js';
import { useOnce } from '../use-once.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

interface Choices {
  nodeTypes: Array<{ Name: string; MemoryGiB: number; Vcpus: number }>;
  parameterGroups: string[];
}

async function loadChoices(): Promise<Choices> {
  const [n, p] = await Promise.all([
    fetch('/console/api/node-types', { credentials: 'same-origin' }).then((r) => r.json() as Promise<{ NodeTypes?: Choices['nodeTypes'] }>),
    call<{ CacheParameterGroups?: Array<{ CacheParameterGroupName?: string }> }>('DescribeCacheParameterGroups', { MaxRecords: '100' }),
  ]);
  return { nodeTypes: n.NodeTypes ?? [], parameterGroups: (p.CacheParameterGroups ?? []).map((g) => g.CacheParameterGroupName!).filter(Boolean) };
}

/** "Modify": node type (with its memory), parameter group, TLS mode, windows and backups, applied now or in the window. */
export function ModifyGroupDialog({ group, onClose, onDone }: { group: ReplicationGroup; onClose: () => void; onDone: (notice: string) => void }) {
  const choices = useOnce(loadChoices);
  const [v, setV] = useState<ModifyValues>(() => modifyValuesOf(group));
  const { errors: err, busy, run } = useSubmit(MODIFY_FIELDS);
  const set = <K extends keyof ModifyValues>(k: K) => (e: Event) => {
    const t = e.currentTarget as HTMLInputElement;
    setV((old) => ({ ...old, [k]: t.type === 'checkbox' ? t.checked : t.value }));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call('ModifyReplicationGroup', modifyParams(group, v));
      onDone(`Modification of ${group.ReplicationGroupId} ${v.applyImmediately ? 'started' : 'scheduled for the maintenance window'}.`);
      onClose();
    });
  };
  const tls = currentTransitMode(group);
  const types = choices.data?.nodeTypes ?? [{ Name: v.nodeType, MemoryGiB: 0, Vcpus: 0 }];
  return (
    <Modal titleId="modify-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="modify-title">Modify {group.ReplicationGroupId}</h2>
        <Field id="modify-node-type" label="Node type" error={err.nodeType}>
          <select {...described('modify-node-type', err.nodeType)} value={v.nodeType} onChange={set('nodeType')}>
            {types.map((t) => <option key={t.Name} value={t.Name}>{t.Name}{t.MemoryGiB ? ` (${t.MemoryGiB} GiB, ${t.Vcpus} vCPU)` : ''}</option>)}
          </select>
        </Field>
        <Field id="modify-parameter-group" label="Parameter group" error={err.parameterGroup}>
          <select {...described('modify-parameter-group', err.parameterGroup)} value={v.parameterGroup} onChange={set('parameterGroup')}>
            <option value="">Keep the current one</option>
            {(choices.data?.parameterGroups ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </Field>
        <Field id="modify-transit-mode" label="Encryption in transit" error={err.transitMode}
          hint={tls ? `Now: ${tls}.` : 'Now: off. TLS is turned on in preferred mode first; required once clients use it.'}>
          <select {...described('modify-transit-mode', err.transitMode, 'hint')} value={v.transitMode} onChange={set('transitMode')}>
            <option value="">{tls ? `Keep ${tls}` : 'Keep off'}</option>
            <option value="preferred">preferred (TLS and plain connections)</option>
            <option value="required">required (TLS only)</option>
          </select>
        </Field>
        <Field id="modify-maintenance-window" label="Maintenance window" error={err.maintenanceWindow} hint="ddd:hh24:mi-ddd:hh24:mi (UTC), e.g. sun:05:00-sun:06:00">
          <input {...described('modify-maintenance-window', err.maintenanceWindow, 'hint')} value={v.maintenanceWindow} onInput={set('maintenanceWindow')} />
        </Field>
        <Field id="modify-snapshot-window" label="Snapshot window" error={err.snapshotWindow} hint="hh24:mi-hh24:mi (UTC)">
          <input {...described('modify-snapshot-window', err.snapshotWindow, 'hint')} value={v.snapshotWindow} onInput={set('snapshotWindow')} />
        </Field>
        <Field id="modify-snapshot-retention" label="Snapshot retention (days)" error={err.snapshotRetention}>
          <input {...described('modify-snapshot-retention', err.snapshotRetention)} inputMode="numeric" value={v.snapshotRetention} onInput={set('snapshotRetention')} />
        </Field>
        <div class="check">
          <input type="checkbox" id="modify-apply-now" checked={v.applyImmediately} onChange={set('applyImmediately')} />
          <label for="modify-apply-now">Apply immediately (else in the next maintenance window)</label>
        </div>
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Modify" busyLabel="Modifying…" busy={busy} />
      </form>
    </Modal>
  );
}
