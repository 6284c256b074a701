/**
 * Redis Functions (Redis 7) between nodes. Every primary of a Redis Cluster holds its own copy of
 * the libraries (FCALL runs on the node that owns the key), and nothing carries them from node to
 * node: neither MIGRATE nor DUMP/RESTORE of keys, nor the cluster bus. Like `redis-cli --cluster
 * add-node`, a node that joins is given them with Redis's own `FUNCTION DUMP` and
 * `FUNCTION RESTORE … REPLACE`.
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

/**
 * Gives `target` every library of `source` it lacks or holds in another version (REPLACE: a
 * library of the same name is overwritten, the target's others stay). Nothing is sent when the
 * target already has them all, so repeating it is cheap and harmless. Returns the libraries that
 * were missing or differed (empty: nothing to do).
 */
export async function copyFunctions(source: FunctionsClient, target: FunctionsClient): Promise<string[]> {
  const wanted = await libraryCodes(source);
  if (!wanted || wanted.size === 0) return [];
  const held = (await libraryCodes(target)) ?? new Map<string, string>();
  const missing = [...wanted].filter(([name, code]) => held.get(name) !== code).map(([name]) => name).sort();
  if (missing.length === 0) return [];
  const payload = await source.callBuffer('FUNCTION', 'DUMP') as Buffer;
  await target.call('FUNCTION', 'RESTORE', payload, 'REPLACE');
  return missing;
}
