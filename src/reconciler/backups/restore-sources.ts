import { Readable } from 'node:stream';
import { redisDirectives } from '../../catalog/parameters.js';
import { requireNodeType } from '../../catalog/node-types.js';
import { parseSlots } from '../../engine/cluster-nodes.js';
import { RDB_MAGIC } from '../../snapshots/io.js';
import { HEADER_BYTES, MAGIC, parseHeader } from '../../snapshots/storage/frame-header.js';
import type { TargetShard } from '../../snapshots/types.js';
import { parseS3Arn } from '../../resources/restore.js';
import { archivePrefix } from '../../resources/point-in-time.js';
import { PointInTimeNotCoveredError } from '../../snapshots/pitr/index.js';
import type { Replay } from '../pitr/deps.js';
import { getSnapshot, type CacheClusterRecord, type PointInTimeRestoreRequest, type ReplicationGroupRecord, type RestoreRequest } from '../../store/index.js';
import type { BackupDeps } from './deps.js';

/** A restore's source that is gone or unusable: the restore fails for good (no retry would help). */
export class RestoreSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreSourceError';
  }
}

/**
 * The stream of `stream` with its first `n` bytes read (fewer when it is shorter), and a stream
 * that yields everything, those bytes included.
 */
export async function peek(stream: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
    chunks.push(c);
    size += c.length;
  }
  const head = Buffer.concat(chunks).subarray(0, n);
  const rest = Readable.from((async function* () {
    for (const c of chunks) yield c;
    if (ended) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  })());
  return { head, stream: rest };
}

/**
 * The RDB files a restore loads, in shard order, each opened only when the loader asks for it:
 * a snapshot's files (decoded: decompressed, decrypted, checked), or RDB files in buckets
 * (SnapshotArns; an export of an encrypted snapshot is a framed file, decoded the same way).
 */
export async function restoreSources(d: BackupDeps, req: RestoreRequest): Promise<RestoreSources> {
  if (req.pointInTime) return pointInTimeSources(d, req.pointInTime);
  return { ...(await fileSources(d, req)), close: async () => undefined };
}

/**
 * Whether every file of one of the service's own unencrypted snapshots is checked as it is
 * decoded (an encrypted one's records are authenticated in any case): a segmented file's segments
 * each carry zstd's checksum or a CRC-32, verified before a byte of the segment comes out (a
 * truncated file lacks its end mark). Redis checked the RDB when it was captured, so such a file is trusted: read once,
 * straight into a primary. A file that is neither (a plain RDB, a single zstd stream written
 * before segments) is read by Redis's checker first, as an imported RDB is.
 */
async function ownFilesVerified(d: BackupDeps, files: ReadonlyArray<{ objectKey: string }>): Promise<boolean> {
  for (const f of files) {
    const file = await d.io.storage.snapshots.get(f.objectKey);
    const { head } = await peek(file, HEADER_BYTES).finally(() => file.destroy());
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) return false;
    try {
      if (!parseHeader(head).segmented) return false;
    } catch {
      return false; // the decoder says what is wrong with it
    }
  }
  return true;
}

/** A restore's sources, and what releases them once the restore ended (loaders of a point-in-time restore). */
export interface RestoreSources {
  open: Array<() => Promise<Readable>>;
  /**
   * Nothing corrupt can come out of them: each byte was authenticated before it was emitted, or
   * Redis itself wrote it (a point-in-time replay). See RestoreOptions.trustedSources.
   */
  trusted: boolean;
  close(): Promise<void>;
}

/**
 * Each source shard's archive replayed to the restore's second into a loader (once, when first
 * opened; a restore may open a source twice), whose state is streamed out as an RDB.
 */
function pointInTimeSources(d: BackupDeps, p: PointInTimeRestoreRequest): RestoreSources {
  const pitr = d.pitr;
  const replays: Array<Promise<Replay> | undefined> = p.shards.map(() => undefined);
  const open = p.shards.map((shard, i) => async () => {
    if (!pitr) throw new RestoreSourceError('point-in-time restores are not available in this service');
    replays[i] ??= pitr.replay({ prefix: archivePrefix(p.archive, shard), time: new Date(p.time), requireEncryption: p.encrypted })
      .catch((e: unknown) => {
        // A moment the archive cannot restore (expired since, or deleted with its group) will not become restorable.
        if (e instanceof PointInTimeNotCoveredError) throw new RestoreSourceError(`node group ${shard}: ${e.message}`);
        throw e;
      });
    return (await replays[i]!).open();
  });
  const close = async () => {
    await Promise.all(replays.map(async (r) => (await r?.catch(() => undefined))?.close()));
  };
  return { open, close, trusted: true };
}

async function fileSources(d: BackupDeps, req: RestoreRequest): Promise<Pick<RestoreSources, 'open' | 'trusted'>> {
  if (req.snapshotName) {
    const v = await getSnapshot(d.svc.store, req.snapshotName);
    if (!v || v.spec.deleteRequested || v.doc.work.status !== 'available') {
      throw new RestoreSourceError(`snapshot ${req.snapshotName} is no longer available`);
    }
    const files = [...v.doc.work.nodeSnapshots].sort((a, b) => (a.nodeGroupId < b.nodeGroupId ? -1 : 1));
    const requireEncryption = !!v.spec.kmsKey;
    return {
      open: files.map((f) => async () => d.io.decode(await d.io.storage.snapshots.get(f.objectKey), { requireEncryption })),
      trusted: requireEncryption || (await ownFilesVerified(d, files)),
    };
  }
  // RDB files in buckets may come from anywhere: Redis's checker reads them first.
  const open = (req.snapshotArns ?? []).map((a) => async () => {
    const parsed = parseS3Arn(a);
    if (!parsed) throw new RestoreSourceError(`${a} is not an S3 object ARN`);
    const { head, stream } = await peek(await d.io.storage.bucket(parsed.bucket).get(parsed.key), RDB_MAGIC.length);
    return head.equals(RDB_MAGIC) ? stream : d.io.decode(stream);
  });
  return { open, trusted: false };
}

/** The memory a node of this type and parameter group holds data in (its maxmemory). */
export function dataMemoryBytes(nodeType: string, family: string, values: Record<string, string>): number {
  return Number(redisDirectives(family, values, requireNodeType(nodeType)).maxmemory);
}

/**
 * The shards a restore loads into: each shard's current primary and, in cluster mode, its slots.
 * Throws while a primary does not answer (the restore waits and runs again), but for those the
 * restore restarts itself (`seeded`: a node whose feed a killed service cut short is down).
 */
export function targetShards(d: BackupDeps, target: { group?: ReplicationGroupRecord; cluster?: CacheClusterRecord },
  clusters: ReadonlyMap<string, CacheClusterRecord>, seeded: readonly string[] = []): TargetShard[] {
  const nodeTarget = (c: CacheClusterRecord | undefined, what: string) => {
    const n = c?.nodes[0];
    if (!c || !n) throw new Error(`the primary of ${what} has no record`);
    if (!seeded.includes(c.id) && (!n.observed?.runId || n.observed.lastError !== undefined)) throw new Error(`the primary of ${what} does not answer yet`);
    return { address: n.address, port: n.port, ...d.nodeOptions(n.address, n.port) };
  };
  const g = target.group;
  if (!g) return [{ primary: nodeTarget(target.cluster, `cache cluster ${target.cluster?.id}`) }];
  if (!g.clusterEnabled) return [{ primary: nodeTarget(clusters.get(g.primaryClusterId), g.id) }];
  return (g.nodeGroups ?? []).map((ng) => ({
    primary: nodeTarget(clusters.get(ng.primaryClusterId), `node group ${ng.id} of ${g.id}`),
    slots: parseSlots(ng.slots),
    replicas: ng.memberClusters.length - 1,
  }));
}
