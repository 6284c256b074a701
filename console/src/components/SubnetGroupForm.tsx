import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createSubnetGroupParams, modifySubnetGroupParams, SUBNET_GROUP_FIELDS, type SubnetGroupValues } from '../subnet-groups.js';
import { useSubmit } from '../use-submit.js';
import type { CacheSubnetGroup } from '../types.js';
import { Field, described } from './Field.js';
import { DialogButtons } from './DialogButtons.js';
import { FormError } from './FormError.js';

/** A subnet group's form: a new one (name, description, subnets), or an existing one's description and subnets. */
export function SubnetGroupForm({ group, onDone, onCancel }: { group?: CacheSubnetGroup; onDone: () => void; onCancel?: () => void }) {
  const [v, setV] = useState<SubnetGroupValues>({
    name: group?.CacheSubnetGroupName ?? '', description: group?.CacheSubnetGroupDescription ?? '',
    subnets: (group?.Subnets ?? []).map((s) => s.SubnetIdentifier).join(', '),
  });
  const { busy, errors, run } = useSubmit(SUBNET_GROUP_FIELDS);
  const prefix = group ? 'edit-subnet' : 'subnet';
  const submit = async (e: Event) => {
    e.preventDefault();
    const action = group ? call('ModifyCacheSubnetGroup', modifySubnetGroupParams(v)) : call('CreateCacheSubnetGroup', createSubnetGroupParams(v));
    if (await run(() => action.then(() => {}))) {
      if (!group) setV({ name: '', description: '', subnets: '' });
      onDone();
    }
  };
  return (
    <form class={group ? '' : 'inline-form'} onSubmit={submit} noValidate aria-label={group ? `Edit ${v.name}` : 'Create a subnet group'}>
      {!group && (
        <Field id={`${prefix}-name`} label="Subnet group name" error={errors.name}>
          <input {...described(`${prefix}-name`, errors.name)} value={v.name} onInput={(e) => setV({ ...v, name: e.currentTarget.value })} />
        </Field>
      )}
      <Field id={`${prefix}-description`} label="Description" error={errors.description}>
        <input {...described(`${prefix}-description`, errors.description)} value={v.description} onInput={(e) => setV({ ...v, description: e.currentTarget.value })} />
      </Field>
      <Field id={`${prefix}-subnets`} label="Subnet IDs" error={errors.subnets} hint="Separated by commas or spaces">
        <input {...described(`${prefix}-subnets`, errors.subnets, 'hint')} value={v.subnets} spellcheck={false} onInput={(e) => setV({ ...v, subnets: e.currentTarget.value })} />
      </Field>
      <FormError message={errors.form} />
      {group ? (
        <DialogButtons onCancel={() => onCancel?.()} label="Save" busyLabel="Saving…" busy={busy} />
      ) : <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create subnet group'}</button>}
    </form>
  );
}
