import type { AccessControl } from '../create-params.js';
import { described, Field } from './Field.js';
import { UserGroupSelect } from './UserGroupSelect.js';

const CHOICES: Array<[AccessControl, string]> = [
  ['none', 'No access control'],
  ['token', 'AUTH token (one password for every client)'],
  ['userGroup', 'User group access control list (RBAC)'],
];

interface Props {
  access: AccessControl;
  authToken: string;
  userGroup: string;
  errors: { authToken?: string; userGroup?: string };
  onChange: (change: { access?: AccessControl; authToken?: string; userGroup?: string }) => void;
}

/**
 * The designed cache's access control, as ElastiCache's console offers it: none, an AUTH token,
 * or a user group (role-based access control). Either needs encryption in transit; the API says so
 * beside the token or the user group.
 */
export function AccessControlFields({ access, authToken, userGroup, errors, onChange }: Props) {
  return (
    <fieldset id="access">
      <legend>Access control</legend>
      {CHOICES.map(([value, label]) => (
        <div class="check" key={value}>
          <input type="radio" name="access" id={`access-${value}`} value={value} checked={access === value}
            onChange={() => onChange({ access: value })} />
          <label for={`access-${value}`}>{label}</label>
        </div>
      ))}
      {access === 'token' && (
        <Field id="authToken" label="AUTH token" error={errors.authToken} hint="16-128 printable characters; needs encryption in transit.">
          <input {...described('authToken', errors.authToken, 'hint')} type="password" autocomplete="new-password" value={authToken}
            onInput={(e) => onChange({ authToken: e.currentTarget.value })} />
        </Field>
      )}
      {access === 'userGroup' && (
        <UserGroupSelect value={userGroup} error={errors.userGroup} none="Choose a user group" onChange={(id) => onChange({ userGroup: id })} />
      )}
    </fieldset>
  );
}
