// Condition operators of AWS's policy language (IAM User Guide, "IAM JSON policy elements:
// Condition operators"). A Condition block is { Operator: { Key: value | [values] } }: every
// operator and every key must hold (AND); a key holds when any of its values matches (OR) —
// for the negated operators, when none does. A key missing from the request makes a positive
// operator false and a negated one true; the `…IfExists` suffix makes any operator true then.
import { BlockList, isIP } from 'node:net';
import { wildcardMatch } from './wildcard.js';

type Matcher = (policyValue: string, requestValue: string) => boolean;

interface OperatorSpec {
  /** true for the negated operators (StringNotEquals …): the key holds when no value matches. */
  negated: boolean;
  match: Matcher;
  /** Checks a policy value when the policy is put; returns the problem, if any. */
  check?: (value: string) => string | undefined;
}

const truthy = (s: string) => s.toLowerCase() === 'true';
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

const OPERATORS: Record<string, OperatorSpec> = {
  stringequals: { negated: false, match: (p, v) => p === v },
  stringnotequals: { negated: true, match: (p, v) => p === v },
  stringequalsignorecase: { negated: false, match: (p, v) => p.toLowerCase() === v.toLowerCase() },
  stringnotequalsignorecase: { negated: true, match: (p, v) => p.toLowerCase() === v.toLowerCase() },
  stringlike: { negated: false, match: (p, v) => wildcardMatch(p, v) },
  stringnotlike: { negated: true, match: (p, v) => wildcardMatch(p, v) },
  arnequals: { negated: false, match: (p, v) => wildcardMatch(p, v) },
  arnlike: { negated: false, match: (p, v) => wildcardMatch(p, v) },
  arnnotequals: { negated: true, match: (p, v) => wildcardMatch(p, v) },
  arnnotlike: { negated: true, match: (p, v) => wildcardMatch(p, v) },
  ipaddress: { negated: false, match: (p, v) => ipInBlock(p, v), check: ipProblem },
  notipaddress: { negated: true, match: (p, v) => ipInBlock(p, v), check: ipProblem },
  bool: { negated: false, match: (p, v) => truthy(p) === truthy(v),
    check: (v) => (/^(true|false)$/i.test(v) ? undefined : `${v} is not a boolean (true or false)`) },
  numericequals: { negated: false, match: (p, v) => num(v) === num(p), check: numProblem },
  numericnotequals: { negated: true, match: (p, v) => num(v) === num(p), check: numProblem },
  numericlessthan: { negated: false, match: (p, v) => num(v) < num(p), check: numProblem },
  numericlessthanequals: { negated: false, match: (p, v) => num(v) <= num(p), check: numProblem },
  numericgreaterthan: { negated: false, match: (p, v) => num(v) > num(p), check: numProblem },
  numericgreaterthanequals: { negated: false, match: (p, v) => num(v) >= num(p), check: numProblem },
  dateequals: { negated: false, match: (p, v) => date(v) === date(p), check: dateProblem },
  datenotequals: { negated: true, match: (p, v) => date(v) === date(p), check: dateProblem },
  datelessthan: { negated: false, match: (p, v) => date(v) < date(p), check: dateProblem },
  datelessthanequals: { negated: false, match: (p, v) => date(v) <= date(p), check: dateProblem },
  dategreaterthan: { negated: false, match: (p, v) => date(v) > date(p), check: dateProblem },
  dategreaterthanequals: { negated: false, match: (p, v) => date(v) >= date(p), check: dateProblem },
};

function numProblem(v: string): string | undefined {
  return Number.isFinite(num(v)) ? undefined : `${v} is not a number`;
}
function dateProblem(v: string): string | undefined {
  return Number.isFinite(date(v)) ? undefined : `${v} is not a date (ISO 8601 or epoch seconds)`;
}

/** One `Operator: { Key: values }` entry of a statement's Condition, checked and normalized. */
export interface ConditionClause {
  /** As written in the policy, e.g. `StringEqualsIfExists`. */
  operator: string;
  ifExists: boolean;
  /** `aws:ResourceTag/team`, as written (keys are looked up case-insensitively). */
  key: string;
  values: string[];
  spec: OperatorSpec;
}

/** Values of the request's condition keys; undefined when the request has no such key. */
export type ConditionContext = (key: string) => string[] | undefined;

/** The clause for `operator`/`key`/`values`, or a problem to report as MalformedPolicyDocument. */
export function conditionClause(operator: string, key: string, values: string[]): ConditionClause | string {
  if (/^(ForAllValues|ForAnyValue):/i.test(operator)) {
    return `Condition operator ${operator}: the ForAllValues/ForAnyValue set operators are not supported by cachefleet`;
  }
  if (operator.toLowerCase() === 'null') {
    return { operator, ifExists: false, key, values, spec: NULL_SPEC };
  }
  const ifExists = /IfExists$/i.test(operator);
  const base = (ifExists ? operator.slice(0, -'IfExists'.length) : operator).toLowerCase();
  const spec = Object.hasOwn(OPERATORS, base) ? OPERATORS[base] : undefined;
  if (!spec) return `Invalid Condition type : ${operator}`;
  if (!/^[A-Za-z0-9]+:[^\s]+$/.test(key)) return `Condition key ${key} must be prefaced by a vendor, e.g. aws:SourceIp`;
  for (const v of values) {
    const problem = spec.check?.(v);
    if (problem) return `Condition ${operator} on ${key}: ${problem}`;
  }
  return { operator, ifExists, key, values, spec };
}

/** `Null`: "true" holds when the key is absent, "false" when it is present. */
const NULL_SPEC: OperatorSpec = {
  negated: false, match: () => false,
  check: (v) => (/^(true|false)$/i.test(v) ? undefined : `${v} is not a boolean (true or false)`),
};

export function conditionHolds(clause: ConditionClause, context: ConditionContext): boolean {
  const requestValues = context(clause.key);
  if (clause.spec === NULL_SPEC) return clause.values.some((v) => truthy(v) === (requestValues === undefined));
  if (requestValues === undefined || requestValues.length === 0) return clause.ifExists || clause.spec.negated;
  const any = clause.values.some((p) => requestValues.some((v) => clause.spec.match(p, v)));
  return clause.spec.negated ? !any : any;
}

// ---- IP addresses ----

const blocks = new Map<string, BlockList | null>();

function block(cidr: string): BlockList | null {
  let b = blocks.get(cidr);
  if (b === undefined) {
    b = null;
    const [addr, bits, ...rest] = cidr.trim().split('/');
    const family = isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (family !== 0 && rest.length === 0 && prefix >= 0 && prefix <= max) {
      b = new BlockList();
      b.addSubnet(addr!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
    if (blocks.size > 10_000) blocks.clear();
    blocks.set(cidr, b);
  }
  return b;
}

function ipProblem(cidr: string): string | undefined {
  return block(cidr) ? undefined : `${cidr} is not an IP address or CIDR block`;
}

function ipInBlock(cidr: string, address: string): boolean {
  const b = block(cidr);
  if (!b) return false;
  const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(a);
  return family !== 0 && b.check(a, family === 6 ? 'ipv6' : 'ipv4');
}
