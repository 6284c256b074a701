import { defineAction } from '../../actions/define.js';
import type { DeleteSecurityGroupRequest, DeleteSecurityGroupResult } from '../model/shapes.js';
import { groupNameClaim, releaseClaim } from '../claims.js';
import { ec2Error } from '../errors.js';
import { checkDryRun, dependentsOf, ec2Write, logChange, requireGroup } from '../store.js';

/**
 * Deletes a group no one depends on: refused with DependencyViolation while a cache cluster or
 * replication group (not being deleted) names it, a network interface carries it, or a rule of
 * another group names it as a source. The delete is at the version read; the EC2 writes that add
 * a dependent commit the group unchanged at the version they read (rule-changes.ts, interfaces),
 * so a dependent added meanwhile makes one of the two run again and refuse.
 */
export default defineAction<DeleteSecurityGroupRequest, DeleteSecurityGroupResult>('DeleteSecurityGroup', async (input, svc) =>
  ec2Write(async () => {
    const group = await requireGroup(svc, input);
    const dependents = await dependentsOf(svc, group.id);
    if (dependents.length > 0) {
      throw ec2Error('DependencyViolation', `resource ${group.id} has a dependent object (${dependents.slice(0, 5).join(', ')}` +
        `${dependents.length > 5 ? `, and ${dependents.length - 5} more` : ''})`);
    }
    checkDryRun(input);
    await svc.store.commit([{ op: 'delete', kind: 'securityGroup', id: group.id, expectVersion: group.version },
      ...await releaseClaim(svc, groupNameClaim(group.doc.vpcId, group.doc.groupName), `securityGroup:${group.id}`)]);
    logChange(svc, { groupId: group.id, groupName: group.doc.groupName }, `Security group ${group.id} (${group.doc.groupName}) deleted`);
    svc.kick();
    return { Return: true, GroupId: group.id };
  }));
