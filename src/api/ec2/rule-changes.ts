// Authorize and Revoke, ingress and egress: one implementation for the four actions.
import type { Services } from '../../core/index.js';
import type { SecurityGroupRecord, Stored, WriteOp } from '../../store/index.js';
import { unchanged } from '../../resources/commit.js';
import type { RevokedSecurityGroupRule, SecurityGroupRule, TagSpecification } from './model/shapes.js';
import { ec2Error, Ec2Errors } from './errors.js';
import { checkRuleId, newId } from './ids.js';
import {
  describeRule, flattenRules, MAX_RULES_PER_DIRECTION, requestedRules, ruleKey, withoutRules, withRules,
  type PermissionsInput, type StoredRule,
} from './permissions.js';
import { presentRevokedRule, presentRule } from './present.js';
import { checkDryRun, ec2Write, logChange, requireGroup } from './store.js';

export type Direction = 'ingress' | 'egress';

interface TargetInput {
  GroupId?: string;
  GroupName?: string;
  DryRun?: boolean;
}

export async function authorizeRules(svc: Services, input: PermissionsInput & TargetInput & { TagSpecifications?: TagSpecification[] },
  direction: Direction): Promise<{ Return: boolean; SecurityGroupRules: SecurityGroupRule[] }> {
  if (input.TagSpecifications?.length) throw Ec2Errors.unsupported('Tags on security group rules (TagSpecifications)');
  return ec2Write(async () => {
    const target = await requireGroup(svc, input);
    const stored = await svc.store.list('securityGroup');
    const rules = requestedRules(input, target.doc, stored.map((g) => g.doc), svc.installation);
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
    await svc.store.commit([{ op: 'update', kind: 'securityGroup', id: target.id, doc, expectVersion: target.version },
      ...sourcesUnchanged(target.id, added, stored)]);
    logChange(svc, { groupId: target.id, direction, rules: added.map((r) => r.ruleId) },
      `Security group ${target.id}: ${direction} authorized: ${added.map(describeRule).join('; ')}`);
    svc.kick();
    return { Return: true, SecurityGroupRules: added.map((r) => presentRule(doc, r, direction === 'egress', svc.installation)) };
  });
}

/**
 * A new rule naming another group as its source needs that group to stay: its record is in the
 * commit unchanged at the version read, so a DeleteSecurityGroup that found no rule naming it
 * fails its own commit (and runs again, to answer DependencyViolation), or this one fails (and
 * runs again, to answer InvalidGroup.NotFound). Never both succeed.
 */
function sourcesUnchanged(targetId: string, rules: StoredRule[], groups: Stored<'securityGroup'>[]): WriteOp[] {
  const sources = new Set(rules.map((r) => r.groupId).filter((id): id is string => id !== undefined && id !== targetId));
  return groups.filter((g) => sources.has(g.id)).map(unchanged);
}

export async function revokeRules(svc: Services, input: PermissionsInput & TargetInput & { SecurityGroupRuleIds?: string[] },
  direction: Direction): Promise<{ Return: boolean; RevokedSecurityGroupRules: RevokedSecurityGroupRule[] }> {
  return ec2Write(async () => {
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
