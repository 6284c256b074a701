import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../errors/index.js';
import { parsePolicyDocument, policySize } from './policy.js';

const malformed = (doc: unknown, pattern: RegExp) => assert.throws(
  () => parsePolicyDocument(typeof doc === 'string' ? doc : JSON.stringify(doc)),
  (e: unknown) => isAwsError(e) && e.code === 'MalformedPolicyDocument' && e.httpStatus === 400 && pattern.test(e.message),
  `${JSON.stringify(doc)} → ${pattern}`);

const ok = { Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' };

test('a statement object or a list of them; Action/Resource a string or a list', () => {
  const one = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: ok }));
  assert.equal(one.statements.length, 1);
  assert.deepEqual(one.statements[0]!.actions, ['elasticache:Describe*']);
  const two = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: [ok, {
    Sid: 'NoDeletes', Effect: 'Deny', NotAction: ['elasticache:Describe*', 'iam:Get*'], NotResource: ['arn:aws:elasticache:*:*:replicationgroup:app-*'],
    Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1'] }, StringEqualsIfExists: { 'aws:ResourceTag/team': 'a' }, Bool: { 'aws:SecureTransport': false } },
  }] }));
  const s = two.statements[1]!;
  assert.equal(s.effect, 'Deny');
  assert.deepEqual(s.notResources, ['arn:aws:elasticache:*:*:replicationgroup:app-*']);
  assert.deepEqual(s.conditions.map((c) => [c.operator, c.key, c.values, c.ifExists]), [
    ['IpAddress', 'aws:SourceIp', ['127.0.0.0/8', '::1'], false],
    ['StringEqualsIfExists', 'aws:ResourceTag/team', ['a'], true],
    ['Bool', 'aws:SecureTransport', ['false'], false],
  ]);
});

test('malformed documents are refused with what is wrong', () => {
  malformed('{"Version": ', /Syntax errors in policy/);
  malformed([ok], /must be a JSON object/);
  malformed({ Version: '2012-10-17' }, /Missing required field Statement/);
  malformed({ Version: '2013-01-01', Statement: ok }, /Version "2013-01-01" is invalid/);
  malformed({ Version: '2012-10-17', Statement: [], }, /Missing required field Statement/);
  malformed({ Version: '2012-10-17', Statement: { Action: '*', Resource: '*' } }, /Missing required field Effect/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Effect: 'allow' } }, /Invalid effect/);
  malformed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: '*' } }, /must contain actions/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, NotAction: 'iam:*' } }, /exactly one of Action and NotAction/);
  malformed({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*' } }, /must contain resources/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Action: 'DescribeCacheClusters' } }, /prefaced by a vendor/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Resource: 'replicationgroup:app' } }, /must be in ARN format/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Principal: '*' } }, /should not specify a principal/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Actions: '*' } }, /unknown field Actions/);
  malformed({ Version: '2012-10-17', Statement: [{ ...ok, Sid: 'a' }, { ...ok, Sid: 'a' }] }, /must be unique/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Sid: 'not ok' } }, /alpha-numeric/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Condition: { StringEqualz: { 'aws:username': 'a' } } } }, /Invalid Condition type : StringEqualz/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Condition: { IpAddress: { 'aws:SourceIp': '300.1.1.1/8' } } } }, /not an IP address or CIDR/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } } }, /not a boolean/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Condition: { StringEquals: { username: 'a' } } } }, /prefaced by a vendor/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Condition: { StringEquals: { 'aws:username': { a: 1 } } } } }, /must be strings/);
  malformed({ Version: '2012-10-17', Statement: { ...ok, Action: [] } }, /must not be empty/);
});

test('policy size counts everything but white space', () => {
  assert.equal(policySize('{ "a" :\n\t"b c" }'), 10);
});
