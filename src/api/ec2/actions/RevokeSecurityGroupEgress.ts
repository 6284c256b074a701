import { defineAction } from '../../actions/define.js';
import type { RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult } from '../model/shapes.js';
import { revokeRules } from '../rule-changes.js';

/** Removes egress rules named by their permissions or by their sgr- ids; every one must exist, or nothing is removed. */
export default defineAction<RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult>(
  'RevokeSecurityGroupEgress', (input, svc) => revokeRules(svc, input, 'egress'));
