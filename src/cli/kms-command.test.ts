import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dataPaths } from '../paths/index.js';
import { ensureInstallation } from '../service/installation.js';
import { SqliteStore } from '../store/index.js';
import { keyStoreOf } from './kms-command.js';

/** bin/cachefleet.js, from dist/src/cli/ (where this test runs compiled). */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'cachefleet.js');
const dir = mkdtempSync(join(tmpdir(), 'cachefleet-kms-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cachefleet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cachefleet kms', () => {
  const dataDir = join(dir, 'data');

  it('needs an installation (the service started once on the data directory)', async () => {
    const r = await cachefleet('kms', 'list-keys', '--data-dir', dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no cachefleet installation in .*start the service on it once/);
  });

  it('creates keys and lists them, named with the installation\'s region and account', async () => {
    const paths = dataPaths(dataDir);
    mkdirSync(dataDir, { mode: 0o700 });
    const state = new SqliteStore(paths.state);
    const installation = await ensureInstallation(state, 'eu-central-1', new Date());
    await state.close();

    const made = await cachefleet('kms', 'create-key', '--data-dir', dataDir, '--alias', 'alias/orders', '--description', 'orders', '--json');
    assert.equal(made.code, 0, made.stderr);
    const meta = (JSON.parse(made.stdout) as { KeyMetadata: { KeyId: string; Arn: string; Aliases: string[] } }).KeyMetadata;
    assert.equal(meta.Arn, `arn:aws:kms:eu-central-1:${installation.accountId}:key/${meta.KeyId}`);
    assert.deepEqual(meta.Aliases, ['alias/orders']);
    assert.equal(statSync(join(paths.keys, `${meta.KeyId}.json`)).mode & 0o777, 0o600);

    const plain = await cachefleet('kms', 'create-key', '--data-dir', dataDir);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^KeyId\s+[0-9a-f-]{36}\nArn\s+arn:aws:kms:eu-central-1:\d{12}:key\/[0-9a-f-]{36}\n$/);

    const taken = await cachefleet('kms', 'create-key', '--data-dir', dataDir, '--alias', 'alias/orders');
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /alias alias\/orders already names a key/);

    const list = await cachefleet('kms', 'list-keys', '--data-dir', dataDir);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0]!, /^KEY ID\s+ALIASES\s+CREATED\s+ARN$/);
    assert.equal(lines.length, 3);
    assert.ok(lines[1]!.startsWith(meta.KeyId) && lines[1]!.includes('alias/orders'), lines[1]);

    // The service's key store (the same folder) sees them.
    const keys = await keyStoreOf(dataDir);
    assert.equal((await keys.resolve('alias/orders'))?.id, meta.KeyId);
  });
});
