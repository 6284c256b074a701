import type { SecurityGroupRecord } from '../../../store/index.js';
import { defineAction } from '../../actions/define.js';
import type { CreateSecurityGroupRequest, CreateSecurityGroupResult } from '../model/shapes.js';
import { ec2Error } from '../errors.js';
import { defaultVpcId, newId, securityGroupArn } from '../ids.js';
import { presentTags } from '../present.js';
import { groupNameClaim, isClaimed, takeClaim } from '../claims.js';
import { checkDryRun, ec2Write, logChange } from '../store.js';
import { tagsOnCreate } from '../tags.js';
import { checkGroupDescription, checkGroupName, checkVpcId } from '../validate.js';

/**
 * A security group, in the installation's VPC unless --vpc-id names another (any well-formed id
 * names a VPC here). It starts with no ingress rule and EC2's default egress rule (all traffic
 * to 0.0.0.0/0). Its name is unique in its VPC, case-insensitively (a claim record holds it).
 */
export default defineAction<CreateSecurityGroupRequest, CreateSecurityGroupResult>('CreateSecurityGroup', async (input, svc) => {
  const groupName = checkGroupName(input.GroupName);
  const description = checkGroupDescription(input.Description);
  const vpcId = input.VpcId !== undefined && input.VpcId !== '' ? checkVpcId(input.VpcId) : defaultVpcId(svc.installation);
  if (groupName.toLowerCase() === 'default') {
    throw ec2Error('InvalidGroup.Reserved', "The security group 'default' is reserved (it names a VPC's default group).");
  }
  const tags = tagsOnCreate(input.TagSpecifications, 'security-group');
  const nameClaim = groupNameClaim(vpcId, groupName);
  return ec2Write(async () => {
    // The claim keeps two concurrent creates from both taking the name; the list finds a group
    // made before claims existed.
    const groups = await svc.store.list('securityGroup');
    if (await isClaimed(svc, nameClaim) || groups.some((g) => g.doc.vpcId === vpcId && g.doc.groupName.toLowerCase() === groupName.toLowerCase())) {
      throw ec2Error('InvalidGroup.Duplicate', `The security group '${groupName}' already exists for VPC '${vpcId}'`);
    }
    checkDryRun(input);
    const group: SecurityGroupRecord = {
      groupId: newId('sg'), groupName, description, vpcId, ownerId: svc.installation.accountId,
      ingress: [],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0', ruleId: newId('sgr') }], groupPairs: [] }],
      tags, createdAt: svc.now().toISOString(),
    };
    await svc.store.commit([{ op: 'create', kind: 'securityGroup', id: group.groupId, doc: group },
      takeClaim(nameClaim, `securityGroup:${group.groupId}`)]);
    logChange(svc, { groupId: group.groupId, groupName, vpcId }, `Security group ${group.groupId} (${groupName}) created in ${vpcId}`);
    svc.kick();
    return { GroupId: group.groupId, Tags: presentTags(tags), SecurityGroupArn: securityGroupArn(svc.installation, group.groupId) };
  });
});
