import { securityGroupChoices, toggleChoice } from '../create-choices.js';
import { useOnce } from '../use-once.js';
import { loadSecurityGroups } from './SecurityGroupsPage.js';

/**
 * The create form's security groups (EC2's DescribeSecurityGroups), one checkbox a group, sent as
 * SecurityGroupIds. The fieldset takes the focus when the API refuses the choice, its message beside it.
 */
export function SecurityGroupsPicker({ chosen, error, onChange }: { chosen: string[]; error?: string; onChange: (ids: string[]) => void }) {
  const groups = useOnce(() => loadSecurityGroups().then(securityGroupChoices));
  return (
    <fieldset id="securityGroups" tabIndex={-1} class={`field${error ? ' invalid' : ''}`} aria-describedby={error ? 'securityGroups-error' : undefined}>
      <legend>Security groups</legend>
      {groups.error && <p class="error" role="alert">Could not load the security groups: {groups.error.message}</p>}
      {!groups.data && !groups.error && <p role="status">Loading…</p>}
      {groups.data?.length === 0 && <p class="hint">No security groups yet (create one on the Security groups page).</p>}
      {groups.data?.map((g) => (
        <div class="check" key={g.id}>
          <input type="checkbox" id={`sg-${g.id}`} checked={chosen.includes(g.id)} onChange={(e) => onChange(toggleChoice(chosen, g.id, e.currentTarget.checked))} />
          <label for={`sg-${g.id}`}>{g.label}</label>
        </div>
      ))}
      {error && <p id="securityGroups-error" class="error field-error" role="alert">{error}</p>}
    </fieldset>
  );
}
