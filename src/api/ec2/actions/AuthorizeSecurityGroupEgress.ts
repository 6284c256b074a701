import { defineAction } from '../../actions/define.js';
import type { AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult } from '../model/shapes.js';
import { authorizeRules } from '../rule-changes.js';

/** Adds egress rules: by CIDR block or by security group (its members' addresses), each with an sgr- id. */
export default defineAction<AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult>(
  'AuthorizeSecurityGroupEgress', (input, svc) => authorizeRules(svc, input, 'egress'));
