import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileKeyStore } from './file-key-store.js';
import { aliasProblem, parseKmsKeyId } from './kms-names.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const owner = { region: 'eu-west-1', accountId: '123456789012' };

describe('FileKeyStore', () => {
  const keysDir = join(dir, 'keys');
  const store = new FileKeyStore(keysDir, owner);

  it('makes one default key on first use, aliased as AWS aliases ElastiCache\'s', async () => {
    assert.equal(await store.resolve('alias/aws/elasticache'), undefined, 'none before first use');
    const [a, b] = await Promise.all([store.defaultKey(), store.defaultKey()]);
    assert.deepEqual(a, b, 'callers at once get the same key');
    assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a.arn, `arn:aws:kms:eu-west-1:123456789012:key/${a.id}`);
    assert.deepEqual(await store.defaultKey(), a, 'kept');
    assert.deepEqual(await new FileKeyStore(keysDir, owner).defaultKey(), a, 'found again by a new store on the same folder');
    assert.equal((await store.material(a.id)).length, 32);
  });

  it('resolves a key by id, key ARN, alias and alias ARN', async () => {
    const made = await store.createKey({ alias: 'alias/orders', description: 'orders cache' });
    assert.deepEqual(made.aliases, ['alias/orders']);
    const ref = { id: made.id, arn: made.arn };
    for (const name of [made.id, made.id.toUpperCase(), made.arn, 'alias/orders', 'arn:aws:kms:eu-west-1:123456789012:alias/orders']) {
      assert.deepEqual(await store.resolve(name), ref, name);
    }
  });

  it('answers undefined for what names no key', async () => {
    const made = await store.createKey();
    for (const name of [
      '00000000-0000-4000-8000-000000000000', 'alias/nope', 'not a key', '',
      `arn:aws:kms:us-east-1:123456789012:key/${made.id}`, // another region
      `arn:aws:kms:eu-west-1:999999999999:key/${made.id}`, // another account
      `arn:aws:elasticache:eu-west-1:123456789012:key/${made.id}`,
    ]) {
      assert.equal(await store.resolve(name), undefined, name);
    }
    await assert.rejects(store.material('00000000-0000-4000-8000-000000000000'), /no key/);
  });

  it('refuses bad, reserved and taken aliases', async () => {
    await assert.rejects(store.createKey({ alias: 'orders' }), /must begin with alias\//);
    await assert.rejects(store.createKey({ alias: 'alias/aws/mine' }), /reserved/);
    await assert.rejects(store.createKey({ alias: 'alias/has space' }), /may only contain/);
    await assert.rejects(store.createKey({ alias: 'alias/orders' }), /already names a key/);
  });

  it('sees keys another process added (cachefleet kms create-key beside the service)', async () => {
    const cli = new FileKeyStore(keysDir, owner);
    const added = await cli.createKey({ alias: 'alias/from-cli' });
    assert.equal((await store.resolve('alias/from-cli'))?.id, added.id);
    assert.deepEqual(await store.material(added.id), await cli.material(added.id));
  });

  it('lists keys oldest first, without their material', async () => {
    const list = await store.listKeys();
    assert.deepEqual(list.map((k) => k.aliases[0] ?? '-'), ['alias/aws/elasticache', 'alias/orders', '-', 'alias/from-cli']);
    assert.ok(list.every((k) => !('material' in k)));
    assert.equal(list[1]!.description, 'orders cache');
  });

  it('keeps one 0600 file per key in a 0700 folder, and no temporary files', () => {
    assert.equal(statSync(keysDir).mode & 0o777, 0o700);
    const names = readdirSync(keysDir);
    assert.equal(names.length, 4);
    for (const name of names) {
      assert.match(name, /^[0-9a-f-]{36}\.json$/);
      assert.equal(statSync(join(keysDir, name)).mode & 0o777, 0o600);
      const doc = JSON.parse(readFileSync(join(keysDir, name), 'utf8')) as { material: string };
      assert.equal(Buffer.from(doc.material, 'base64').length, 32);
    }
  });
});

describe('KMS key names', () => {
  it('parses the four forms', () => {
    const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
    assert.deepEqual(parseKmsKeyId(id), { id });
    assert.deepEqual(parseKmsKeyId(`arn:aws:kms:us-east-2:111122223333:key/${id}`), { id, arn: { region: 'us-east-2', accountId: '111122223333' } });
    assert.deepEqual(parseKmsKeyId('alias/ExampleAlias'), { alias: 'alias/ExampleAlias' });
    assert.deepEqual(parseKmsKeyId('arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias'),
      { alias: 'alias/ExampleAlias', arn: { region: 'us-east-2', accountId: '111122223333' } });
    for (const bad of ['', 'key/' + id, 'alias/', 'arn:aws:kms:us-east-2:111122223333:key/not-a-uuid', 'arn:aws:kms:us-east-2:1111:alias/x']) {
      assert.equal(parseKmsKeyId(bad), undefined, bad);
    }
  });

  it('checks aliases as KMS does', () => {
    assert.equal(aliasProblem('alias/my-key_1/x'), undefined);
    assert.match(aliasProblem(`alias/${'x'.repeat(251)}`)!, /at most 256/);
  });
});
