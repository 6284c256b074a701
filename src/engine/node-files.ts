/**
 * Reading and writing the small state files in a node directory. Readers return undefined for
 * missing or garbled files: a half-written file after a crash must not wedge the provider.
 */
import { chmod, chown, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { FILE_MODE } from '../paths/index.js';

/** What the provider records right after spawning (the pidfile appears only once Redis is up). */
export interface NodeMeta {
  pid: number;
  conf: string;
  binary: string;
  address: string;
  port: number;
  startedAt: string;
  /** Size of the log file at spawn time: this process's own output starts here. */
  logOffset: number;
}

export interface ExitRecord {
  pid: number;
  code: number | null;
  signal: string | null;
  at: string;
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export async function readPidFile(path: string): Promise<number | undefined> {
  const n = Number((await readText(path))?.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Write-then-rename, so a reader (or Redis at startup) never sees a truncated file. Mode 0600
 * (src/paths); `owner`: the user the file is for (a node's redis.conf is read by the node user).
 */
export async function writeFileAtomic(path: string, data: string, owner?: { uid: number; gid: number }): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: FILE_MODE });
  await chmod(tmp, FILE_MODE); // writeFile's mode applies only to a new file
  if (owner) await chown(tmp, owner.uid, owner.gid);
  await rename(tmp, path);
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** The last `maxLines` lines written to `path` at or after byte `fromOffset` (at most 8 KiB read). */
export async function logTail(path: string, fromOffset = 0, maxLines = 20): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(fromOffset > size ? 0 : fromOffset, size - 8192);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-maxLines).join('\n');
  } finally {
    await fh.close();
  }
}
