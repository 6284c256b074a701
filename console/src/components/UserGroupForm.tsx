import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createUserGroupParams, modifyUserGroupParams, USER_GROUP_FIELDS } from '../rbac.js';
import { useSubmit } from '../use-submit.js';
import type { User, UserGroup } from '../types.js';
import { Field, described } from './Field.js';
import { DialogButtons } from './DialogButtons.js';
import { FormError } from './FormError.js';

/** A user group's form: a new one (ID, engine, users), or an existing one's users (sent as the ones to add and to remove). */
export function UserGroupForm({ group, users, onDone, onCancel }: { group?: UserGroup; users: User[]; onDone: () => void; onCancel?: () => void }) {
  const [groupId, setGroupId] = useState(group?.UserGroupId ?? '');
  const [engine, setEngine] = useState(group?.Engine ?? 'redis');
  const [chosen, setChosen] = useState<string[]>(group?.UserIds ?? ['default']);
  const { busy, errors, run } = useSubmit(USER_GROUP_FIELDS);
  const p = group ? 'edit-ug' : 'ug';
  const toggle = (id: string, on: boolean) => setChosen(on ? [...chosen, id] : chosen.filter((x) => x !== id));
  const submit = async (e: Event) => {
    e.preventDefault();
    const action = group ? call('ModifyUserGroup', modifyUserGroupParams(groupId, group.UserIds ?? [], chosen))
      : call('CreateUserGroup', createUserGroupParams(groupId, engine, chosen));
    if (await run(() => action.then(() => {}))) {
      if (!group) { setGroupId(''); setChosen(['default']); }
      onDone();
    }
  };
  return (
    <form class={group ? '' : 'inline-form'} onSubmit={submit} noValidate aria-label={group ? `Edit user group ${groupId}` : 'Create a user group'}>
      {!group && <>
        <Field id={`${p}-id`} label="User group ID" error={errors.groupId}>
          <input {...described(`${p}-id`, errors.groupId)} value={groupId} spellcheck={false} onInput={(e) => setGroupId(e.currentTarget.value)} />
        </Field>
        <Field id={`${p}-engine`} label="User group engine">
          <select {...described(`${p}-engine`)} value={engine} onChange={(e) => setEngine(e.currentTarget.value)}>
            <option value="redis">Redis OSS</option><option value="valkey">Valkey</option>
          </select>
        </Field>
      </>}
      <fieldset class={`field${errors.users ? ' invalid' : ''}`} aria-describedby={errors.users ? `${p}-users-error` : undefined}>
        <legend>Users</legend>
        {users.map((u) => (
          <div class="check" key={u.UserId}>
            <input type="checkbox" id={`${p}-user-${u.UserId}`} checked={chosen.includes(u.UserId ?? '')} onChange={(e) => toggle(u.UserId ?? '', e.currentTarget.checked)} />
            <label for={`${p}-user-${u.UserId}`}>{u.UserId}{u.UserName !== u.UserId ? ` (${u.UserName})` : ''}</label>
          </div>
        ))}
        {errors.users && <p id={`${p}-users-error`} class="error field-error" role="alert">{errors.users}</p>}
      </fieldset>
      <FormError message={errors.form} />
      {group ? (
        <DialogButtons onCancel={() => onCancel?.()} label="Save" busyLabel="Saving…" busy={busy} />
      ) : <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create user group'}</button>}
    </form>
  );
}
