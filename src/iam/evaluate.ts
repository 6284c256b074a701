// Identity-based policy evaluation (IAM User Guide, "Policy evaluation logic", for one account
// and no resource-based policies, boundaries or session policies): a request is denied unless a
// statement allows it; a statement that denies it wins over any allow.
import { conditionHolds, type ConditionContext } from './conditions.js';
import type { ParsedPolicy, PolicyStatement } from './policy.js';
import { wildcardMatch } from './wildcard.js';

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny';

export interface AuthorizationQuery {
  /** `service:Action`, e.g. `elasticache:CreateReplicationGroup`. */
  action: string;
  /** The ARN the action acts on, or `*` for an action without resource-level permissions. */
  resource: string;
  /** The request's condition keys (aws:SourceIp, aws:ResourceTag/<key>, aws:username …). */
  context: ConditionContext;
}

/** The decision of `policies` (all of the principal's, user's and groups' alike) on one request. */
export function evaluate(policies: readonly ParsedPolicy[], q: AuthorizationQuery): Decision {
  let allowed = false;
  for (const p of policies) {
    const variables = p.version === '2012-10-17';
    for (const s of p.statements) {
      if (!applies(s, q, variables)) continue;
      if (s.effect === 'Deny') return 'explicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicitDeny';
}

function applies(s: PolicyStatement, q: AuthorizationQuery, variables: boolean): boolean {
  if (s.actions ? !s.actions.some((a) => wildcardMatch(a, q.action, true))
    : s.notActions!.some((a) => wildcardMatch(a, q.action, true))) return false;
  const resourceMatches = (r: string) => wildcardMatch(variables ? substitute(r, q.context) : r, q.resource);
  if (s.resources ? !s.resources.some(resourceMatches) : s.notResources!.some(resourceMatches)) return false;
  for (const c of s.conditions) {
    const clause = variables && c.values.some((v) => v.includes('${'))
      ? { ...c, values: c.values.map((v) => substitute(v, q.context)) } : c;
    if (!conditionHolds(clause, q.context)) return false;
  }
  return true;
}

/**
 * Policy variables such as `${aws:username}` (Version 2012-10-17 only). A variable the request
 * has no value for leaves text no ARN or value can equal, as in IAM. (`${*}` and `${?}` stand
 * for themselves, and so still match as wildcards here.)
 */
function substitute(text: string, context: ConditionContext): string {
  if (!text.includes('${')) return text;
  return text.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    return context(name)?.[0] ?? '\u0000';
  });
}
