import type { SecurityGroup } from '../types.js';
import { IngressRulesTable } from './IngressRulesTable.js';
import { IngressRuleForm } from './IngressRuleForm.js';

/** One security group: its name, ID, VPC and description, its inbound rules and a new rule. */
export function SecurityGroupCard({ group: g, onChanged, onDelete }: { group: SecurityGroup; onChanged: () => void; onDelete: () => void }) {
  const id = g.GroupId ?? '';
  const isDefault = g.GroupName === 'default';
  return (
    <section class="card" data-security-group={g.GroupName} aria-labelledby={`${id}-title`}>
      <div class="title-row">
        <h2 id={`${id}-title`}>{g.GroupName} <span class="muted mono">{id}</span></h2>
        {!isDefault && <button type="button" onClick={onDelete}>Delete<span class="visually-hidden"> security group {g.GroupName}</span></button>}
      </div>
      <p class="muted">{g.Description} · VPC <span class="mono">{g.VpcId}</span></p>
      <h3>Inbound rules</h3>
      <IngressRulesTable groupId={id} permissions={g.IpPermissions} onChanged={onChanged} />
      <IngressRuleForm groupId={id} onAdded={onChanged} />
    </section>
  );
}
