/**
 * Helpers for point-in-time restore tests and benchmarks on real nodes: a primary and a replica
 * (behind a password) started by the engine's local provider, an archiver following the replica
 * into a folder store with gzip as its framing, and readers of a node's whole data set.
 */
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { Redis } from 'ioredis';
import { replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { ShardArchiver, type ArchiverOptions } from '../../src/snapshots/pitr/index.js';
import type { NodeTarget } from '../../src/snapshots/types.js';
import { waitFor } from '../../src/util/wait.js';
import type { Cleanup } from './cleanup.js';
import { FolderObjectStore } from './folder-object-store.js';
import { testNodeSpec } from './redis.js';

export const PASSWORD = 'pitr-test-password';
/** The archive's framing in tests: gzip, so a test can tell framed objects from plain AOF. */
export const encode = (r: Readable): Readable => r.pipe(createGzip());
export const decode = (r: Readable): Readable => r.pipe(createGunzip());

export interface Shard {
  provider: LocalProcessProvider;
  primary: NodeSpec;
  replica: NodeSpec;
  target(spec: NodeSpec): NodeTarget;
  client(spec: NodeSpec): Redis;
}

/** A primary and its replica, password-protected; everything is removed by `cleanup`. */
export async function startShard(cleanup: Cleanup, config: Record<string, string> = {}): Promise<Shard> {
  const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-pitr-nodes-') });
  const nodeConfig = { requirepass: PASSWORD, masterauth: PASSWORD, ...config };
  const [primary, replica] = await Promise.all([testNodeSpec({ config: nodeConfig }), testNodeSpec({ config: nodeConfig })]);
  for (const s of [primary, replica]) {
    const st = await provider.ensureRunning(s);
    cleanup.trackPid(st.pid, provider.paths(s.key).conf);
  }
  const clients: Redis[] = [];
  cleanup.defer(() => clients.forEach((c) => c.disconnect()));
  const client = (spec: NodeSpec) => {
    const c = new Redis({ host: spec.address, port: spec.port, password: PASSWORD, maxRetriesPerRequest: 1, lazyConnect: false });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const admin = client(replica);
  await waitFor(async () => (await admin.ping()) === 'PONG', { what: 'the replica to answer' });
  await replicaOf(admin, primary);
  await waitFor(async () => /master_link_status:up/.test(await admin.info('replication')), { what: 'the replica link up' });
  return {
    provider, primary, replica, client,
    target: (spec) => ({ address: spec.address, port: spec.port, auth: { password: PASSWORD } }),
  };
}

/** An archiver on `prefix` with short timings, stopped by `cleanup`. */
export function startArchiver(cleanup: Cleanup, opts: Omit<ArchiverOptions, 'encode'> & Partial<Pick<ArchiverOptions, 'encode'>>): ShardArchiver {
  const a = new ShardArchiver({ encode, flushIntervalMs: 300, idleFlushIntervalMs: 1000, timeoutMs: 15_000, retryMs: 100, ...opts });
  a.start();
  cleanup.defer(() => a.stop());
  return a;
}

/** The primary's replication offset now. */
export async function replOffset(c: Redis): Promise<number> {
  return Number(/master_repl_offset:(\d+)/.exec(await c.info('replication'))![1]);
}

/** Waits until the archiver has archived the stream up to `offset` (flushing the open segment). */
export async function archivedTo(a: ShardArchiver, offset: number, timeoutMs = 10_000): Promise<void> {
  const status = () => JSON.stringify(a.status());
  await waitFor(() => (a.status().recordedOffset ?? -1) >= offset, { timeoutMs, what: `the recording to reach offset ${offset}` })
    .catch((e: Error) => { throw new Error(`${e.message} (archiver: ${status()})`); });
  await a.flush();
  await waitFor(() => (a.status().archivedOffset ?? -1) >= offset, { timeoutMs, what: `the archive to reach offset ${offset}` })
    .catch((e: Error) => { throw new Error(`${e.message} (archiver: ${status()})`); });
}

/**
 * Waits until the archive holds everything the primary has written and covers every second
 * before now (the next second begins, then the open segment is archived).
 */
export async function archivedPast(a: ShardArchiver, primary: Redis): Promise<void> {
  const offset = await replOffset(primary);
  await nextSecond();
  await archivedTo(a, offset);
  await a.flush();
}

/** Waits for the wall clock's next whole second (so writes before and after fall in different seconds). */
export async function nextSecond(): Promise<number> {
  const next = (Math.floor(Date.now() / 1000) + 1) * 1000;
  await waitFor(() => Date.now() >= next, { timeoutMs: 2000, intervalMs: 5, what: 'the next second' });
  return next;
}

/** Every key of db 0 with its DUMP payload (type and value) and whether it has a TTL. */
export async function dataSet(c: Redis): Promise<Map<string, { dump: string; ttl: boolean }>> {
  const out = new Map<string, { dump: string; ttl: boolean }>();
  let cursor = '0';
  do {
    const [next, keys] = await c.scanBuffer(cursor, 'COUNT', 1000);
    cursor = String(next);
    for (const k of keys) {
      const dump = await c.dumpBuffer(k);
      const ttl = await c.pttl(k);
      out.set(k.toString('latin1'), { dump: dump ? dump.toString('hex') : '', ttl: ttl > 0 });
    }
  } while (cursor !== '0');
  return out;
}

/** A client to a restore's loader. */
export function loaderClient(cleanup: Cleanup, node: NodeTarget): Redis {
  const c = new Redis({ host: node.address, port: node.port, password: node.auth?.password, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  cleanup.defer(() => c.disconnect());
  return c;
}

export { FolderObjectStore };
