import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { usePoll } from '../use-poll.js';
import type { SecurityGroup } from '../types.js';
import { POLL_MS } from './Dashboard.js';
import { CreateSecurityGroupForm } from './CreateSecurityGroupForm.js';
import { SecurityGroupCard } from './SecurityGroupCard.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';

/** Every security group of the service's EC2 API, by name (also the create form's choices). */
export async function loadSecurityGroups(): Promise<SecurityGroup[]> {
  const out: SecurityGroup[] = [];
  let token: string | undefined;
  do {
    const res = await call<{ SecurityGroups?: SecurityGroup[]; NextToken?: string }>('DescribeSecurityGroups',
      { MaxResults: '1000', ...(token ? { NextToken: token } : {}) }, 'ec2');
    out.push(...(res.SecurityGroups ?? []));
    token = res.NextToken;
  } while (token);
  return out.sort((a, b) => (a.GroupName ?? '').localeCompare(b.GroupName ?? ''));
}

/** The Security groups page (EC2's API on the service's endpoint): groups, their inbound rules, create and delete. */
export function SecurityGroupsPage() {
  const view = usePoll(loadSecurityGroups, POLL_MS);
  const [deleting, setDeleting] = useState<SecurityGroup>();
  return (
    <>
      <h1>Security groups</h1>
      {view.error && <p class="error" role="alert">Could not load the security groups: {view.error.message}</p>}
      <CreateSecurityGroupForm onCreated={view.refresh} />
      {!view.data ? <p role="status">Loading…</p>
        : view.data.map((g) => <SecurityGroupCard key={g.GroupId} group={g} onChanged={view.refresh} onDelete={() => setDeleting(g)} />)}
      {deleting && (
        <ConfirmDeleteDialog kind="security group" name={deleting.GroupName ?? ''} onClose={() => setDeleting(undefined)}
          onConfirm={() => call('DeleteSecurityGroup', { GroupId: deleting.GroupId! }, 'ec2').then(view.refresh)} />
      )}
    </>
  );
}
