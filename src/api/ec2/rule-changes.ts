// Authorize and Revoke, ingress and egress: one implementation for the four actions.
import type { Services } from '../../core/index.js';
import type { SecurityGroupRecord } from '../../store/index.js';
import type { RevokedSecurityGroupRule, SecurityGroupRule, TagSpecification } from './model/shapes.js';
import { ec2Error, Ec2Errors } from './errors.js';
import { checkRuleId, newId } from './ids.js';
import {
  describeRule, flattenRules, MAX_RULES_PER_DIRECTION, requestedRules, ruleKey, withoutRules, withRules,
  type PermissionsInput, type StoredRule,
} from './permissions.js';
import { presentRevokedRule, presentRule } from './present.js';
import { checkDryRun, logChange, requireGroup, serialized } from './store.js';

export type Direction = 'ingress' | 'egress';

interface TargetInput {
  GroupId?: string;
  GroupName?: string;
  DryRun?: boolean;
}

export async function authorizeRules(svc: Services, input: PermissionsInput & TargetInput & { TagSpecifications?: TagSpecification[] },
  direction: Direction): Promise<{ Return: boolean; SecurityGroupRules: SecurityGroupRule[] }> {
  if (input.TagSpecifications?.length) throw Ec2Errors.unsupported('Tags on security group rules (TagSpecifications)');
  return serialized(svc, async () => {
    const target = await requireGroup(svc, input);
    const groups = (await svc.store.list('securityGroup')).map((g) => g.doc);
    const rules = requestedRules(input, target.doc, groups, svc.installation);
    const current = flattenRules(target.doc[direction]);
    const taken = new Set(current.map(ruleKey));
    for (const r of rules) {
      const key = ruleKey(r);
      if (taken.has(key)) throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
      taken.add(key);
    }
    if (current.length + rules.length > MAX_RULES_PER_DIRECTION) {
      throw ec2Error('RulesPerSecurityGroupLimitExceeded',
        `The maximum number of ${direction} rules per security group (${MAX_RULES_PER_DIRECTION}) has been reached.`);
    }
    checkDryRun(input);
    const added: StoredRule[] = rules.map((r) => ({ ...r, ruleId: newId('sgr') }));
    const doc: SecurityGroupRecord = { ...target.doc, [direction]: withRules(target.doc[direction], added) };
    await svc.store.commit([{ op: 'update', kind: 'securityGroup', id: target.id, doc, expectVersion: target.version }]);
    logChange(svc, { groupId: target.id, direction, rules: added.map((r) => r.ruleId) },
      `Security group ${target.id}: ${direction} authorized: ${added.map(describeRule).join('; ')}`);
    svc.kick();
    return { Return: true, SecurityGroupRules: added.map((r) => presentRule(doc, r, direction === 'egress', svc.installation)) };
  });
}

export async function revokeRules(svc: Services, input: PermissionsInput & TargetInput & { SecurityGroupRuleIds?: string[] },
  direction: Direction): Promise<{ Return: boolean; RevokedSecurityGroupRules: RevokedSecurityGroupRule[] }> {
  return serialized(svc, async () => {
    const target = await requireGroup(svc, input);
    const current = flattenRules(target.doc[direction]);
    const removed = new Map<string, StoredRule>();
    if (input.SecurityGroupRuleIds?.length) {
      if (input.IpPermissions?.length || input.IpProtocol !== undefined || input.CidrIp !== undefined || input.SourceSecurityGroupName !== undefined) {
        throw ec2Error('InvalidParameterCombination', 'SecurityGroupRuleIds cannot be combined with IpPermissions or the IpProtocol/CidrIp/SourceSecurityGroupName parameters.');
      }
      for (const id of input.SecurityGroupRuleIds) {
        const rule = current.find((r) => r.ruleId === checkRuleId(id));
        if (!rule) throw Ec2Errors.ruleNotFound(id);
        removed.set(rule.ruleId, rule);
      }
    } else {
      const groups = (await svc.store.list('securityGroup')).map((g) => g.doc);
      for (const r of requestedRules(input, target.doc, groups, svc.installation)) {
        const key = ruleKey(r);
        const rule = current.find((c) => ruleKey(c) === key);
        if (!rule) {
          throw ec2Error('InvalidPermission.NotFound', `The specified rule does not exist in this security group: "${describeRule(r)}" (${direction}).`);
        }
        removed.set(rule.ruleId, rule);
      }
    }
    checkDryRun(input);
    const doc: SecurityGroupRecord = { ...target.doc, [direction]: withoutRules(target.doc[direction], new Set(removed.keys())) };
    await svc.store.commit([{ op: 'update', kind: 'securityGroup', id: target.id, doc, expectVersion: target.version }]);
    const gone = [...removed.values()];
    logChange(svc, { groupId: target.id, direction, rules: [...removed.keys()] },
      `Security group ${target.id}: ${direction} revoked: ${gone.map(describeRule).join('; ')}`);
    svc.kick();
    return { Return: true, RevokedSecurityGroupRules: gone.map((r) => presentRevokedRule(target.doc, r, direction === 'egress')) };
  });
}
