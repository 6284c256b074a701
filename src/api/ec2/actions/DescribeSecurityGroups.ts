import { defineAction } from '../../actions/define.js';
import type { SecurityGroupRecord } from '../../../store/index.js';
import type { DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult } from '../model/shapes.js';
import { ec2Error, Ec2Errors } from '../errors.js';
import { applyFilters, type FilterFields } from '../filters.js';
import { checkGroupId, defaultVpcId } from '../ids.js';
import { flattenRules } from '../permissions.js';
import { presentSecurityGroup } from '../present.js';
import { checkDryRun } from '../store.js';

const rulesOf = (g: SecurityGroupRecord) => flattenRules(g.ingress);
const egressOf = (g: SecurityGroupRecord) => flattenRules(g.egress);
const port = (n: number | undefined) => (n === undefined ? '-1' : String(n));

const FIELDS: FilterFields<SecurityGroupRecord> = {
  'group-id': (g) => [g.groupId],
  'group-name': (g) => [g.groupName],
  'vpc-id': (g) => [g.vpcId],
  description: (g) => [g.description],
  'owner-id': (g) => [g.ownerId],
  'ip-permission.cidr': (g) => rulesOf(g).map((r) => r.cidrIp),
  'ip-permission.group-id': (g) => rulesOf(g).map((r) => r.groupId),
  'ip-permission.protocol': (g) => rulesOf(g).map((r) => r.ipProtocol),
  'ip-permission.from-port': (g) => rulesOf(g).map((r) => port(r.fromPort)),
  'ip-permission.to-port': (g) => rulesOf(g).map((r) => port(r.toPort)),
  'egress.ip-permission.cidr': (g) => egressOf(g).map((r) => r.cidrIp),
  'egress.ip-permission.group-id': (g) => egressOf(g).map((r) => r.groupId),
  'egress.ip-permission.protocol': (g) => egressOf(g).map((r) => r.ipProtocol),
};

/**
 * Security groups by id, by name (groups of the default VPC, as in EC2) and by filters, oldest
 * first. Every group is returned in one page (no NextToken).
 */
export default defineAction<DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult>('DescribeSecurityGroups', async (input, svc) => {
  let groups = (await svc.store.list('securityGroup')).map((g) => g.doc).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (input.GroupIds?.length) {
    const ids = input.GroupIds.map(checkGroupId);
    for (const id of ids) if (!groups.some((g) => g.groupId === id)) throw Ec2Errors.groupNotFound(id);
    groups = groups.filter((g) => ids.includes(g.groupId));
  }
  if (input.GroupNames?.length) {
    const vpcId = defaultVpcId(svc.installation);
    const names = input.GroupNames.map((n) => n.toLowerCase());
    for (const [i, name] of names.entries()) {
      if (!groups.some((g) => g.vpcId === vpcId && g.groupName.toLowerCase() === name)) {
        throw ec2Error('InvalidGroup.NotFound', `The security group '${input.GroupNames[i]}' does not exist in default VPC '${vpcId}' ` +
          '(GroupNames finds groups of the default VPC; use --filters Name=group-name,Values=… for the others)');
      }
    }
    groups = groups.filter((g) => g.vpcId === vpcId && names.includes(g.groupName.toLowerCase()));
  }
  groups = applyFilters(groups, input.Filters, FIELDS, (g) => g.tags);
  checkDryRun(input);
  return { SecurityGroups: groups.map((g) => presentSecurityGroup(g, svc.installation)) };
});
