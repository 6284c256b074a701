/**
 * `cachefleet server --tls`: the API over HTTPS with a certificate from the service's own CA,
 * used by the aws CLI (--ca-bundle), boto3 (verify=), the JS SDK (an https agent with `ca`) and
 * the cachefleet CLI itself (server.json records the scheme); a client that does not trust the
 * CA is refused, and so is plain HTTP on the port.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { DescribeCacheEngineVersionsCommand, DescribeCacheSubnetGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { requireOrSkip, skipOrFail } from '../helpers/prerequisites.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';

const BOTO3_SCRIPT = String.raw`
import json, sys
import boto3
url, ca = sys.argv[1], sys.argv[2]
c = boto3.client('elasticache', endpoint_url=url, region_name='us-east-1', verify=ca)
c.create_cache_subnet_group(CacheSubnetGroupName='tls-subnets', CacheSubnetGroupDescription='over https', SubnetIds=['subnet-0a1'])
g = c.describe_cache_subnet_groups(CacheSubnetGroupName='tls-subnets')['CacheSubnetGroups'][0]
out = {'name': g['CacheSubnetGroupName']}
try:
    boto3.client('elasticache', endpoint_url=url, region_name='us-east-1').describe_cache_subnet_groups()
    out['untrusted'] = 'accepted'
except Exception as e:
    out['untrusted'] = type(e).__name__
print(json.dumps(out))
`;

describe('the API over TLS (server --tls)', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;

  before(async () => {
    svc = await startService(cleanup, { args: ['--tls'] });
    ({ caFile, ca } = await writeClientCa(svc));
  });

  test('serves HTTPS on the listen address; server.json records the scheme', async () => {
    assert.match(svc.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const info = JSON.parse(readFileSync(join(svc.dataDir, 'server.json'), 'utf8')) as { scheme: string };
    assert.equal(info.scheme, 'https');
    // Plain HTTP on the same port is not answered as the API.
    const plain = await fetch(svc.url.replace('https:', 'http:'), { method: 'POST' }).then((r) => r.status, (e: Error) => e.name);
    assert.notEqual(plain, 200);
  });

  test('the JS SDK with an https agent trusting `cachefleet ca`; without it, the certificate is refused', async () => {
    const out = await svc.client.send(new DescribeCacheEngineVersionsCommand({}));
    assert.ok((out.CacheEngineVersions ?? []).length > 0);
    const trusting = new ElastiCacheClient({
      endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, requestHandler: { httpsAgent: new Agent({ ca }) },
    });
    cleanup.defer(() => trusting.destroy());
    assert.ok(Array.isArray((await trusting.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups));
    const untrusting = new ElastiCacheClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => untrusting.destroy());
    await assert.rejects(untrusting.send(new DescribeCacheSubnetGroupsCommand({})),
      (e: Error & { code?: string }) => /certificate|self.signed|UNABLE_TO_VERIFY/i.test(`${e.code} ${e.message}`));
  });

  test('the aws CLI with --ca-bundle; without it, a certificate error', { skip: requireOrSkip(!awsInstalled() && 'the aws CLI (apt-get install awscli)') }, async () => {
    const ok = await runOk('aws', ['elasticache', 'describe-cache-engine-versions', '--endpoint-url', svc.url, '--ca-bundle', caFile,
      '--output', 'json'], { env: svc.env });
    assert.ok((JSON.parse(ok.stdout) as { CacheEngineVersions: unknown[] }).CacheEngineVersions.length > 0);
    const refused = await run('aws', ['elasticache', 'describe-cache-engine-versions', '--endpoint-url', svc.url, '--output', 'json'],
      { env: { ...svc.env, AWS_MAX_ATTEMPTS: '1' } });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /SSL|certificate/i);
  });

  test('boto3 with verify=<ca.pem>; without it, an SSL error', async (t) => {
    const py = await pythonWith('boto3');
    if (!py) {
      skipOrFail(t, 'a Python with boto3 (apt-get install python3-boto3)');
      return;
    }
    const dir = await cleanup.tmpDir('cachefleet-e2e-tls-py-');
    await writeFile(join(dir, 'tls.py'), BOTO3_SCRIPT);
    const r = await runOk(py, [join(dir, 'tls.py'), svc.url, caFile], { env: { ...svc.env, AWS_MAX_ATTEMPTS: '1' }, timeoutMs: 60_000 });
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; untrusted: string };
    assert.equal(out.name, 'tls-subnets');
    assert.equal(out.untrusted, 'SSLError');
  });

  test('the cachefleet CLI follows the data directory: https and its CA', async () => {
    const r = await runOk(process.execPath, [CLI, 'status', '--data-dir', svc.dataDir], { env: svc.env });
    assert.match(r.stdout, /no replication groups/);
  });
});

function awsInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;
}
