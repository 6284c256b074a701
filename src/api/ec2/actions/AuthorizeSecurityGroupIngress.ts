import { defineAction } from '../../actions/define.js';
import type { AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult } from '../model/shapes.js';
import { authorizeRules } from '../rule-changes.js';

/** Adds ingress rules: by CIDR block or by security group (its members' addresses), each with an sgr- id. */
export default defineAction<AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult>(
  'AuthorizeSecurityGroupIngress', (input, svc) => authorizeRules(svc, input, 'ingress'));
