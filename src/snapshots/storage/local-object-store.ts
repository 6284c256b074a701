/**
 * An {@link ObjectStore} in a folder: the data directory's `snapshots/` (the service's own
 * snapshot files) or `buckets/<name>/` (a folder bucket). An object is a file, a key's `/`
 * segments are folders.
 *
 * All-or-nothing writes: a body is written to a temporary file beside its object (`.<name>.tmp-…`,
 * never listed: no key has a segment starting with a dot), flushed to disk, and renamed into place
 * only once complete, so a failed or interrupted write is never listed or readable. Files are
 * 0600 and folders 0700, whatever the process's umask.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DIR_MODE, FILE_MODE } from '../../paths/index.js';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from '../types.js';
import { checkObjectKey, InvalidObjectKeyError, listPrefixProblem } from './names.js';

const TEMP_MARK = '.tmp-';

export class LocalObjectStore implements ObjectStore {
  readonly where: string;

  /** `root` is the folder (created on the first write); `where` names it in messages. */
  constructor(private readonly root: string, where?: string) {
    this.where = where ?? root;
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    const temp = join(dir, `.${basename(path)}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
    try {
      const handle = await this.createTemp(dir, temp);
      // flush: fsync before close, so the rename below never publishes a file the disk lacks.
      await pipeline(body, handle.createWriteStream({ flush: true }));
      const { size } = await stat(temp);
      await rename(temp, path);
      await syncFolder(dir);
      return { key, bytes: size };
    } catch (err) {
      body.destroy();
      await rm(temp, { force: true }).catch(() => {}); // never made (its folder could not be)
      const code = (err as NodeJS.ErrnoException).code;
      // EEXIST: mkdir met a file where a folder goes; ENOTDIR: a path crosses a file; EISDIR: the key is a folder.
      if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
        throw new InvalidObjectKeyError(`object key ${JSON.stringify(key)} clashes with another object in ${this.where} ` +
          '(a key cannot be both an object and the folder of other keys)');
      }
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      const handle = await open(path, 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new ObjectNotFoundError(key, this.where);
      }
      return handle.createReadStream();
    } catch (err) {
      if (notFound(err)) throw new ObjectNotFoundError(key, this.where);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const st = await stat(this.pathOf(key));
      return st.isFile() ? { key, bytes: st.size } : undefined;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    if (!(await this.head(key))) return;
    await rm(path, { force: true });
    // Folders left empty go too, up to the root (a concurrent put re-creates its folder: makeFolders).
    for (let dir = dirname(path); dir !== this.root && dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty, or already gone
      }
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const problem = listPrefixProblem(prefix);
    if (problem) throw new InvalidObjectKeyError(problem);
    // Start at the deepest folder the prefix fully names: `a/b/c` lists under `a/b/`.
    const slash = prefix.lastIndexOf('/');
    const start = slash < 0 ? this.root : join(this.root, prefix.slice(0, slash));
    const out: ObjectInfo[] = [];
    await this.walk(start, prefix, out);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(dir: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (notFound(err)) return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // a write in progress (or not ours)
      const path = join(dir, e.name);
      const key = relative(this.root, path).split(sep).join('/');
      if (e.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) await this.walk(path, prefix, out);
      } else if (e.isFile() && key.startsWith(prefix)) {
        const st = await stat(path).catch(() => undefined); // deleted meanwhile: not listed
        if (st) out.push({ key, bytes: st.size });
      }
    }
  }

  /**
   * The temporary file, in the key's folder (made 0700 with its parents). A delete removes the
   * folders it leaves empty: one removed between the mkdir and the open is made again.
   */
  private async createTemp(dir: string, temp: string): Promise<FileHandle> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      try {
        return await open(temp, 'wx', FILE_MODE);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw err;
      }
    }
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkObjectKey(key).split('/'));
  }
}

function notFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** fsync a folder, so a rename in it survives a power loss. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
