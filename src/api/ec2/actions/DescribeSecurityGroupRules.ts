import { defineAction } from '../../actions/define.js';
import type { DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult } from '../model/shapes.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { checkRuleId } from '../ids.js';
import { flattenRules, type StoredRule } from '../permissions.js';
import { presentRule } from '../present.js';
import { checkDryRun } from '../store.js';
import type { SecurityGroupRecord } from '../../../store/index.js';

interface Row { group: SecurityGroupRecord; rule: StoredRule; egress: boolean }

/** Every rule of every group (ingress, then egress), by sgr- id and by filters (group-id, security-group-rule-id). */
export default defineAction<DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult>('DescribeSecurityGroupRules', async (input, svc) => {
  const groups = (await svc.store.list('securityGroup')).map((g) => g.doc).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  let rows: Row[] = groups.flatMap((group) => [
    ...flattenRules(group.ingress).map((rule) => ({ group, rule, egress: false })),
    ...flattenRules(group.egress).map((rule) => ({ group, rule, egress: true })),
  ]);
  if (input.SecurityGroupRuleIds?.length) {
    const ids = input.SecurityGroupRuleIds.map(checkRuleId);
    for (const id of ids) if (!rows.some((r) => r.rule.ruleId === id)) throw Ec2Errors.ruleNotFound(id);
    rows = rows.filter((r) => ids.includes(r.rule.ruleId));
  }
  rows = applyFilters(rows, input.Filters, {
    'group-id': (r) => [r.group.groupId],
    'security-group-rule-id': (r) => [r.rule.ruleId],
  }, () => []);
  checkDryRun(input);
  return { SecurityGroupRules: rows.map((r) => presentRule(r.group, r.rule, r.egress, svc.installation)) };
});
