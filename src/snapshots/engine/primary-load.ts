/**
 * The fast way into a cluster-mode-disabled target: its primary loads the RDB itself, as a
 * replica does, from the service's fake master (`REPLICAOF <fake master>`, one diskless full
 * sync, `REPLICAOF NO ONE`). No key goes through a command: the RDB is parsed once, by the node
 * that keeps the data, at the speed Redis loads RDB files. The node's own replicas follow through
 * ordinary replication (they resync from it once it has loaded).
 *
 * Only for one source into one cluster-mode-disabled shard: a full sync replaces the whole data
 * set (a second source would erase the first), and cluster-enabled nodes refuse REPLICAOF. The
 * target's data is replaced. While it runs the node is a replica: the caller keeps anything else
 * (the reconciler setting roles) from acting on it meanwhile.
 */
import type { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import { connectNode } from '../../engine/connect.js';
import { parseInfo } from '../../engine/info.js';
import { delay } from '../../util/wait.js';
import { CorruptSnapshotError, type NodeTarget } from '../types.js';
import { ReplicaDroppedError, serveRdb, type ServeRdbOptions } from './fake-master.js';
import { LOADER_ADDRESS } from './loader.js';

export interface PrimaryLoadOptions {
  /** Where the fake master listens (the target connects to it): the management address, else loopback. */
  localAddress?: string;
  /** The fake master's certificate, for a target replicating over TLS (issued by the CA the target trusts). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Longest the transfer may stall. */
  idleTimeoutMs: number;
  /** The most bytes the RDB may have (see ServeRdbOptions.limit): past it the target never takes it. */
  limit?: ServeRdbOptions['limit'];
  signal?: AbortSignal;
}

/** Makes `target` load `open()`'s RDB (see the module comment); returns the RDB's size. */
export async function loadIntoPrimary(target: NodeTarget, open: () => Promise<Readable>, o: PrimaryLoadOptions): Promise<{ bytes: number }> {
  const where = `${target.address}:${target.port}`;
  if (target.tls && !o.tls) throw new Error(`target ${where} replicates over TLS: the restore needs a certificate for its side (RestoreOptions.tls)`);
  const master = await serveRdb(o.localAddress ?? LOADER_ADDRESS, open, {
    ...(target.tls && o.tls ? { tls: o.tls } : {}),
    ...(o.limit ? { limit: o.limit } : {}),
  });
  const client = connectNode(target.address, target.port, {
    ...(target.auth ? { auth: target.auth } : {}),
    ...(target.tls ? { tls: target.tls } : {}),
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    commandTimeoutMs: 10_000,
    connectTimeoutMs: 5000,
  });
  let failure: Error | undefined;
  master.failed.catch((e: Error) => { failure = e; });
  let replicating = false;
  try {
    await client.connect();
    await client.call('REPLICAOF', master.address, String(master.port));
    replicating = true;
    for (;;) {
      o.signal?.throwIfAborted();
      if (failure instanceof ReplicaDroppedError) throw new CorruptSnapshotError(`target ${where} could not load the RDB: ${failure.message}`);
      if (failure) throw failure;
      if (Date.now() - master.lastActivity() > o.idleTimeoutMs) throw new Error(`loading target ${where} made no progress for ${o.idleTimeoutMs} ms`);
      if (await linkUp(client, master)) break;
      await delay(20);
    }
    const { bytes } = await master.sent;
    return { bytes };
  } finally {
    await master.close();
    if (replicating) await client.call('REPLICAOF', 'NO', 'ONE').catch(() => undefined);
    client.disconnect();
  }
}

async function linkUp(client: Redis, master: { address: string; port: number }): Promise<boolean> {
  const info = parseInfo(String(await client.info('replication').catch(() => '')));
  return info['master_link_status'] === 'up' && info['master_port'] === String(master.port);
}
