import type { Services } from '../../../core/index.js';
import type { ActionFactory } from '../../actions/define.js';
import type { ActionRegistry } from '../../types.js';
import AuthorizeSecurityGroupEgress from './AuthorizeSecurityGroupEgress.js';
import AuthorizeSecurityGroupIngress from './AuthorizeSecurityGroupIngress.js';
import CreateNetworkInterface from './CreateNetworkInterface.js';
import CreateSecurityGroup from './CreateSecurityGroup.js';
import CreateTags from './CreateTags.js';
import DeleteNetworkInterface from './DeleteNetworkInterface.js';
import DeleteSecurityGroup from './DeleteSecurityGroup.js';
import DeleteTags from './DeleteTags.js';
import DescribeNetworkInterfaces from './DescribeNetworkInterfaces.js';
import DescribeSecurityGroupRules from './DescribeSecurityGroupRules.js';
import DescribeSecurityGroups from './DescribeSecurityGroups.js';
import ModifyNetworkInterfaceAttribute from './ModifyNetworkInterfaceAttribute.js';
import RevokeSecurityGroupEgress from './RevokeSecurityGroupEgress.js';
import RevokeSecurityGroupIngress from './RevokeSecurityGroupIngress.js';

/** The EC2 actions served on the endpoint (Version=2016-11-15): every operation of src/api/ec2/model. */
export const EC2_ACTIONS: ActionFactory[] = [
  CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups,
  AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress, AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress,
  DescribeSecurityGroupRules,
  CreateNetworkInterface, DeleteNetworkInterface, DescribeNetworkInterfaces, ModifyNetworkInterfaceAttribute,
  CreateTags, DeleteTags,
];

export function buildEc2Registry(svc: Services): ActionRegistry {
  const map = new Map<string, ReturnType<ActionFactory>>();
  for (const factory of EC2_ACTIONS) {
    const handler = factory(svc);
    if (map.has(handler.name)) throw new Error(`EC2 action ${handler.name} registered twice`);
    map.set(handler.name, handler);
  }
  return map;
}
