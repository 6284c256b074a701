/**
 * The service's SnapshotIO: the snapshot store and key store it started with, the framing of
 * snapshot files, and the engine's capture and restore, configured for this installation (the
 * management address connections come from, the node user loaders run as, a TLS certificate
 * for loaders when a restore's targets serve TLS, the data directory's working folder).
 */
import { readFile, rm } from 'node:fs/promises';
import type { InstalledEngine } from '../catalog/engines.js';
import { LocalProcessProvider } from '../engine/local-provider.js';
import type { Owner } from '../paths/tighten.js';
import type { CertificateAuthority } from '../security/ca.js';
import { NodeCertificates } from '../security/certs.js';
import { captureRdb, restoreInto } from '../snapshots/engine/index.js';
import type { SnapshotIO } from '../snapshots/io.js';
import { decodeSnapshot, encodeSnapshot } from '../snapshots/storage/index.js';
import type { KeyStore, SnapshotStorage } from '../snapshots/types.js';
import type { Logger } from '../util/logger.js';

export interface SnapshotIOOptions {
  storage: SnapshotStorage;
  keys: KeyStore;
  engines: InstalledEngine[];
  /** The data directory's `restores/` (loaders' directories). */
  workDir: string;
  nodeUser?: Owner;
  /** The service's management address (every security-group filter admits it). */
  localAddress?: string;
  /** The CA the nodes trust: loaders into TLS targets get a certificate from it. */
  ca: CertificateAuthority;
  logger: Logger;
}

/** The key of the loaders' TLS certificate in `restores/`. */
const LOADER_CERT = 'loader-tls';
/** Loaders listen and fake masters serve on loopback (Redis checks a peer's chain, not its address). */
const LOADER_ADDRESS = '127.0.0.1';

export function serviceSnapshotIO(o: SnapshotIOOptions): SnapshotIO {
  const certs = new NodeCertificates(o.ca, o.workDir, o.nodeUser ? { owner: o.nodeUser } : {});
  const loaderTls = async (): Promise<{ cert: Buffer; key: Buffer }> => {
    const files = await certs.ensure(LOADER_CERT, [LOADER_ADDRESS, ...(o.localAddress ? [o.localAddress] : [])]);
    const [cert, key] = await Promise.all([readFile(certs.absolute(LOADER_CERT, files.certFile)), readFile(certs.absolute(LOADER_CERT, files.keyFile))]);
    return { cert, key };
  };
  const local = o.localAddress ? { localAddress: o.localAddress } : {};
  return {
    storage: o.storage,
    keys: o.keys,
    capture: (node) => captureRdb(node, local),
    encode: (rdb, opts) => encodeSnapshot(rdb, opts, o.keys),
    decode: (file, opts) => decodeSnapshot(file, o.keys, opts ?? {}),
    restore: async (sources, shards, limits) => restoreInto(sources, shards, {
      redisServer: o.engines[0]!.binary,
      workDir: o.workDir,
      ...(o.nodeUser ? { nodeUser: o.nodeUser } : {}),
      maxBytesPerShard: limits.maxMemoryBytesPerShard,
      ...(limits.trustedSources ? { trustedSources: true } : {}),
      ...(limits.onProgress ? { onProgress: limits.onProgress } : {}),
      ...(limits.seed ? { seed: limits.seed } : {}),
      ...(shards.some((s) => s.primary.tls) ? { tls: await loaderTls() } : {}),
      logger: o.logger,
      ...local,
    }),
  };
}

/**
 * At start, before any restore runs: loaders a killed service left behind are stopped (by the
 * pids their directories record) and their directories removed; so is the loaders' certificate
 * (issued again when needed). A restore that was under way is run again by the snapshot controller.
 */
export async function clearRestoreWork(workDir: string, logger: Logger): Promise<void> {
  const provider = new LocalProcessProvider({ nodesDir: workDir, logger });
  for (const key of await provider.list()) {
    if (key !== LOADER_CERT) logger.warn({ loader: key }, 'stopping a restore loader a previous run of the service left');
    await provider.remove(key);
  }
  await rm(workDir, { recursive: true, force: true });
}
