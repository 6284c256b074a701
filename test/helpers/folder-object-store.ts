/**
 * A minimal {@link ObjectStore} in a temp folder for tests of code that takes one (the
 * point-in-time archive): all-or-nothing puts (a temporary file renamed into place), listing in
 * key order. The service's own store is src/snapshots/storage (the data directory or S3).
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from '../../src/snapshots/types.js';

export class FolderObjectStore implements ObjectStore {
  readonly where: string;
  /** Keys put so far (tests count uploads). */
  puts = 0;

  constructor(private readonly root: string) {
    this.where = `folder ${root}`;
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await pipeline(body, createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    this.puts++;
    return { key, bytes: (await stat(path)).size };
  }

  async get(key: string): Promise<Readable> {
    const path = join(this.root, key);
    if (!(await this.head(key))) throw new ObjectNotFoundError(key, this.where);
    return createReadStream(path);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const s = await stat(join(this.root, key)).catch(() => undefined);
    return s?.isFile() ? { key, bytes: s.size } : undefined;
  }

  async delete(key: string): Promise<void> {
    await rm(join(this.root, key), { force: true });
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (!e.name.includes('.tmp-')) {
          const key = relative(this.root, p).split(sep).join('/');
          if (key.startsWith(prefix)) out.push({ key, bytes: (await stat(p)).size });
        }
      }
    };
    await walk(this.root);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
