// The access keys the API accepts, kept in the data directory's credentials.json (mode 0600).
// The service creates an admin key pair there on its first start; `cachefleet credentials` prints it.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export interface AccessKey {
  /** `AKIA` + 16 characters of the base32 alphabet (A-Z, 2-7), like AWS's long-term keys. */
  accessKeyId: string;
  /** 40 characters of base64. */
  secretAccessKey: string;
  /** What the key is for, e.g. `admin`. */
  name: string;
  createdAt: string;
}

export interface CredentialsFile {
  version: 1;
  keys: AccessKey[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const ACCESS_KEY_ID = /^AKIA[A-Z2-7]{16}$/;

/** A new random key pair (node's CSPRNG). */
export function generateAccessKey(name: string, now: Date = new Date()): AccessKey {
  const idBytes = randomBytes(16);
  let id = 'AKIA';
  for (const b of idBytes) id += BASE32[b & 31]; // 256 is a multiple of 32: uniform
  return { accessKeyId: id, secretAccessKey: randomBytes(30).toString('base64'), name, createdAt: now.toISOString() };
}

/** The credentials in `path`, or undefined when there is no such file; throws on a malformed one. */
export function loadCredentials(path: string): CredentialsFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${path} lists no access keys`);
  for (const k of keys as Partial<AccessKey>[]) {
    if (typeof k?.accessKeyId !== 'string' || k.accessKeyId === '' || typeof k.secretAccessKey !== 'string' || k.secretAccessKey === '') {
      throw new Error(`${path}: every key needs a non-empty accessKeyId and secretAccessKey`);
    }
  }
  return { version: 1, keys: keys as AccessKey[] };
}

/**
 * The credentials in `path`, created with one `admin` key pair when the file does not exist yet.
 * The file is written whole under a temporary name (mode 0600 from the start), then linked into
 * place only if nothing is there yet: a file another process created meanwhile wins.
 */
export function ensureCredentials(path: string, now: Date = new Date()): { credentials: CredentialsFile; created: boolean } {
  const existing = loadCredentials(path);
  if (existing) return { credentials: existing, created: false };
  const credentials: CredentialsFile = { version: 1, keys: [generateAccessKey('admin', now)] };
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(credentials, null, 2)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    chmodSync(tmp, 0o600); // whatever the umask
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { credentials: loadCredentials(path)!, created: false };
  } finally {
    rmSync(tmp, { force: true });
  }
  return { credentials, created: true };
}

/** The admin key pair: the first key of the file. */
export function adminKey(credentials: CredentialsFile): AccessKey {
  return credentials.keys[0]!;
}

/** Access key id → secret, for the signature check. */
export function secretLookup(credentials: CredentialsFile): (accessKeyId: string) => string | undefined {
  const secrets = new Map(credentials.keys.map((k) => [k.accessKeyId, k.secretAccessKey]));
  return (id) => secrets.get(id);
}
