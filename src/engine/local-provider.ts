/**
 * The embedded node provider: each cache node is a local `redis-server` process with its own
 * directory `<nodesDir>/<key>/`. Processes are detached (own session and process group) so the
 * control plane can die or be Ctrl-C'd without taking the cache down; a restarted control plane
 * adopts them through the pidfile / node.json, after checking the pid really is that node.
 *
 * Least privilege: when the service runs as root, nodes run as an unprivileged user (`owner`,
 * see node-user.ts) that owns its node directory and nothing else; redis-server's working
 * directory is that directory and its redis.conf names its files relative to it, so the node
 * never needs to search the data directory's parents. Nodes start with umask 077: snapshots,
 * logs and AOF files are theirs alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fchownSync, openSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DIR_MODE, FILE_MODE, NODE_KEY, SERVICE_UMASK, nodePaths } from '../paths/index.js';
import { secureNodeDir, type Owner } from '../paths/tighten.js';
import { waitFor } from '../util/wait.js';
import { renderRedisConf, type NodePaths } from './config.js';
import { silentLogger, type Logger as EngineLogger } from '../util/logger.js';
import { fileSize, readJson, readPidFile, readText, writeFileAtomic, type ExitRecord, type NodeMeta } from './node-files.js';
import { describeExit, ExitRecords } from './exit-records.js';
import { dropOwnSlotClaims } from './cluster-config-file.js';
import { feedFifo, makeFifo, removeStaleFifo } from './fifo-feed.js';
import { LivenessCache } from './liveness.js';
import { assertPortFree, pidIsNode, settleWithin, signal } from './proc.js';
import type { NodeProcessStatus, NodeProvider, NodeSpec } from './types.js';

export interface LocalProviderOptions {
  nodesDir: string;
  logger?: EngineLogger;
  /** How long ensureRunning waits for the pidfile (config parsed, port bound). Default 5000 ms. */
  startTimeoutMs?: number;
  /** Default SIGTERM grace period of stop/restart/remove before SIGKILL. Default 5000 ms. */
  stopTimeoutMs?: number;
  /**
   * How long a node's verified pid is trusted by `status` without reading its files again, while
   * the process exists. Default 30000 ms.
   */
  pidReverifyMs?: number;
  /**
   * The user nodes run as when it is not the service's own (the service runs as root): node
   * directories and the files redis-server reads or writes belong to it. Absent: the service's user.
   */
  owner?: Owner;
  /** How `status` checks that a pid is the node's process (default: its command line or working directory; tests wrap it). */
  verifyPid?: (pid: number, conf: string) => Promise<boolean>;
}

/** Filesystem-safe and unable to escape nodesDir (no separators, no leading dot). */
const KEY = NODE_KEY;

/** A child spawned by this provider instance: its exit is observed directly. */
interface OwnChild {
  pid: number;
  /** Settles after the exit has been recorded. */
  exited: Promise<void>;
}

export class LocalProcessProvider implements NodeProvider {
  readonly nodesDir: string;
  private readonly log: EngineLogger;
  private readonly startTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly children = new Map<string, OwnChild>();
  private readonly exits: ExitRecords;
  private readonly liveness: LivenessCache;
  /** The redis.conf text each node's file is known to hold: a steady pass does not read it again. */
  private readonly confs = new Map<string, string>();
  private readonly exitListeners = new Set<(key: string) => void>();
  private readonly owner: Owner | undefined;
  private readonly verifyPid: (pid: number, conf: string) => Promise<boolean>;

  constructor(opts: LocalProviderOptions) {
    this.verifyPid = opts.verifyPid ?? pidIsNode;
    this.nodesDir = resolve(opts.nodesDir);
    this.owner = opts.owner;
    this.log = opts.logger ?? silentLogger;
    this.exits = new ExitRecords((key) => this.paths(key), this.log);
    this.startTimeoutMs = opts.startTimeoutMs ?? 5000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 5000;
    this.liveness = new LivenessCache(opts.pidReverifyMs ?? 30_000);
  }

  isAlive(key: string): boolean | undefined {
    return this.liveness.alive(key);
  }

  onExit(listener: (key: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Absolute paths of a node's files (validates the key). */
  paths(key: string): NodePaths & { meta: string; lastExit: string } {
    return nodePaths(this.nodesDir, key);
  }

  ensureRunning(spec: NodeSpec): Promise<NodeProcessStatus> {
    return this.withLock(spec.key, async () => {
      const p = this.paths(spec.key);
      const text = renderRedisConf(spec, p);
      const st = await this.status(spec.key);
      if (!st.running) return this.start(spec, text);
      if (this.confs.get(spec.key) === text) return st;
      if ((await readText(p.conf)) === text) {
        this.confs.set(spec.key, text);
        return st;
      }
      // Not restarted on purpose: live changes go through CONFIG SET, disruptive ones through restart().
      await writeFileAtomic(p.conf, text, this.owner);
      this.confs.set(spec.key, text);
      this.log.info({ node: spec.key, pid: st.pid }, 'redis.conf rewritten; running node keeps its live config');
      const meta = await readJson<NodeMeta>(p.meta);
      if (meta && (meta.address !== spec.address || meta.port !== spec.port || meta.binary !== spec.binary)) {
        this.log.warn({ node: spec.key, running: meta, wanted: spec }, 'endpoint or binary changed; takes effect on restart');
      }
      return st;
    });
  }

  restart(spec: NodeSpec): Promise<NodeProcessStatus> {
    return this.withLock(spec.key, async () => {
      const text = renderRedisConf(spec, this.paths(spec.key));
      await this.stopNow(spec.key, this.stopTimeoutMs);
      return this.start(spec, text);
    });
  }

  /** See NodeProvider.restartOnData: the node's RDB file is a FIFO while it starts (fifo-feed.ts). */
  async restartOnData(spec: NodeSpec, data: Readable, opts: { signal?: AbortSignal } = {}): Promise<NodeProcessStatus & { bytes: number }> {
    const p = this.paths(spec.key);
    const fifo = join(p.dir, rdbFileName(spec));
    let st: NodeProcessStatus;
    try {
      if (spec.config['appendonly'] === 'yes') throw new Error(`node ${spec.key} loads its append-only file at start, not an RDB`);
      st = await this.withLock(spec.key, async () => {
        const text = renderRedisConf(spec, p);
        await this.stopNow(spec.key, this.stopTimeoutMs);
        await mkdir(p.dir, { recursive: true, mode: DIR_MODE });
        await makeFifo(fifo, this.owner);
        return this.start(spec, text, true);
      });
    } catch (e) {
      await removeStaleFifo(fifo);
      data.destroy();
      throw e;
    }
    try {
      const bytes = await feedFifo(fifo, data, {
        openTimeoutMs: this.startTimeoutMs, readerAlive: () => this.liveness.alive(spec.key) !== false,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      this.log.info({ node: spec.key, pid: st.pid, bytes }, 'redis-server started on the data it was fed');
      return { ...st, bytes };
    } catch (e) {
      this.log.warn({ node: spec.key, pid: st.pid, err: (e as Error).message }, 'redis-server did not take all of the data it was fed; starting it again empty');
      await this.restart(spec).catch((err: unknown) => this.log.warn({ node: spec.key, err: (err as Error).message }, 'could not start the node again'));
      throw e;
    }
  }

  async status(key: string): Promise<NodeProcessStatus> {
    const p = this.paths(key);
    const known = this.liveness.fresh(key);
    if (known !== undefined) return { running: true, pid: known };
    const meta = await readJson<NodeMeta>(p.meta);
    const candidates = new Set<number>();
    const fromPidfile = await readPidFile(p.pid);
    if (fromPidfile) candidates.add(fromPidfile);
    if (meta && Number.isInteger(meta.pid)) candidates.add(meta.pid);
    for (const pid of candidates) {
      // The exit may be reported while the pid is checked: then the check is stale, and the node is not running.
      if ((await this.verifyPid(pid, p.conf)) && this.liveness.verified(key, pid, this.children.get(key)?.pid === pid)) {
        return { running: true, pid };
      }
    }
    this.liveness.gone(key);
    const lastExit = meta ? await this.exits.last(key, meta) : undefined;
    return lastExit ? { running: false, lastExit } : { running: false };
  }

  stop(key: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.withLock(key, () => this.stopNow(key, opts.timeoutMs ?? this.stopTimeoutMs));
  }

  remove(key: string): Promise<void> {
    return this.withLock(key, async () => {
      await this.stopNow(key, this.stopTimeoutMs);
      await rm(this.paths(key).dir, { recursive: true, force: true, maxRetries: 3 });
      this.exits.forget(key);
      this.confs.delete(key);
      this.liveness.delete(key);
    });
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.nodesDir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && KEY.test(e.name)).map((e) => e.name).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Serialises operations per node so two concurrent ensureRunning calls cannot spawn twice. */
  private withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  /** `fed`: the node's RDB file is a FIFO being fed (restartOnData); otherwise one left by a feed cut short is removed, or the node would wait for it forever. */
  private async start(spec: NodeSpec, confText: string, fed = false): Promise<NodeProcessStatus> {
    const p = this.paths(spec.key);
    await mkdir(this.nodesDir, { recursive: true, mode: DIR_MODE });
    await mkdir(p.dir, { recursive: true, mode: DIR_MODE });
    if (!fed && (await removeStaleFifo(join(p.dir, rdbFileName(spec))))) {
      this.log.warn({ node: spec.key }, 'removed the FIFO a feed cut short left in place of the RDB file');
    }
    await writeFileAtomic(p.conf, confText, this.owner);
    this.confs.set(spec.key, confText);
    const stateFile = spec.config['cluster-config-file'];
    if (spec.dropSlotClaims && typeof stateFile === 'string' && (await dropOwnSlotClaims(resolve(p.dir, stateFile), this.owner))) {
      this.log.warn({ node: spec.key }, 'starting without the hash slots its nodes.conf claimed: it is no longer its shard\'s primary');
    }
    // Files an earlier run (or an older version, or the certificates' issuer) left: the node's.
    await secureNodeDir(p.dir, this.owner);
    await assertPortFree(spec, () => this.ownNodeOn(spec));

    const logOffset = await fileSize(p.log);
    // stdout/stderr go to the same (append-mode) file Redis logs to: a config error is printed
    // to stderr before the logfile directive takes effect, and must end up in the log tail.
    const fd = openSync(p.log, 'a', FILE_MODE);
    // The config arrives on standard input (`redis-server -`), from a descriptor opened here: Redis
    // opens a config file by its absolute path, which an unprivileged node may not be able to
    // search (the data directory's parents: root's 0700 home, a 0700 temporary directory).
    const conf = openSync(p.conf, 'r');
    let child: ChildProcess;
    // umask 077 for the node (inherited at fork): what Redis creates is its user's alone.
    const umask = process.umask(SERVICE_UMASK);
    try {
      if (this.owner) fchownSync(fd, this.owner.uid, this.owner.gid); // Redis reopens its log by name to append
      // Its working directory (entered before the user is switched) is the node directory, which
      // its redis.conf names its files relative to.
      child = spawn(spec.binary, ['-'], {
        detached: true, stdio: [conf, fd, fd], cwd: p.dir,
        ...(this.owner ? { uid: this.owner.uid, gid: this.owner.gid } : {}),
      });
    } finally {
      process.umask(umask);
      closeSync(fd); // the child holds its own copies
      closeSync(conf);
    }
    if (child.pid === undefined) {
      const [err] = (await once(child, 'error')) as [Error];
      throw new Error(`cannot start redis-server for node ${spec.key} (${spec.binary}): ${err.message}`);
    }
    const pid = child.pid;
    let exitedEarly = false;
    const exited = new Promise<void>((done) => {
      child.once('exit', (code, signal) => {
        exitedEarly = true;
        if (this.children.get(spec.key)?.pid === pid) this.processEnded(spec.key);
        void this.recordExit(spec.key, { pid, code, signal, at: new Date().toISOString() }).finally(done);
      });
    });
    child.on('error', (e) => this.log.warn({ node: spec.key, pid, err: e.message }, 'redis-server process error'));
    child.unref();
    this.children.set(spec.key, { pid, exited });
    this.liveness.set(spec.key, pid, true);

    const meta: NodeMeta = {
      pid,
      conf: p.conf,
      binary: spec.binary,
      address: spec.address,
      port: spec.port,
      startedAt: new Date().toISOString(),
      logOffset,
    };
    await writeFileAtomic(p.meta, JSON.stringify(meta, null, 2) + '\n');
    this.log.info({ node: spec.key, pid, address: spec.address, port: spec.port }, 'redis-server spawned');

    // Redis writes its pidfile after parsing the config and binding the port, so waiting for it
    // turns "bad config" and "port taken" into an error here instead of a silent dead node.
    try {
      await waitFor(async () => exitedEarly || (await readPidFile(p.pid)) === pid, {
        timeoutMs: this.startTimeoutMs,
        intervalMs: 5,
        what: `pidfile of node ${spec.key}`,
      });
    } catch {
      this.log.warn({ node: spec.key, pid }, 'redis-server has not written its pidfile yet');
    }
    if (exitedEarly) {
      await exited;
      const st = await this.status(spec.key);
      const why = st.lastExit ? describeExit(st.lastExit) : 'exited';
      throw new Error(`redis-server for node ${spec.key} exited during startup (${why})`);
    }
    return { running: true, pid };
  }

  private async stopNow(key: string, timeoutMs: number): Promise<void> {
    const p = this.paths(key);
    const st = await this.status(key);
    if (!st.running || st.pid === undefined) return;
    const pid = st.pid;
    const gone = async () => !(await pidIsNode(pid, p.conf));
    signal(pid, 'SIGTERM');
    try {
      await waitFor(gone, { timeoutMs, intervalMs: 20, what: `node ${key} (pid ${pid}) to exit` });
    } catch {
      // Re-verified right before the SIGKILL: the pid must still be this node.
      if (await pidIsNode(pid, p.conf)) {
        this.log.warn({ node: key, pid, timeoutMs }, 'redis-server ignored SIGTERM; sending SIGKILL');
        signal(pid, 'SIGKILL');
      }
      await waitFor(gone, { timeoutMs: 5000, intervalMs: 20, what: `node ${key} (pid ${pid}) to die after SIGKILL` });
    }
    this.liveness.gone(key);
    const own = this.children.get(key);
    if (own?.pid === pid) {
      // Lets the exit record land before the caller (e.g. remove) touches the directory.
      await settleWithin(own.exited, 1000);
      this.children.delete(key);
    }
    this.log.info({ node: key, pid }, 'redis-server stopped');
  }

  /** The node's process is gone: no longer trusted as running, and the monitor hears it now. */
  private processEnded(key: string): void {
    this.liveness.gone(key);
    for (const listener of this.exitListeners) {
      try {
        listener(key);
      } catch (err) {
        this.log.warn({ node: key, err: (err as Error).message }, 'exit listener failed');
      }
    }
  }

  private async recordExit(key: string, rec: ExitRecord): Promise<void> {
    // An older process of this node: a newer one has been started since.
    if (this.children.get(key)?.pid === rec.pid) await this.exits.record(key, rec);
  }

  /** "node <key> (pid N)" when another node of this provider serves that endpoint. */
  private async ownNodeOn(spec: NodeSpec): Promise<string | undefined> {
    for (const key of await this.list()) {
      if (key === spec.key) continue;
      const meta = await readJson<NodeMeta>(this.paths(key).meta);
      if (meta?.address !== spec.address || meta.port !== spec.port) continue;
      const st = await this.status(key);
      if (st.running) return `node ${key} (pid ${st.pid})`;
    }
    return undefined;
  }
}

/** The node's RDB file name (`dbfilename`, Redis's default when the spec sets none). */
const rdbFileName = (spec: NodeSpec) => String(spec.config['dbfilename'] ?? 'dump.rdb');
