/**
 * Signed API requests against the real service: the admin key it creates on first start and
 * `cachefleet credentials` prints works unchanged with the aws CLI (environment and profile),
 * boto3 and the JS SDK; an unsigned request (curl), a wrong secret, an unknown key and an expired
 * date get AWS's errors with a 403 and change nothing; /healthz needs no signature; the
 * development flag accepts any key and says so in the log.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateCacheSubnetGroupCommand, DescribeCacheSubnetGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk, type RunResult } from '../helpers/e2e-exec.js';
import { asList, call, form, healthy, query, resultOf } from '../helpers/e2e-query.js';
import { skipOrFail } from '../helpers/prerequisites.js';


/** boto3 with the key from the environment, then with a wrong secret and with an unknown key id. */
const BOTO3_SCRIPT = String.raw`
import json, os, sys
import boto3
from botocore.exceptions import ClientError
url = sys.argv[1]
out = {}
def client(**kw):
    return boto3.client('elasticache', endpoint_url=url, region_name='eu-west-1', **kw)
c = client()
c.create_cache_subnet_group(CacheSubnetGroupName='sig-boto3', CacheSubnetGroupDescription='from boto3', SubnetIds=['subnet-1'])
out['names'] = sorted(g['CacheSubnetGroupName'] for g in c.describe_cache_subnet_groups()['CacheSubnetGroups'])
key, secret = os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY']
for name, kw in [('wrongSecret', dict(aws_access_key_id=key, aws_secret_access_key=secret + 'x')),
                 ('unknownKey', dict(aws_access_key_id='AKIAUNKNOWNUNKNOWN22', aws_secret_access_key=secret))]:
    try:
        client(**kw).create_cache_subnet_group(CacheSubnetGroupName='sig-boto3-' + name.lower(), CacheSubnetGroupDescription='x', SubnetIds=['subnet-1'])
        out[name] = 'accepted'
    except ClientError as e:
        out[name] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message']]
print(json.dumps(out))
`;

const SIGNATURE_MESSAGE = /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./;

async function subnetGroupNames(svc: TestService): Promise<string[]> {
  const out = await svc.client.send(new DescribeCacheSubnetGroupsCommand({}));
  return (out.CacheSubnetGroups ?? []).map((g) => g.CacheSubnetGroupName!).sort();
}

/** POSTs `body` unsigned with curl (fetch when curl is not installed): status and body. */
async function unsigned(url: string, body: string, diag: (m: string) => void): Promise<{ status: number; text: string }> {
  let r: RunResult | undefined;
  try {
    r = await run('curl', ['-s', '-X', 'POST', '-d', body, '-w', '\n%{http_code}', url], { timeoutMs: 20_000 });
  } catch {
    diag('curl is not installed: sending the unsigned request with fetch');
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    return { status: res.status, text: await res.text() };
  }
  assert.equal(r.code, 0, r.stderr);
  const nl = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(nl + 1)), text: r.stdout.slice(0, nl) };
}
const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

describe('SigV4: signed API requests', { timeout: 150_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let py: string | undefined;

  before(async () => {
    [svc, py] = await Promise.all([startService(cleanup), pythonWith('boto3')]);
  });

  test('the admin key is created on first start (mode 0600) and `cachefleet credentials` prints it', async () => {
    const file = join(svc.dataDir, 'credentials.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(svc.credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(svc.credentials.secretAccessKey.length, 40);
    assert.ok(svc.logs.some((l) => l.includes('created the admin access key') && l.includes(svc.credentials.accessKeyId)));
    assert.ok(!svc.logs.some((l) => l.includes(svc.credentials.secretAccessKey)), 'the secret is never logged');

    const r = await runOk(process.execPath, [CLI, 'credentials', '--data-dir', svc.dataDir]);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `AWS_ACCESS_KEY_ID=${svc.credentials.accessKeyId}`);
    assert.equal(lines[1], `AWS_SECRET_ACCESS_KEY=${svc.credentials.secretAccessKey}`);
    assert.ok(r.stdout.includes(`[cachefleet]\naws_access_key_id = ${svc.credentials.accessKeyId}\naws_secret_access_key = ${svc.credentials.secretAccessKey}\n`), r.stdout);

    const envOnly = await runOk(process.execPath, [CLI, 'credentials', '--data-dir', svc.dataDir, '--format', 'env']);
    assert.equal(envOnly.stdout, `${lines[0]}\n${lines[1]}\n`);
    const none = await run(process.execPath, [CLI, 'credentials', '--data-dir', join(svc.dataDir, 'nodes')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no credentials in .*: the service creates them on its first start/);
  });

  test('the aws CLI works with the key in the environment and as the printed profile', async () => {
    const aws = (env: NodeJS.ProcessEnv, ...args: string[]) =>
      run('aws', [...args, '--endpoint-url', svc.url, '--output', 'json'], { env, timeoutMs: 60_000 });
    const created = await aws(svc.env, 'elasticache', 'create-cache-subnet-group', '--cache-subnet-group-name', 'sig-cli',
      '--cache-subnet-group-description', 'from the aws CLI', '--subnet-ids', 'subnet-1');
    assert.equal(created.code, 0, created.stderr);

    // The profile snippet `cachefleet credentials --format profile` prints, as ~/.aws/credentials.
    const dir = await cleanup.tmpDir('cachefleet-e2e-aws-');
    const profile = await runOk(process.execPath, [CLI, 'credentials', '--data-dir', svc.dataDir, '--format', 'profile', '--profile', 'local']);
    await writeFile(join(dir, 'credentials'), profile.stdout);
    await writeFile(join(dir, 'config'), '[profile local]\nregion = us-east-1\n');
    const env: NodeJS.ProcessEnv = { ...svc.env, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_DEFAULT_REGION', 'AWS_REGION']) delete env[k];
    const listed = await aws(env, '--profile', 'local', 'elasticache', 'describe-cache-subnet-groups', '--cache-subnet-group-name', 'sig-cli');
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).CacheSubnetGroups[0].CacheSubnetGroupDescription, 'from the aws CLI');

    // Its last character changed (to 'x', or to 'y' when it already is 'x': once in 64 runs it was, and the "wrong" secret was right).
    const secret = svc.credentials.secretAccessKey;
    const wrong = await aws({ ...svc.env, AWS_SECRET_ACCESS_KEY: `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}` },
      'elasticache', 'describe-cache-subnet-groups');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /SignatureDoesNotMatch/);
  });

  test('boto3 works with the key; a wrong secret or an unknown key id is refused', async (t) => {
    if (!py) {
      skipOrFail(t, 'no Python with boto3');
      return;
    }
    const dir = await cleanup.tmpDir('cachefleet-e2e-py-');
    await writeFile(join(dir, 'sig.py'), BOTO3_SCRIPT);
    const r = await runOk(py, [join(dir, 'sig.py'), svc.url], { env: svc.env, timeoutMs: 60_000 });
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.ok(out.names.includes('sig-boto3'), JSON.stringify(out));
    assert.deepEqual(out.wrongSecret.slice(0, 2), ['SignatureDoesNotMatch', 403]);
    assert.match(out.wrongSecret[2], SIGNATURE_MESSAGE);
    assert.deepEqual(out.unknownKey, ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
    const names = await subnetGroupNames(svc);
    assert.ok(!names.some((n) => n.startsWith('sig-boto3-')), `refused requests created nothing: ${names.join(', ')}`);
  });

  test('the JS SDK works with the key; with a wrong secret it gets SignatureDoesNotMatch', async () => {
    await svc.client.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'sig-sdk', CacheSubnetGroupDescription: 'from the JS SDK', SubnetIds: ['subnet-1'] }));
    assert.ok((await subnetGroupNames(svc)).includes('sig-sdk'));
    const wrong = new ElastiCacheClient({ endpoint: svc.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { ...svc.credentials, secretAccessKey: 'not-the-secret' } });
    try {
      await assert.rejects(wrong.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'sig-sdk-wrong', CacheSubnetGroupDescription: 'x', SubnetIds: ['subnet-1'] })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'SignatureDoesNotMatch' && e.$metadata?.httpStatusCode === 403 && SIGNATURE_MESSAGE.test(e.message));
    } finally {
      wrong.destroy();
    }
    assert.ok(!(await subnetGroupNames(svc)).includes('sig-sdk-wrong'));
  });

  test('an unsigned curl is refused with 403 MissingAuthenticationToken; /healthz needs no signature', async (t) => {
    const r = await unsigned(svc.url, 'Action=DescribeReplicationGroups&Version=2015-02-02', (m) => t.diagnostic(m));
    assert.equal(r.status, 403);
    assert.equal(code(r.text), 'MissingAuthenticationToken');
    assert.match(r.text, /<Message>Request is missing Authentication Token<\/Message>/);
    const create = await unsigned(svc.url, form('CreateCacheSubnetGroup', { CacheSubnetGroupName: 'sig-unsigned', CacheSubnetGroupDescription: 'd', 'SubnetIds.SubnetIdentifier.1': 's' }), (m) => t.diagnostic(m));
    assert.equal(create.status, 403);
    assert.ok(await healthy(svc.url));
    assert.ok(!(await subnetGroupNames(svc)).includes('sig-unsigned'));
  });

  test('wrong secret, unknown key, expired or future date, tampered body: AWS\'s 403s, and nothing is created', async () => {
    const create = (name: string) => form('CreateCacheSubnetGroup', { CacheSubnetGroupName: name, CacheSubnetGroupDescription: 'd', 'SubnetIds.SubnetIdentifier.1': 'subnet-1' });
    const cases = [
      { name: 'sig-bad-secret', opts: { credentials: { ...svc.credentials, secretAccessKey: `${svc.credentials.secretAccessKey}x` } }, code: 'SignatureDoesNotMatch', message: SIGNATURE_MESSAGE },
      { name: 'sig-bad-key', opts: { credentials: { ...svc.credentials, accessKeyId: 'AKIAUNKNOWNUNKNOWN22' } }, code: 'InvalidClientTokenId', message: /^The security token included in the request is invalid\.$/ },
      { name: 'sig-old', opts: { signingDate: new Date(Date.now() - 20 * 60_000) }, code: 'RequestExpired', message: /^Request has expired\.$/ },
      { name: 'sig-future', opts: { signingDate: new Date(Date.now() + 20 * 60_000) }, code: 'RequestExpired', message: /^Request has expired\.$/ },
      { name: 'sig-tampered', opts: { afterSigning: (r: { body: string | Uint8Array | undefined }) => { r.body = create('sig-tampered-2'); } }, code: 'SignatureDoesNotMatch', message: SIGNATURE_MESSAGE },
      { name: 'sig-presign-old', opts: { method: 'GET', path: `/?${create('sig-presign-old')}`, presignExpiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000) }, code: 'RequestExpired', message: /^Request has expired\.$/ },
    ];
    for (const c of cases) {
      const res = await query(svc.url, c.opts.path ? '' : create(c.name), c.opts);
      assert.equal(res.status, 403, `${c.name}: ${res.text}`);
      assert.equal(res.error?.code, c.code, c.name);
      assert.equal(res.error?.type, 'Sender', c.name);
      assert.match(res.error!.message, c.message, c.name);
    }
    // A signed DescribeCacheSubnetGroups shows none of them.
    for (const name of [...cases.map((c) => c.name), 'sig-tampered-2']) {
      const res = await query(svc.url, form('DescribeCacheSubnetGroups', { CacheSubnetGroupName: name }));
      assert.equal(res.error?.code, 'CacheSubnetGroupNotFoundFault', `${name}: ${res.text}`);
    }
    // Signed right, the same raw requests work: in the Authorization header and presigned.
    await call(svc.url, 'CreateCacheSubnetGroup', { CacheSubnetGroupName: 'sig-raw', CacheSubnetGroupDescription: 'd', 'SubnetIds.SubnetIdentifier.1': 'subnet-1' });
    const presigned = await query(svc.url, '', { method: 'GET', path: `/?${form('DescribeCacheSubnetGroups', { CacheSubnetGroupName: 'sig-raw' })}`, presignExpiresIn: 300 });
    const groups = asList((resultOf(presigned, 'DescribeCacheSubnetGroups').CacheSubnetGroups as any)?.CacheSubnetGroup);
    assert.deepEqual(groups.map((g: any) => g.CacheSubnetGroupName), ['sig-raw']);
  });

  test('after a restart of the control plane the same key is loaded, not a new one', async () => {
    const before = { ...svc.credentials };
    await svc.kill9();
    await svc.restart();
    assert.ok((await subnetGroupNames(svc)).includes('sig-sdk'));
    const r = await runOk(process.execPath, [CLI, 'credentials', '--data-dir', svc.dataDir, '--format', 'env']);
    assert.equal(r.stdout, `AWS_ACCESS_KEY_ID=${before.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${before.secretAccessKey}\n`);
  });

  test('--insecure-accept-any-credentials: any key is accepted, the service warns, unsigned is still refused', async (t) => {
    const dev = await startService(cleanup, { args: ['--insecure-accept-any-credentials'] });
    const warning = dev.logs.map((l) => { try { return JSON.parse(l); } catch { return undefined; } })
      .find((l) => l?.level === 40 && /insecure-accept-any-credentials/.test(l.msg));
    assert.ok(warning, `no warning in the log:\n${dev.logs.join('\n')}`);
    assert.ok(!svc.logs.some((l) => /insecure-accept-any-credentials/.test(l)), 'no warning without the flag');
    const any = new ElastiCacheClient({ endpoint: dev.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'anything', secretAccessKey: 'at-all' } });
    try {
      await any.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'dev-any', CacheSubnetGroupDescription: 'd', SubnetIds: ['subnet-1'] }));
    } finally {
      any.destroy();
    }
    assert.ok((await subnetGroupNames(dev)).includes('dev-any'));
    const r = await unsigned(dev.url, 'Action=DescribeReplicationGroups&Version=2015-02-02', (m) => t.diagnostic(m));
    assert.equal(r.status, 403);
    assert.equal(code(r.text), 'MissingAuthenticationToken');
    const help = await runOk(process.execPath, [CLI, 'server', '--help']);
    assert.match(help.stdout, /--insecure-accept-any-credentials/);
  });
});
