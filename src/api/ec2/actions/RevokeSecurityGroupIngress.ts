import { defineAction } from '../../actions/define.js';
import type { RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult } from '../model/shapes.js';
import { revokeRules } from '../rule-changes.js';

/** Removes ingress rules named by their permissions or by their sgr- ids; every one must exist, or nothing is removed. */
export default defineAction<RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult>(
  'RevokeSecurityGroupIngress', (input, svc) => revokeRules(svc, input, 'ingress'));
