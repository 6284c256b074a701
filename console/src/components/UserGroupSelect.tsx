import { callAll } from '../api.js';
import { userGroupChoices } from '../create-choices.js';
import type { UserGroup } from '../types.js';
import { useOnce } from '../use-once.js';
import { described, Field } from './Field.js';

/**
 * A user group of the redis engine (DescribeUserGroups), for role-based access control; `none`
 * labels the empty choice. Its id is `userGroup`, so the API's error about it lands beside it.
 */
export function UserGroupSelect({ value, error, none, onChange }: { value: string; error?: string; none: string; onChange: (id: string) => void }) {
  const groups = useOnce(() => callAll<UserGroup>('DescribeUserGroups', 'UserGroups', { MaxRecords: '100' }, Infinity).then(userGroupChoices));
  const hint = groups.error ? `Could not load the user groups: ${groups.error.message}`
    : groups.data?.length === 0 ? 'No redis user groups yet (create one on the Users page).' : 'Its users, with their passwords and access strings, are who may connect.';
  return (
    <Field id="userGroup" label="User group" error={error} hint={hint}>
      <select {...described('userGroup', error, 'hint')} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{none}</option>
        {groups.data?.map((g) => <option key={g.id} value={g.id}>{g.label}</option>)}
      </select>
    </Field>
  );
}
