/**
 * An ephemeral loader: a plain (non-cluster) redis-server on loopback that holds one source RDB
 * of a restore while its keys are moved to the target nodes. It is started as a replica of the
 * service's fake master (fake-master.ts), so the RDB goes from the service's memory into the
 * loader's over a socket and never through a file; then it is promoted (`REPLICAOF NO ONE`) and
 * the keys are moved out with Redis's own DUMP and RESTORE (pipe-mover.ts), or MIGRATE (mover.ts).
 *
 * It is run by the engine's node provider, exactly as a cache node is: its own 0700 directory
 * (here under the restore's work directory), as the node user when the service runs as root, a
 * random password, no RDB or AOF (`save ""`, `appendonly no`), diskless load. Its outgoing
 * connections (MIGRATE only) come from the service's management address when one is given.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectNode } from '../../engine/connect.js';
import { parseInfo, parseInfoList } from '../../engine/info.js';
import { LocalProcessProvider } from '../../engine/local-provider.js';
import type { NodeSpec } from '../../engine/types.js';
import { DIR_MODE, FILE_MODE } from '../../paths/index.js';
import { secureNodeDir, type Owner } from '../../paths/tighten.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { delay } from '../../util/wait.js';
import { CorruptSnapshotError, type NodeTarget } from '../types.js';
import { ReplicaDroppedError, type FakeMaster } from './fake-master.js';

/** What a loader needs to MIGRATE to targets serving TLS (PEM). */
export interface LoaderTls {
  /** A certificate and key for the loader's side of the connections (any: targets do not check client certificates). */
  cert: string | Buffer;
  key: string | Buffer;
  /** The CA certificate(s) the targets' certificates chain to. */
  ca: string | Buffer;
}

export interface LoaderOptions {
  /** The redis-server binary. */
  redisServer: string;
  /** Where the loader's directory is made (and removed). */
  workDir: string;
  /** The user loaders run as when the service runs as root (the node user). */
  nodeUser?: Owner;
  /** Source address of the loader's outgoing connections (MIGRATE to targets). */
  localAddress?: string;
  logger?: Logger;
  /** Timeout of each command to the loader, a MIGRATE batch included. Default 60000 ms. */
  commandTimeoutMs?: number;
}

/** Loaders listen here, and so does their fake master: nothing outside the host reaches either. */
export const LOADER_ADDRESS = '127.0.0.1';

export class Loader {
  private constructor(
    readonly key: string,
    private readonly provider: LocalProcessProvider,
    readonly spec: NodeSpec,
    readonly password: string,
    /** Admin connection (the loader's default user, its random password). */
    readonly client: Redis,
    private readonly log: Logger,
    private readonly owner: Owner | undefined,
  ) {}

  /** Starts a loader, then makes it a replica of `master` (which sends it the RDB). */
  static async start(master: Pick<FakeMaster, 'address' | 'port'>, opts: LoaderOptions): Promise<Loader> {
    const provider = new LocalProcessProvider({
      nodesDir: opts.workDir,
      ...(opts.nodeUser ? { owner: opts.nodeUser } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      startTimeoutMs: 10_000,
    });
    const key = `loader-${randomBytes(6).toString('hex')}`;
    const password = randomBytes(24).toString('hex');
    const log = (opts.logger ?? silentLogger).child({ loader: key });
    let lastError: unknown;
    // A free port can be taken between the probe and the bind: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      const spec: NodeSpec = {
        key,
        binary: opts.redisServer,
        address: LOADER_ADDRESS,
        port: await freeLoopbackPort(),
        config: {
          requirepass: password,
          // The loader is a replica only to receive the RDB: no timeouts while a large one loads.
          'repl-timeout': '3600',
          // MIGRATE serializes every key as DUMP does, LZF-compressing each value on the way; on
          // loopback that is pure cost (a third of a MIGRATE's time with 1 KB values: bench/backups.ts).
          rdbcompression: 'no',
          // No CRC-64 check as it loads: a trusted source (RestoreOptions.trustedSources) was
          // authenticated already, any other is checked by the service on its way here
          // (source-load.ts, crc64.ts). On a quiet 2-core machine redis-server 7.0 loaded a 1 GB
          // RDB in 2.0 s with the check and 1.4 s without, on the restore's serial path.
          rdbchecksum: 'no',
          ...(opts.localAddress ? { 'bind-source-addr': opts.localAddress } : {}),
        },
      };
      try {
        await provider.ensureRunning(spec);
      } catch (e) {
        lastError = e;
        await provider.remove(key).catch(() => undefined);
        if (/already in use/.test((e as Error).message)) continue;
        throw e;
      }
      const client = connectNode(LOADER_ADDRESS, spec.port, {
        auth: { password },
        commandTimeoutMs: opts.commandTimeoutMs ?? 60_000,
        connectTimeoutMs: 5000,
        connectionName: 'cachefleet-restore',
      });
      // Replication starts only once the process is up: a source the loader cannot load makes it
      // exit, and that is told apart from a failed start only when the start is already behind it.
      try {
        await client.connect();
        await client.call('REPLICAOF', master.address, String(master.port));
      } catch (e) {
        client.disconnect();
        await provider.remove(key).catch(() => undefined);
        throw new Error(`cannot start a restore loader: ${(e as Error).message}`);
      }
      log.info({ port: spec.port }, 'restore loader started');
      return new Loader(key, provider, spec, password, client, log, opts.nodeUser);
    }
    throw new Error(`cannot start a restore loader: ${(lastError as Error).message}`);
  }

  /** How the service reaches the loader (loopback, its password). */
  get target(): NodeTarget {
    return { address: LOADER_ADDRESS, port: this.spec.port, auth: { password: this.password } };
  }

  /** The loader's directory (its TLS files go there). */
  get dir(): string {
    return this.provider.paths(this.key).dir;
  }

  /**
   * Waits until the loader has loaded the RDB `master` sends (its replication link is up), then
   * closes the fake master and promotes the loader. Rejects with the fake master's failure (the
   * source's own error, or the loader dropping the transfer, with the loader's log), when the
   * loader exits, or when nothing moved for `idleTimeoutMs`.
   */
  async load(master: FakeMaster, idleTimeoutMs: number, signal?: AbortSignal): Promise<{ bytes: number }> {
    let failure: Error | undefined;
    master.failed.catch((e: Error) => { failure = e; });
    for (;;) {
      signal?.throwIfAborted();
      // The source's own error (e.g. a snapshot file that fails to decode) goes up as it is.
      if (failure && !(failure instanceof ReplicaDroppedError)) throw failure;
      // Redis exits on a corrupt RDB read from a socket, and drops the link on one it cannot load.
      if (failure || this.provider.isAlive(this.key) === false) {
        throw new CorruptSnapshotError(`the RDB could not be loaded: ${failure?.message ?? 'the loader exited'}${await this.logSuffix()}`);
      }
      if (Date.now() - master.lastActivity() > idleTimeoutMs) {
        throw new Error(`the load made no progress for ${idleTimeoutMs} ms${await this.logSuffix()}`);
      }
      const info = parseInfo(String(await this.client.info('replication').catch(() => '')));
      if (info['master_link_status'] === 'up') break;
      await delay(20);
    }
    const { bytes } = await master.sent;
    // The fake master goes first: promoted while still connected, the loader would see its
    // master vanish only afterwards, which is noise in its log and nothing else.
    await master.close();
    await this.client.call('REPLICAOF', 'NO', 'ONE');
    this.log.info({ bytes }, 'restore loader loaded its RDB');
    return { bytes };
  }

  /** Bytes the loaded data takes (used_memory less the empty server's used_memory_startup). */
  async dataBytes(): Promise<number> {
    const info = parseInfo(String(await this.client.info('memory')));
    return Math.max(0, Number(info['used_memory'] ?? 0) - Number(info['used_memory_startup'] ?? 0));
  }

  /** Keys per database (`INFO keyspace`). */
  async keyspace(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [name, value] of Object.entries(parseInfo(String(await this.client.info('keyspace'))))) {
      const db = /^db(\d+)$/.exec(name);
      const keys = Number(parseInfoList(value)['keys']);
      if (db && keys > 0) out.set(Number(db[1]), keys);
    }
    return out;
  }

  /**
   * Makes the loader's outgoing connections (MIGRATE) TLS: `tls-cluster yes` is what Redis's
   * MIGRATE follows. Redis makes no TLS connection without a certificate of its own, even though
   * nodes never ask clients for one; `ca` verifies the targets. Set live (CONFIG SET reloads the
   * TLS context), so the loader itself keeps its plaintext loopback port.
   */
  async enableOutgoingTls(tls: LoaderTls): Promise<void> {
    const dir = join(this.dir, 'tls');
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const files: Array<[string, string | Buffer]> = [['loader.crt', tls.cert], ['loader.key', tls.key], ['ca.crt', tls.ca]];
    for (const [name, body] of files) await writeFile(join(dir, name), body, { mode: FILE_MODE });
    await secureNodeDir(dir, this.owner);
    // Named relative to the loader's working directory, its own directory.
    await this.client.call('CONFIG', 'SET', 'tls-cert-file', 'tls/loader.crt', 'tls-key-file', 'tls/loader.key',
      'tls-ca-cert-file', 'tls/ca.crt', 'tls-cluster', 'yes');
  }

  /** The last lines of the loader's log (why it refused an RDB). */
  async logTail(lines = 8): Promise<string> {
    const text = await readFile(this.provider.paths(this.key).log, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Stops the loader and removes its directory. Never throws (it runs in cleanups); idempotent. */
  async destroy(): Promise<void> {
    this.client.disconnect();
    try {
      await this.provider.remove(this.key);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'restore loader could not be removed');
    }
  }

  private async logSuffix(): Promise<string> {
    const tail = await this.logTail();
    return tail ? `\nloader log:\n${tail}` : '';
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host: LOADER_ADDRESS, port: 0, exclusive: true }, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
