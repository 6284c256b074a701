import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { createUserParams, EMPTY_USER, modifyUserParams, USER_FIELDS, type UserValues } from '../rbac.js';
import { useSubmit } from '../use-submit.js';
import type { User } from '../types.js';
import { Field, described } from './Field.js';
import { DialogButtons } from './DialogButtons.js';
import { FormError } from './FormError.js';

/**
 * A user's form: a new one (ID, name, engine, access string, passwords or none), or an existing
 * one's access string and passwords (left empty, its passwords stay).
 */
export function UserForm({ user, onDone, onCancel }: { user?: User; onDone: () => void; onCancel?: () => void }) {
  const [v, setV] = useState<UserValues>(user ? {
    ...EMPTY_USER, userId: user.UserId ?? '', userName: user.UserName ?? '', engine: user.Engine ?? 'redis',
    accessString: user.AccessString ?? '', noPassword: user.Authentication?.Type === 'no-password',
  } : EMPTY_USER);
  const { busy, errors, run } = useSubmit(USER_FIELDS);
  const p = user ? 'edit-user' : 'user';
  const set = (patch: Partial<UserValues>) => setV({ ...v, ...patch });
  const submit = async (e: Event) => {
    e.preventDefault();
    const action = user ? call('ModifyUser', modifyUserParams(v)) : call('CreateUser', createUserParams(v));
    if (await run(() => action.then(() => {}))) {
      if (!user) setV(EMPTY_USER);
      onDone();
    }
  };
  return (
    <form class={user ? '' : 'inline-form'} onSubmit={submit} noValidate aria-label={user ? `Edit user ${v.userId}` : 'Create a user'}>
      {!user && <>
        <Field id={`${p}-id`} label="User ID" error={errors.userId}>
          <input {...described(`${p}-id`, errors.userId)} value={v.userId} spellcheck={false} onInput={(e) => set({ userId: e.currentTarget.value })} />
        </Field>
        <Field id={`${p}-name`} label="User name" error={errors.userName} hint="The name clients authenticate with (the ID when empty)">
          <input {...described(`${p}-name`, errors.userName, 'hint')} value={v.userName} spellcheck={false} onInput={(e) => set({ userName: e.currentTarget.value })} />
        </Field>
        <Field id={`${p}-engine`} label="Engine">
          <select {...described(`${p}-engine`)} value={v.engine} onChange={(e) => set({ engine: e.currentTarget.value })}>
            <option value="redis">Redis OSS</option><option value="valkey">Valkey</option>
          </select>
        </Field>
      </>}
      <Field id={`${p}-access`} label="Access string" error={errors.accessString}>
        <input {...described(`${p}-access`, errors.accessString)} class="mono" value={v.accessString} spellcheck={false} onInput={(e) => set({ accessString: e.currentTarget.value })} />
      </Field>
      <Field id={`${p}-passwords`} label="Passwords" error={errors.passwords}
        hint={user ? 'One a line, at most two; empty keeps the current ones' : 'One a line, at most two, 16 to 128 characters'}>
        <textarea {...described(`${p}-passwords`, errors.passwords, 'hint')} rows={2} value={v.passwords} disabled={v.noPassword}
          autocomplete="new-password" spellcheck={false} onInput={(e) => set({ passwords: e.currentTarget.value })} />
      </Field>
      <div class="check">
        <input type="checkbox" id={`${p}-nopass`} checked={v.noPassword} onChange={(e) => set({ noPassword: e.currentTarget.checked })} />
        <label for={`${p}-nopass`}>No password required</label>
      </div>
      <FormError message={errors.form} />
      {user ? (
        <DialogButtons onCancel={() => onCancel?.()} label="Save" busyLabel="Saving…" busy={busy} />
      ) : <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create user'}</button>}
    </form>
  );
}
