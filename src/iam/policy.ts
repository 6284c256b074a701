// AWS's JSON policy language, as IAM checks it when a policy is put (PutUserPolicy,
// PutGroupPolicy): a document that breaks the grammar is refused with MalformedPolicyDocument
// and a message saying what is wrong, so nothing malformed ever reaches the evaluator.
import { conditionClause, type ConditionClause } from './conditions.js';
import { IamErrors } from './errors.js';

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  sid?: string;
  effect: Effect;
  /** Exactly one of actions / notActions is set; `service:Name` patterns. */
  actions?: string[];
  notActions?: string[];
  /** Exactly one of resources / notResources is set; ARN patterns or `*`. */
  resources?: string[];
  notResources?: string[];
  conditions: ConditionClause[];
}

export interface ParsedPolicy {
  version: string;
  statements: PolicyStatement[];
}

const VERSIONS = ['2012-10-17', '2008-10-17'];
const TOP_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
  'Principal', 'NotPrincipal']);
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

const malformed = (message: string) => IamErrors.malformedPolicy(message);

/** Parses and checks a policy document; throws MalformedPolicyDocument (400) saying what is wrong. */
export function parsePolicyDocument(text: string): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw malformed(`Syntax errors in policy: ${(e as Error).message}.`);
  }
  if (!isObject(doc)) throw malformed('Syntax errors in policy: the document must be a JSON object.');
  for (const k of Object.keys(doc)) if (!TOP_FIELDS.has(k)) throw malformed(`Syntax errors in policy: unknown field ${k}.`);
  const version = doc.Version === undefined ? '2008-10-17' : doc.Version;
  if (typeof version !== 'string' || !VERSIONS.includes(version)) {
    throw malformed(`The policy Version ${JSON.stringify(doc.Version)} is invalid: use "2012-10-17".`);
  }
  if (doc.Statement === undefined) throw malformed('Missing required field Statement.');
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (raw.length === 0) throw malformed('Missing required field Statement: the list of statements is empty.');
  const sids = new Set<string>();
  const statements = raw.map((s, i) => parseStatement(s, i + 1, sids));
  return { version, statements };
}

function parseStatement(s: unknown, n: number, sids: Set<string>): PolicyStatement {
  const where = `Statement ${n}`;
  if (!isObject(s)) throw malformed(`Syntax errors in policy: ${where} must be a JSON object.`);
  for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) throw malformed(`Syntax errors in policy: ${where} has an unknown field ${k}.`);
  if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
    throw malformed('Policy document should not specify a principal.');
  }
  let sid: string | undefined;
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(s.Sid)) {
      throw malformed(`Statement IDs (SID) must be alpha-numeric: ${JSON.stringify(s.Sid)} in ${where}.`);
    }
    if (s.Sid !== '' && sids.has(s.Sid)) throw malformed(`Statement IDs (SID) in a single policy must be unique: ${s.Sid}.`);
    sids.add(s.Sid);
    sid = s.Sid;
  }
  if (s.Effect === undefined) throw malformed(`Missing required field Effect in ${where}.`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw malformed(`Invalid effect: ${JSON.stringify(s.Effect)} in ${where} (Allow or Deny).`);
  }
  const out: PolicyStatement = { effect: s.Effect, conditions: [], ...(sid !== undefined ? { sid } : {}) };

  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    throw malformed(`Policy statement must contain actions: ${where} needs exactly one of Action and NotAction.`);
  }
  const actionField = s.Action !== undefined ? 'Action' : 'NotAction';
  const actions = stringList(s[actionField], `${where} ${actionField}`);
  for (const a of actions) {
    if (!ACTION.test(a)) {
      throw malformed(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: ${JSON.stringify(a)} in ${where}.`);
    }
  }
  if (actionField === 'Action') out.actions = actions; else out.notActions = actions;

  if ((s.Resource === undefined) === (s.NotResource === undefined)) {
    throw malformed(`Policy statement must contain resources: ${where} needs exactly one of Resource and NotResource.`);
  }
  const resourceField = s.Resource !== undefined ? 'Resource' : 'NotResource';
  const resources = stringList(s[resourceField], `${where} ${resourceField}`);
  for (const r of resources) {
    if (r !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(r)) {
      throw malformed(`Resource ${r} must be in ARN format or "*" (${where}).`);
    }
  }
  if (resourceField === 'Resource') out.resources = resources; else out.notResources = resources;

  if (s.Condition !== undefined) out.conditions = parseConditions(s.Condition, where);
  return out;
}

function parseConditions(c: unknown, where: string): ConditionClause[] {
  if (!isObject(c)) throw malformed(`Syntax errors in policy: the Condition of ${where} must be a JSON object.`);
  const out: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(c)) {
    if (!isObject(keys)) throw malformed(`Syntax errors in policy: Condition ${operator} of ${where} must map keys to values.`);
    for (const [key, value] of Object.entries(keys)) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'boolean' || typeof v === 'number') return String(v);
        throw malformed(`Syntax errors in policy: the values of Condition ${operator} ${key} in ${where} must be strings, numbers or booleans.`);
      });
      if (values.length === 0) throw malformed(`Condition ${operator} ${key} in ${where} has no values.`);
      const clause = conditionClause(operator, key, values);
      if (typeof clause === 'string') throw malformed(`${clause} (${where}).`);
      out.push(clause);
    }
  }
  return out;
}

function stringList(v: unknown, what: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw malformed(`${what} must not be empty.`);
  for (const x of list) {
    if (typeof x !== 'string' || x === '') throw malformed(`Syntax errors in policy: ${what} must be a string or a list of strings.`);
  }
  return list as string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Characters a policy counts against IAM's size quotas: everything but white space. */
export function policySize(text: string): number {
  return text.replace(/\s+/g, '').length;
}
