/**
 * With the aws CLI: a snapshot exported to a bucket (`copy-snapshot --target-bucket`: a plain RDB
 * that redis-check-rdb accepts) and imported again into a new group with `--snapshot-arns`; a group
 * encrypted at rest under a key of the service's key store, whose snapshot holds no plaintext and,
 * once a byte of it is flipped, is refused: the group restored from it ends `restore-failed`, as
 * does a group whose nodes' memory (its parameter group's reserved-memory-percent) cannot hold the data.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { awsElastiCache, groupEvents } from '../helpers/cluster-mode.js';
import { useCleanup } from '../helpers/cleanup.js';
import { run, runOk } from '../helpers/e2e-exec.js';
import { describeGroup, primaryClient, waitAvailable } from '../helpers/groups.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { compareData, readNode, writeDataset, type KeyState } from '../helpers/snapshot-data.js';
import { waitFor } from '../../src/util/wait.js';

describe('aws CLI: export to a bucket and import with --snapshot-arns; encrypted snapshots refused once tampered with', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let exported: Map<string, KeyState>;
  let exportedAt: number;

  const aws = (...args: string[]) => awsElastiCache(svc, ...args);

  const client = (id: string): Promise<Redis> => primaryClient(cleanup, svc.client, id);

  async function snapshotSettled(name: string, want = 'available'): Promise<any> {
    return waitFor(async () => {
      const s = (await aws('describe-snapshots', '--snapshot-name', name)).Snapshots[0];
      if (s.SnapshotStatus === 'failed' && want !== 'failed') throw new Error(`snapshot ${name} failed`);
      return s.SnapshotStatus === want ? s : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, what: `snapshot ${name} ${want}` });
  }

  before(async () => {
    svc = await startService(cleanup);
    await aws('create-replication-group', '--replication-group-id', 'plain', '--replication-group-description', 'plain',
      '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '1');
    await waitAvailable(svc.client, 'plain', 60_000);
    await writeDataset(await client('plain'), 2000, 'p');
  });

  test('copy-snapshot --target-bucket writes <name>-0001.rdb, a plain RDB redis-check-rdb accepts', async () => {
    await aws('create-snapshot', '--replication-group-id', 'plain', '--snapshot-name', 'plain-snap');
    await snapshotSettled('plain-snap');
    exported = await readNode(await client('plain'));
    exportedAt = Date.now();
    const out = await aws('copy-snapshot', '--source-snapshot-name', 'plain-snap', '--target-snapshot-name', 'exported', '--target-bucket', 'my-bucket');
    assert.equal(out.Snapshot.SnapshotStatus, 'copying');
    await snapshotSettled('plain-snap');
    const file = join(svc.dataDir, 'buckets', 'my-bucket', 'exported-0001.rdb');
    assert.equal((await readFile(file)).subarray(0, 5).toString(), 'REDIS');
    const check = await run('redis-check-rdb', [file], { timeoutMs: 30_000 });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const again = await run('aws', ['elasticache', 'copy-snapshot', '--source-snapshot-name', 'plain-snap', '--target-snapshot-name', 'exported',
      '--target-bucket', 'my-bucket', '--endpoint-url', svc.url], { env: svc.env });
    assert.match(again.stderr, /InvalidParameterValue.*The S3 bucket my-bucket already contains an object with key exported-0001\.rdb\./);
  });

  test('create-replication-group --snapshot-arns: the exported data in a new group', async () => {
    await aws('create-replication-group', '--replication-group-id', 'seeded', '--replication-group-description', 'seeded from S3',
      '--cache-node-type', 'cache.t3.micro', '--snapshot-arns', 'arn:aws:s3:::my-bucket/exported-0001.rdb');
    await waitAvailable(svc.client, 'seeded', 120_000);
    assert.deepEqual(compareData(await readNode(await client('seeded')), exported, Date.now() - exportedAt + 1000), []);
  });

  test('a snapshot larger than the new nodes\' memory: restore-failed with an event, never available', async () => {
    // reserved-memory-percent 100 leaves the data no memory at all: any RDB is larger.
    await aws('create-cache-parameter-group', '--cache-parameter-group-name', 'no-room', '--cache-parameter-group-family', 'redis7',
      '--description', 'all memory reserved');
    await aws('modify-cache-parameter-group', '--cache-parameter-group-name', 'no-room',
      '--parameter-name-values', 'ParameterName=reserved-memory-percent,ParameterValue=100');
    await aws('create-replication-group', '--replication-group-id', 'no-room', '--replication-group-description', 'too small',
      '--cache-node-type', 'cache.t3.micro', '--cache-parameter-group-name', 'no-room', '--snapshot-name', 'plain-snap');
    await waitFor(async () => (await describeGroup(svc.client, 'no-room')).Status === 'restore-failed',
      { timeoutMs: 120_000, intervalMs: 250, what: 'the restore to fail' });
    const said = (await groupEvents(svc.client, 'no-room')).map((e) => e.message);
    assert.ok(said.some((m) => /^Restore from snapshot 'plain-snap' failed for replication group with ID 'no-room': .*the data needs at least [\d.]+ MiB \(the size of its RDB\), more than the 0\.0 MiB/.test(m)), said.join('\n'));
    // Refused before the primary took anything.
    const c = await client('no-room');
    assert.equal(await c.dbsize(), 0);
    c.disconnect();
    await aws('delete-replication-group', '--replication-group-id', 'no-room');
  });

  test('encrypted at rest under a key of the key store: no plaintext in the snapshot; a flipped byte is refused', async () => {
    const key = JSON.parse((await runOk(process.execPath, [CLI, 'kms', 'create-key', '--data-dir', svc.dataDir, '--alias', 'alias/backups', '--json'])).stdout);
    await aws('create-replication-group', '--replication-group-id', 'secret', '--replication-group-description', 'encrypted',
      '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '1', '--at-rest-encryption-enabled', '--kms-key-id', 'alias/backups');
    const g = await waitAvailable(svc.client, 'secret', 60_000);
    assert.deepEqual([g.AtRestEncryptionEnabled, g.KmsKeyId], [true, key.KeyMetadata.Arn]);
    await (await client('secret')).set('secret-key', 'a value nobody may read on disk');
    await aws('create-snapshot', '--replication-group-id', 'secret', '--snapshot-name', 'secret-snap');
    const snap = await snapshotSettled('secret-snap');
    assert.equal(snap.KmsKeyId, key.KeyMetadata.Arn);
    const dir = join(svc.dataDir, 'snapshots', 'secret-snap');
    const [uid] = await readdir(dir);
    const file = join(dir, uid!, '0001.rdb');
    const bytes = await readFile(file);
    assert.equal(bytes.includes(Buffer.from('a value nobody may read on disk')), false);
    bytes[bytes.length >> 1] ^= 0x01;
    await writeFile(file, bytes);
    await aws('create-replication-group', '--replication-group-id', 'from-tampered', '--replication-group-description', 'tampered',
      '--cache-node-type', 'cache.t3.micro', '--snapshot-name', 'secret-snap');
    await waitFor(async () => (await describeGroup(svc.client, 'from-tampered')).Status === 'restore-failed',
      { timeoutMs: 120_000, intervalMs: 250, what: 'the restore to fail' });
    const said = (await groupEvents(svc.client, 'from-tampered')).map((e) => e.message);
    assert.ok(said.some((m) => m.startsWith("Restore from snapshot 'secret-snap' failed for replication group with ID 'from-tampered': ")), said.join('\n'));
    assert.equal((await describeGroup(svc.client, 'from-tampered')).Status, 'restore-failed', 'never available');
    await aws('delete-replication-group', '--replication-group-id', 'from-tampered');
  });
});
