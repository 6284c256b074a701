/**
 * Redis Functions (Redis 7) between nodes. Every primary of a Redis Cluster holds its own copy of
 * the libraries (FCALL runs on the node that owns the key), and nothing carries them from node to
 * node: neither MIGRATE nor DUMP/RESTORE of keys, nor the cluster bus. Like `redis-cli --cluster
 * add-node`, a node that joins is given them with Redis's own `FUNCTION DUMP` and
 * `FUNCTION RESTORE … REPLACE` (or `… FLUSH`, to hold exactly another node's libraries).
 */
import type { Redis } from 'ioredis';

/** What these helpers need of a node's connection (a fake in unit tests). */
export type FunctionsClient = Pick<Redis, 'call' | 'callBuffer'>;

const unknownCommand = (e: unknown) => /unknown command/i.test((e as Error).message);

/** The node's libraries, name → code; undefined when the node has no Functions (older than Redis 7). */
export async function libraryCodes(client: FunctionsClient): Promise<Map<string, string> | undefined> {
  let reply: unknown;
  try {
    reply = await client.call('FUNCTION', 'LIST', 'WITHCODE');
  } catch (e) {
    if (unknownCommand(e)) return undefined;
    throw e;
  }
  const out = new Map<string, string>();
  // RESP2: one flat array of field, value, … a library (library_name, engine, functions, library_code).
  for (const lib of Array.isArray(reply) ? reply : []) {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < (lib as unknown[]).length; i += 2) fields.set(String((lib as unknown[])[i]), (lib as unknown[])[i + 1]);
    out.set(String(fields.get('library_name')), String(fields.get('library_code') ?? ''));
  }
  return out;
}

/** The loader's libraries as one FUNCTION DUMP payload; undefined when it has none (or is older than Redis 7). */
export async function dumpFunctions(loader: FunctionsClient): Promise<Buffer | undefined> {
  let libraries: unknown[];
  try {
    libraries = await loader.call('FUNCTION', 'LIST') as unknown[];
  } catch (e) {
    if (unknownCommand(e)) return undefined; // Redis 6: no Functions
    throw e;
  }
  if (libraries.length === 0) return undefined;
  return await loader.callBuffer('FUNCTION', 'DUMP') as Buffer;
}

/** How a target's libraries compare with the wanted ones: missing or held in another version, and held but not wanted. */
export interface LibraryDiff {
  missing: string[];
  extra: string[];
}

export function libraryDiff(wanted: ReadonlyMap<string, string>, held: ReadonlyMap<string, string>): LibraryDiff {
  return {
    missing: [...wanted].filter(([name, code]) => held.get(name) !== code).map(([name]) => name).sort(),
    extra: [...held.keys()].filter((name) => !wanted.has(name)).sort(),
  };
}

/**
 * How a target is brought to the source: 'add' gives it what it lacks or holds in another
 * version (FUNCTION RESTORE … REPLACE: its other libraries stay); 'exact' makes its libraries
 * the source's, no more (FUNCTION RESTORE … FLUSH, one atomic command, or FUNCTION FLUSH when the
 * source has none).
 */
export type FunctionSyncMode = 'add' | 'exact';

/**
 * Applies `diff` (libraryDiff of the source's libraries and the target's) to the target with the
 * source's FUNCTION DUMP; returns whether anything was sent. Nothing is sent when the target is
 * already as `mode` wants, so repeating it is cheap and harmless.
 */
export async function applyFunctions(source: FunctionsClient, target: FunctionsClient, mode: FunctionSyncMode, diff: LibraryDiff): Promise<boolean> {
  const extra = mode === 'exact' && diff.extra.length > 0;
  if (diff.missing.length === 0 && !extra) return false;
  const payload = await dumpFunctions(source);
  if (payload !== undefined) await target.call('FUNCTION', 'RESTORE', payload, mode === 'exact' ? 'FLUSH' : 'REPLACE');
  else if (mode === 'exact') await target.call('FUNCTION', 'FLUSH', 'SYNC'); // the source has none (now)
  else return false;
  return true;
}
