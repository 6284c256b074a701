/**
 * Real Redis Cluster nodes for integration tests: redis-server processes with cluster-enabled,
 * each on its own loopback address, formed into a cluster with the engine's own primitives.
 * Every process is tracked by the Cleanup, so a failing test leaves nothing running.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import { AdminPool } from '../../src/engine/admin.js';
import { addSlotsRange, clusterInfo, clusterMyself, clusterNodes, failover, meet, myId, replicate } from '../../src/engine/cluster-admin.js';
import type { SlotRange } from '../../src/engine/cluster-nodes.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { waitFor } from '../../src/util/wait.js';
import { killVerified, type Cleanup } from './cleanup.js';
import { isFree, randomLoopbackAddress } from './net.js';
import { REDIS_SERVER } from './redis.js';

export interface TestNode {
  spec: NodeSpec;
  address: string;
  port: number;
  /** Cluster node id (read after start; changes only with CLUSTER RESET HARD). */
  id: string;
  /** Admin connection (AdminPool: fails fast, reconnects in the background). */
  client: Redis;
  pid?: number;
}

/** A loopback address whose port 6379 and bus port 16379 are both free. */
async function clusterEndpoint(): Promise<{ address: string; port: number }> {
  for (let i = 0; i < 50; i++) {
    const address = randomLoopbackAddress();
    if ((await isFree(address, 6379)) && (await isFree(address, 16379))) return { address, port: 6379 };
  }
  throw new Error('no loopback address with ports 6379 and 16379 free');
}

export class TestCluster {
  readonly pool = new AdminPool({ commandTimeoutMs: 5000 });
  private constructor(
    private readonly cleanup: Cleanup,
    readonly provider: LocalProcessProvider,
  ) {}

  static async create(cleanup: Cleanup, prefix = 'cachefleet-cluster-'): Promise<TestCluster> {
    const tc = new TestCluster(cleanup, new LocalProcessProvider({ nodesDir: await cleanup.tmpDir(prefix) }));
    cleanup.defer(() => tc.pool.closeAll());
    return tc;
  }

  /** Starts `n` empty cluster-enabled nodes (in parallel) and reads their ids. */
  async startNodes(n: number): Promise<TestNode[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const ep = await clusterEndpoint();
        const spec: NodeSpec = {
          key: `cl-${process.pid}-${i}-${Math.random().toString(36).slice(2, 7)}`,
          binary: REDIS_SERVER,
          ...ep,
          config: {
            'cluster-enabled': 'yes',
            // Relative to the node's dir: each node keeps its own view there across restarts.
            'cluster-config-file': 'nodes.conf',
            'cluster-announce-ip': ep.address,
            'cluster-node-timeout': '2000',
            'cluster-require-full-coverage': 'no',
            save: '',
          },
        };
        const node: TestNode = { spec, ...ep, id: '', client: this.pool.client(ep.address, ep.port) };
        await this.start(node);
        return node;
      }),
    );
  }

  /** (Re)starts the node's process with its existing directory (and nodes.conf). */
  async start(node: TestNode): Promise<void> {
    const st = await this.provider.ensureRunning(node.spec);
    node.pid = st.pid;
    this.cleanup.trackPid(st.pid, this.provider.paths(node.spec.key).conf);
    await waitFor(() => this.pool.ready(node.address, node.port), { timeoutMs: 5000, what: `${node.address} ready` }).catch(async (e: Error) => {
      // Why it never answered, in Redis's own words (a refused nodes.conf, a port in use, …).
      const log = await readFile(this.provider.paths(node.spec.key).log, 'utf8').catch(() => '');
      throw new Error(`${e.message}; pid ${st.pid}, alive: ${isAlive(st.pid)}; the end of its log:\n${log.split('\n').slice(-15).join('\n')}`, { cause: e });
    });
    node.id = await myId(node.client);
  }

  /** SIGKILL: a crash, nodes.conf stays as it was. */
  async kill(node: TestNode): Promise<void> {
    if (node.pid !== undefined) await killVerified(node.pid, this.provider.paths(node.spec.key).conf);
    node.pid = undefined;
    // Until Node has reaped its child (a moment after the process is a zombie), the provider still
    // counts it running, and a start() at once would return the dead pid instead of starting one.
    await waitFor(async () => !(await this.provider.status(node.spec.key)).running, { timeoutMs: 5000, what: `${node.address} seen stopped` });
  }

  /**
   * MEETs every node from the first (star: the others learn of each other by gossip, 1-2 s) or
   * every node from every other (mesh: each handshake is direct, ~0.2 s). Resolves when each
   * node knows all of them; returns the ms taken.
   */
  async meetAll(nodes: TestNode[], how: 'star' | 'mesh' = 'star'): Promise<number> {
    const t0 = performance.now();
    const pairs = how === 'star' ? nodes.slice(1).map((b) => [nodes[0], b]) : nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => [a, b]));
    await Promise.all(pairs.map(([a, b]) => meet(a.client, b.address, b.port)));
    await this.waitKnown(nodes, nodes.length);
    return performance.now() - t0;
  }

  /**
   * Each node lists `count` nodes, none still in handshake. (cluster_known_nodes alone is not
   * enough: it counts handshake entries, which MEET and gossip create at once.)
   */
  async waitKnown(nodes: TestNode[], count: number, timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => {
        const views = await Promise.all(nodes.map((n) => clusterNodes(n.client)));
        return views.every((v) => v.length === count && v.every((n) => !n.handshake && !n.noaddr));
      },
      { timeoutMs, intervalMs: 20, what: `${nodes.length} nodes to know ${count} nodes` },
    );
  }

  /**
   * Builds shards: shards[i] = [primary, ...replicas] owning ranges[i]. Expects the nodes to know
   * each other already; waits until every node reports cluster_state:ok and agrees on the slots.
   */
  async formShards(shards: TestNode[][], ranges: SlotRange[][]): Promise<void> {
    await Promise.all(shards.map(([p], i) => addSlotsRange(p.client, ranges[i])));
    for (const [p, ...replicas] of shards) for (const r of replicas) await replicate(r.client, p.id);
    await this.waitHealthy(shards.flat());
  }

  /** cluster_state:ok everywhere and one agreed slot map (what redis-cli --cluster check wants). */
  async waitHealthy(nodes: TestNode[], timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.healthy(nodes), { timeoutMs, intervalMs: 50, what: 'cluster state ok and slot maps agreed' });
  }

  /**
   * cluster_state:ok everywhere and one agreed slot map; with `allSlots`, every slot served too
   * (cluster-require-full-coverage is off here, so a node says ok with slots served by nobody).
   */
  async healthy(nodes: TestNode[], allSlots = false): Promise<boolean> {
    const infos = await Promise.all(nodes.map((n) => clusterInfo(n.client)));
    if (!infos.every((i) => i.cluster_state === 'ok' && (!allSlots || i.cluster_slots_assigned === '16384'))) return false;
    return this.consistent(nodes);
  }

  /**
   * True when all nodes agree on every given node's role, primary and slots, and none is failing
   * or in handshake. Roles count: a replica reaches the others' tables by gossip a moment after
   * REPLICATE, and until then they list it as an empty primary.
   */
  async consistent(nodes: TestNode[]): Promise<boolean> {
    const ids = new Set(nodes.map((n) => n.id));
    const views = await Promise.all(nodes.map((n) => clusterNodes(n.client)));
    const sig = views.map((v) =>
      v
        .filter((n) => ids.has(n.id))
        .map((n) => `${n.id}:${n.role}:${n.primaryId ?? ''}:${JSON.stringify(n.slots)}`)
        .sort()
        .join('|'),
    );
    return sig.every((s) => s === sig[0]) && views.every((v) => v.every((n) => !n.failed && !n.handshake));
  }

  /**
   * Coordinated CLUSTER FAILOVER of `replica`, waiting until it is primary. Redis aborts a manual
   * failover silently after 5 s when the replica cannot catch up (e.g. its link is still
   * syncing), so the link is awaited first and the command re-sent when nothing happened.
   */
  async gracefulFailover(replica: TestNode, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => /master_link_status:up/.test(String(await replica.client.info('replication'))), {
      timeoutMs,
      what: `${replica.address} replication link up`,
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await failover(replica.client);
      try {
        await waitFor(async () => (await clusterMyself(replica.client)).role === 'primary', { timeoutMs: 6000, what: 'manual failover' });
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  }

  /** A cluster client (ioredis follows MOVED/ASK itself); disconnected by the cleanup. */
  clusterClient(seed: TestNode): Cluster {
    const c = new Cluster([{ host: seed.address, port: seed.port }], {
      slotsRefreshTimeout: 2000,
      redisOptions: { connectTimeout: 2000 },
    });
    this.cleanup.defer(() => c.disconnect());
    return c;
  }
}

/** `redis-cli --cluster check addr:port`: the reference checker of slot coverage and open slots. */
export function redisCliCheck(node: { address: string; port: number }): Promise<{ code: number; output: string }> {
  const cli = process.env.CACHEFLEET_REDIS_CLI ?? 'redis-cli';
  return new Promise((resolve) => {
    execFile(cli, ['--cluster', 'check', `${node.address}:${node.port}`], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** One key name for each of the 16,384 slots (`k<n>`, the first that hashes there), by slot. */
export function keyPerSlot(): string[] {
  const keys: string[] = new Array(16384);
  let left = 16384;
  for (let i = 0; left > 0; i++) {
    const s = calculateSlot(`k${i}`);
    if (keys[s] === undefined) { keys[s] = `k${i}`; left--; }
  }
  return keys;
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
}
