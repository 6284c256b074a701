// Inline policies of users and groups: checked when put (grammar, then IAM's size quota on all
// of a principal's inline policies together, white space not counted).
import { IamErrors, parsePolicyDocument, policySize } from '../../../iam/index.js';
import type { InlinePolicies } from '../../../store/index.js';
import { byName } from '../deps.js';

/** IAM's quotas on the aggregate size of inline policies (characters other than white space). */
export const USER_POLICY_QUOTA = 2048;
export const GROUP_POLICY_QUOTA = 5120;

/** `policies` with `name` set to `document`, after checking both; throws MalformedPolicyDocument / LimitExceeded. */
export function withPolicy(policies: InlinePolicies, name: string, document: string, quota: number,
  owner: string): InlinePolicies {
  parsePolicyDocument(document);
  const next = { ...policies };
  // A policy put again under a name differing only in case replaces the one stored.
  for (const k of Object.keys(next)) if (k.toLowerCase() === name.toLowerCase()) delete next[k];
  next[name] = document;
  const size = Object.values(next).reduce((n, d) => n + policySize(d), 0);
  if (size > quota) throw IamErrors.limitExceeded(`Maximum policy size of ${quota} bytes exceeded for ${owner}.`);
  return next;
}

/** The stored name of policy `name` (matched regardless of case), or undefined. */
export function policyName(policies: InlinePolicies, name: string): string | undefined {
  return Object.keys(policies).find((k) => k.toLowerCase() === name.toLowerCase());
}

export function policyNames(policies: InlinePolicies): string[] {
  return Object.keys(policies).sort(byName);
}
