/**
 * IAM users as an operator sets them up from the shell: `aws iam` against the service, a key made
 * with `cachefleet credentials create --user`, then the aws CLI and boto3 signing with that key:
 * what the policies allow works, what they do not is refused with AccessDenied and changes
 * nothing, and a deactivated key stops working.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { skipOrFail } from '../helpers/prerequisites.js';

const BOTO3_SCRIPT = String.raw`
import json, sys
import boto3, botocore.exceptions
url, user, group = sys.argv[1], sys.argv[2], sys.argv[3]
ec = boto3.client('elasticache', endpoint_url=url, region_name='us-east-1')
iam = boto3.client('iam', endpoint_url=url, region_name='us-east-1')
out = {'clusters': len(ec.describe_cache_clusters()['CacheClusters'])}
out['me'] = iam.get_user()['User']['UserName']
out['policy'] = iam.get_user_policy(UserName=user, PolicyName='read-own')['PolicyDocument']
for label, call in [('delete', lambda: ec.delete_cache_parameter_group(CacheParameterGroupName=group)),
                    ('listUsers', lambda: iam.list_users())]:
    try:
        call()
        out[label] = 'accepted'
    except botocore.exceptions.ClientError as e:
        out[label] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message']]
print(json.dumps(out))
`;

describe('IAM from the aws CLI, cachefleet credentials and boto3', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  const runId = Math.random().toString(36).slice(2, 8);
  const user = `ops-${runId}`;
  const group = `pg-${runId}`;
  let userEnv: NodeJS.ProcessEnv;
  let accessKeyId = '';

  /** `aws <service> <args> --endpoint-url <svc> --output json` with `env`. */
  async function aws(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: any; stderr: string }> {
    const r = await run('aws', [...args, '--endpoint-url', svc.url, '--output', 'json'], { env, timeoutMs: 60_000 });
    return { code: r.code ?? -1, out: r.code === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : {}, stderr: r.stderr };
  }
  async function awsOk(env: NodeJS.ProcessEnv, ...args: string[]): Promise<any> {
    const r = await aws(env, ...args);
    if (r.code !== 0) throw new Error(`aws ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.out;
  }

  before(async () => {
    svc = await startService(cleanup);
  });

  test('aws iam: a user with an inline policy, a group with another', async () => {
    const created = await awsOk(svc.env, 'iam', 'create-user', '--user-name', user, '--tags', 'Key=team,Value=ops');
    assert.equal(created.User.UserName, user);
    assert.match(created.User.Arn, new RegExp(`^arn:aws:iam::\\d{12}:user/${user}$`));
    const readOwn = { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: ['iam:GetUser', 'iam:GetUserPolicy'], Resource: 'arn:aws:iam::*:user/${aws:username}' }] };
    const file = join(await cleanup.tmpDir('cachefleet-iam-'), 'policy.json');
    await writeFile(file, JSON.stringify(readOwn));
    await awsOk(svc.env, 'iam', 'put-user-policy', '--user-name', user, '--policy-name', 'read-own', '--policy-document', `file://${file}`);
    await awsOk(svc.env, 'iam', 'create-group', '--group-name', `readers-${runId}`);
    await awsOk(svc.env, 'iam', 'put-group-policy', '--group-name', `readers-${runId}`, '--policy-name', 'describe',
      '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' } }));
    await awsOk(svc.env, 'iam', 'add-user-to-group', '--group-name', `readers-${runId}`, '--user-name', user);
    const members = await awsOk(svc.env, 'iam', 'get-group', '--group-name', `readers-${runId}`);
    assert.deepEqual(members.Users.map((u: { UserName: string }) => u.UserName), [user]);
    const back = await awsOk(svc.env, 'iam', 'get-user-policy', '--user-name', user, '--policy-name', 'read-own');
    assert.deepEqual(back.PolicyDocument, readOwn, 'the CLI decodes the URL-encoded document');
    const malformed = await aws(svc.env, 'iam', 'put-user-policy', '--user-name', user, '--policy-name', 'bad', '--policy-document', '{"Statement": 1}');
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /MalformedPolicyDocument/);
    await awsOk(svc.env, 'elasticache', 'create-cache-parameter-group', '--cache-parameter-group-name', group,
      '--cache-parameter-group-family', 'redis7', '--description', 'kept');
  });

  test('cachefleet credentials create --user prints a key that signs as the user', async () => {
    const r = await runOk(process.execPath, [CLI, 'credentials', 'create', '--user', user, '--data-dir', svc.dataDir, '--format', 'env'],
      { timeoutMs: 30_000 });
    const id = /^AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})$/m.exec(r.stdout)?.[1];
    const secret = /^AWS_SECRET_ACCESS_KEY=(\S{40})$/m.exec(r.stdout)?.[1];
    assert.ok(id && secret, r.stdout);
    accessKeyId = id;
    userEnv = { ...svc.env, AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret! };
    const keys = await awsOk(svc.env, 'iam', 'list-access-keys', '--user-name', user);
    assert.deepEqual(keys.AccessKeyMetadata.map((k: { AccessKeyId: string; SecretAccessKey?: string }) => [k.AccessKeyId, k.SecretAccessKey]),
      [[id, undefined]]);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm'].map((n) => join(svc.dataDir, n)).filter(existsSync)) {
      assert.equal(statSync(f).mode & 0o777, 0o600, `${f} holds secret keys: owner only`);
    }
    const unknown = await run(process.execPath, [CLI, 'credentials', 'create', '--user', `ghost-${runId}`, '--data-dir', svc.dataDir]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /cannot be found/);
  });

  test('aws CLI with the user key: allowed reads work, a create is refused and changes nothing', async () => {
    assert.deepEqual((await awsOk(userEnv, 'elasticache', 'describe-cache-clusters')).CacheClusters, []);
    assert.equal((await awsOk(userEnv, 'iam', 'get-user')).User.UserName, user);
    const denied = await aws(userEnv, 'elasticache', 'create-cache-parameter-group', '--cache-parameter-group-name', `nope-${runId}`,
      '--cache-parameter-group-family', 'redis7', '--description', 'refused');
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`\\(AccessDenied\\).*User: arn:aws:iam::\\d{12}:user/${user} is not authorized to perform: ` +
      `elasticache:CreateCacheParameterGroup on resource: arn:aws:elasticache:us-east-1:\\d{12}:parametergroup:nope-${runId} ` +
      'because no identity-based policy allows the elasticache:CreateCacheParameterGroup action'));
    const names = (await awsOk(svc.env, 'elasticache', 'describe-cache-parameter-groups')).CacheParameterGroups
      .map((g: { CacheParameterGroupName: string }) => g.CacheParameterGroupName);
    assert.ok(!names.includes(`nope-${runId}`) && names.includes(group));
  });

  test('boto3 with the user key: its modeled answers and AccessDenied as a ClientError', async (t) => {
    const python = await pythonWith('boto3');
    if (!python) return skipOrFail(t, 'python3 with boto3');
    const r = await runOk(python, ['-c', BOTO3_SCRIPT, svc.url, user, group], { env: userEnv, timeoutMs: 60_000 });
    const out = JSON.parse(r.stdout);
    assert.equal(out.clusters, 0);
    assert.equal(out.me, user);
    assert.equal(out.policy.Statement[0].Resource, 'arn:aws:iam::*:user/${aws:username}', 'botocore decodes the policy document');
    assert.deepEqual(out.delete.slice(0, 2), ['AccessDenied', 403]);
    assert.match(out.delete[2], /elasticache:DeleteCacheParameterGroup on resource: .*parametergroup:pg-/);
    assert.deepEqual(out.listUsers.slice(0, 2), ['AccessDenied', 403]);
    const names = (await awsOk(svc.env, 'elasticache', 'describe-cache-parameter-groups')).CacheParameterGroups
      .map((g: { CacheParameterGroupName: string }) => g.CacheParameterGroupName);
    assert.ok(names.includes(group), 'the refused delete changed nothing');
  });

  test('aws iam update-access-key --status Inactive: the key stops working', async () => {
    await awsOk(svc.env, 'iam', 'update-access-key', '--user-name', user, '--access-key-id', accessKeyId, '--status', 'Inactive');
    const r = await aws(userEnv, 'elasticache', 'describe-cache-clusters');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidClientTokenId/);
  });
});
