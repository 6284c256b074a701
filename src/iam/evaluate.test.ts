import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type Decision } from './evaluate.js';
import { parsePolicyDocument } from './policy.js';

const RG = 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup';
const policy = (...Statement: object[]) => parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement }));
const ctx = (values: Record<string, string | string[]>) => (key: string) => {
  const v = Object.entries(values).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
};

const cases: Array<[string, object[], string, string, Record<string, string | string[]>, Decision]> = [
  ['no statement applies: denied by default', [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }], 'elasticache:DescribeCacheClusters', '*', {}, 'implicitDeny'],
  ['an exact action', [{ Effect: 'Allow', Action: 'elasticache:DescribeCacheClusters', Resource: '*' }], 'elasticache:DescribeCacheClusters', '*', {}, 'allow'],
  ['action names are case-insensitive', [{ Effect: 'Allow', Action: 'ElastiCache:describecacheclusters', Resource: '*' }], 'elasticache:DescribeCacheClusters', '*', {}, 'allow'],
  ['a wildcard action', [{ Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' }], 'elasticache:DescribeReplicationGroups', '*', {}, 'allow'],
  ['? matches one character', [{ Effect: 'Allow', Action: 'iam:?etUser', Resource: '*' }], 'iam:GetUser', '*', {}, 'allow'],
  ['* allows everything', [{ Effect: 'Allow', Action: '*', Resource: '*' }], 'iam:CreateUser', 'arn:aws:iam::123456789012:user/x', {}, 'allow'],
  ['explicit deny wins over an allow', [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'elasticache:Delete*', Resource: '*' }], 'elasticache:DeleteReplicationGroup', `${RG}:app-1`, {}, 'explicitDeny'],
  ['NotAction allows all but the ones named', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], 'iam:CreateUser', '*', {}, 'implicitDeny'],
  ['NotAction: another service is allowed', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], 'ec2:CreateSecurityGroup', '*', {}, 'allow'],
  ['a resource wildcard matches', [{ Effect: 'Allow', Action: 'elasticache:*', Resource: `${RG}:app-*` }], 'elasticache:ModifyReplicationGroup', `${RG}:app-7`, {}, 'allow'],
  ['a resource wildcard does not match another', [{ Effect: 'Allow', Action: 'elasticache:*', Resource: `${RG}:app-*` }], 'elasticache:ModifyReplicationGroup', `${RG}:db-7`, {}, 'implicitDeny'],
  ['an ARN pattern does not match the * of a resource-less action', [{ Effect: 'Allow', Action: 'elasticache:*', Resource: `${RG}:*` }], 'elasticache:DescribeEvents', '*', {}, 'implicitDeny'],
  ['resources are case-sensitive', [{ Effect: 'Allow', Action: '*', Resource: `${RG}:App-*` }], 'elasticache:ModifyReplicationGroup', `${RG}:app-1`, {}, 'implicitDeny'],
  ['NotResource', [{ Effect: 'Allow', Action: '*', NotResource: `${RG}:prod-*` }], 'elasticache:DeleteReplicationGroup', `${RG}:prod-1`, {}, 'implicitDeny'],
  ['source IP in the CIDR', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }], 'iam:ListUsers', '*', { 'aws:SourceIp': '127.0.0.1' }, 'allow'],
  ['source IP outside the CIDR', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }], 'iam:ListUsers', '*', { 'aws:SourceIp': '127.0.0.1' }, 'implicitDeny'],
  ['an IPv4-mapped IPv6 source', [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['127.0.0.1'] } } }, { Effect: 'Allow', Action: '*', Resource: '*' }], 'iam:ListUsers', '*', { 'aws:SourceIp': '::ffff:127.0.0.1' }, 'allow'],
  ['resource tag equals', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } }], 'elasticache:DeleteCacheParameterGroup', 'arn:x:y:z:w:a', { 'aws:ResourceTag/team': 'blue' }, 'allow'],
  ['resource tag absent: positive operator false', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:ResourceTag/team': 'b*' } } }], 'elasticache:DeleteCacheParameterGroup', 'arn:x:y:z:w:a', {}, 'implicitDeny'],
  ['resource tag absent: negated operator true', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'red' } } }], 'elasticache:DeleteCacheParameterGroup', 'arn:x:y:z:w:a', {}, 'allow'],
  ['resource tag absent: IfExists true', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'red' } } }], 'elasticache:DeleteCacheParameterGroup', 'arn:x:y:z:w:a', {}, 'allow'],
  ['StringNotLike with a matching value', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringNotLike: { 'aws:ResourceTag/env': 'prod*' } } }], 'elasticache:DeleteCacheParameterGroup', 'arn:x:y:z:w:a', { 'aws:ResourceTag/env': 'production' }, 'implicitDeny'],
  ['values OR, keys AND', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': ['a', 'b'], 'aws:username': 'carol' } } }], 'iam:GetUser', '*', { 'aws:ResourceTag/team': 'b', 'aws:username': 'carol' }, 'allow'],
  ['Bool', [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }], 'iam:GetUser', '*', { 'aws:SecureTransport': 'false' }, 'explicitDeny'],
  ['Null', [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { 'aws:RequestTag/owner': 'false' } } }], 'elasticache:CreateCacheParameterGroup', '*', { 'aws:RequestTag/owner': 'me' }, 'allow'],
  ['a policy variable', [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }], 'iam:CreateAccessKey', 'arn:aws:iam::123456789012:user/dave', { 'aws:username': 'dave' }, 'allow'],
  ['a policy variable: another user', [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }], 'iam:CreateAccessKey', 'arn:aws:iam::123456789012:user/erin', { 'aws:username': 'dave' }, 'implicitDeny'],
];

for (const [name, statements, action, resource, context, expected] of cases) {
  test(name, () => {
    assert.equal(evaluate([policy(...statements)], { action, resource, context: ctx(context) }), expected);
  });
}

test('several policies: any allow, and any deny wins', () => {
  const allow = policy({ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' });
  const deny = policy({ Effect: 'Deny', Action: 'elasticache:Delete*', Resource: '*' });
  const q = (action: string) => ({ action, resource: '*', context: ctx({}) });
  assert.equal(evaluate([allow, deny], q('elasticache:DescribeEvents')), 'allow');
  assert.equal(evaluate([deny, allow], q('elasticache:DeleteCacheCluster')), 'explicitDeny');
  assert.equal(evaluate([], q('elasticache:DescribeEvents')), 'implicitDeny');
});
