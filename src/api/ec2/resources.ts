// The resources each EC2 action acts on, for policy evaluation: the security group or network
// interface it names (arn:aws:ec2:<region>:<account>:security-group/sg-…,
// …:network-interface/eni-…), the resources CreateTags/DeleteTags name; `*` for Describe* and
// for creates (whose resource does not exist yet; EC2 checks those against `…/*` ARNs).
import type { ArnScope } from '../types.js';

function arnOf(id: string, scope: ArnScope): string {
  const type = id.startsWith('sg-') ? 'security-group' : id.startsWith('eni-') ? 'network-interface'
    : id.startsWith('sgr-') ? 'security-group-rule' : 'resource';
  return `arn:aws:ec2:${scope.region}:${scope.accountId}:${type}/${id}`;
}

export function ec2Resources(action: string, input: unknown, scope: ArnScope): string[] {
  const fields = (input ?? {}) as Record<string, unknown>;
  if (action.startsWith('Describe') || action.startsWith('Create') && action !== 'CreateTags') return ['*'];
  const ids = Array.isArray(fields.Resources) ? fields.Resources as string[]
    : typeof fields.GroupId === 'string' ? [fields.GroupId]
      : typeof fields.NetworkInterfaceId === 'string' ? [fields.NetworkInterfaceId] : [];
  return ids.length ? ids.map((id) => arnOf(id, scope)) : ['*'];
}
