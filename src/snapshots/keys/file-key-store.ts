/**
 * The key store of encryption at rest: one file per key in the data directory's `keys/`
 * (`<id>.json`, 0600, in a 0700 folder), written atomically (a temporary file renamed into place),
 * so the service and `cachefleet kms create-key` can add keys side by side without losing one.
 *
 * Keys are named as KMS names them: a UUID id, an ARN `arn:aws:kms:<region>:<account>:key/<id>`
 * (the installation's region and account) and aliases `alias/<name>`. The default key, made on
 * first use, has the alias AWS gives ElastiCache's default key, `alias/aws/elasticache`; users'
 * aliases may not start with `alias/aws/`, as in KMS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DIR_MODE, FILE_MODE } from '../../paths/index.js';
import type { KeyRef, KeyStore } from '../types.js';
import { aliasProblem, DEFAULT_ALIAS, kmsArn, parseKmsKeyId } from './kms-names.js';

/** Where the installation is: the region and account of key ARNs. */
export interface KeyOwner {
  region: string;
  accountId: string;
}

/** A key as `kms list-keys` shows it (never its material). */
export interface KeyEntry extends KeyRef {
  aliases: string[];
  description?: string;
  createdAt: string;
}

/** One key file. */
interface KeyFile {
  id: string;
  /** base64 of 32 random bytes. */
  material: string;
  aliases: string[];
  description?: string;
  createdAt: string;
}

const KEY_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

export class FileKeyStore implements KeyStore {
  private keys = new Map<string, KeyFile>();
  private loaded = false;
  private creatingDefault: Promise<KeyRef> | undefined;

  /** `dir` is the data directory's `keys/` (created with the first key). */
  constructor(private readonly dir: string, private readonly owner: KeyOwner) {}

  async defaultKey(): Promise<KeyRef> {
    const found = await this.resolve(DEFAULT_ALIAS);
    if (found) return found;
    // One default key even when several callers ask at once.
    this.creatingDefault ??= this.write(newKey([DEFAULT_ALIAS], 'Default key for ElastiCache snapshots'))
      .finally(() => { this.creatingDefault = undefined; });
    return this.creatingDefault;
  }

  async resolve(kmsKeyId: string): Promise<KeyRef | undefined> {
    const want = parseKmsKeyId(kmsKeyId);
    if (!want) return undefined;
    if (want.arn && (want.arn.region !== this.owner.region || want.arn.accountId !== this.owner.accountId)) return undefined;
    const find = () => [...this.keys.values()].find((k) => (want.id ? k.id === want.id : k.aliases.includes(want.alias!)));
    if (!this.loaded) await this.load();
    let key = find();
    if (!key) {
      await this.load(); // made meanwhile by another process (cachefleet kms create-key)
      key = find();
    }
    return key ? this.refOf(key) : undefined;
  }

  async material(id: string): Promise<Buffer> {
    if (!this.keys.has(id)) await this.load();
    const key = this.keys.get(id);
    if (!key) throw new Error(`no key ${id} in the key store`);
    return Buffer.from(key.material, 'base64');
  }

  /** A new key, with an alias when given (`alias/name`). Throws a readable error on a bad or taken alias. */
  async createKey(opts: { alias?: string; description?: string } = {}): Promise<KeyEntry> {
    if (opts.alias !== undefined) {
      const problem = aliasProblem(opts.alias);
      if (problem) throw new Error(problem);
      if (await this.resolve(opts.alias)) throw new Error(`alias ${opts.alias} already names a key`);
    }
    const ref = await this.write(newKey(opts.alias ? [opts.alias] : [], opts.description));
    return this.entryOf(this.keys.get(ref.id)!);
  }

  /** Every key, oldest first. */
  async listKeys(): Promise<KeyEntry[]> {
    await this.load();
    return [...this.keys.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((k) => this.entryOf(k));
  }

  private refOf(key: KeyFile): KeyRef {
    return { id: key.id, arn: kmsArn(this.owner, `key/${key.id}`) };
  }

  private entryOf(key: KeyFile): KeyEntry {
    return { ...this.refOf(key), aliases: [...key.aliases], createdAt: key.createdAt, ...(key.description ? { description: key.description } : {}) };
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      names = [];
    }
    const keys = new Map<string, KeyFile>();
    for (const name of names) {
      const id = KEY_FILE.exec(name)?.[1];
      if (!id) continue; // a write in progress, or not a key
      const doc = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as KeyFile;
      if (doc.id !== id || Buffer.from(doc.material, 'base64').length !== 32) throw new Error(`key file ${join(this.dir, name)} is damaged`);
      keys.set(id, doc);
    }
    this.keys = keys;
    this.loaded = true;
  }

  /** Writes a key file atomically: a temporary file, flushed, renamed into place. */
  private async write(key: KeyFile): Promise<KeyRef> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const path = join(this.dir, `${key.id}.json`);
    const temp = join(this.dir, `.${key.id}.json.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(temp, 'wx', FILE_MODE);
      try {
        await handle.writeFile(JSON.stringify(key, null, 2) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    this.keys.set(key.id, key);
    return this.refOf(key);
  }
}

function newKey(aliases: string[], description?: string): KeyFile {
  return {
    id: randomUUID(),
    material: randomBytes(32).toString('base64'),
    aliases,
    ...(description ? { description } : {}),
    createdAt: new Date().toISOString(),
  };
}
