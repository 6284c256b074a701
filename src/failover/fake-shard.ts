/**
 * A shard's nodes, faked for unit tests of the failover machine and its runner: no Redis, no
 * sockets. Each member has a role, the member it follows, a replication offset and a priority;
 * the NodeControl and ShardOps it hands out act on that state and log every action, so a test
 * can count promotions, repoints and pauses, kill a node or bring it back between two steps.
 */
import type { NodeInfo } from '../engine/admin.js';
import type { CacheClusterRecord } from '../store/index.js';
import type { NodeControl } from './node-control.js';
import type { ShardOps } from './shard-ops.js';

export interface FakeNode {
  role: 'primary' | 'replica';
  /** The cluster id of the primary a replica follows. */
  following?: string;
  linkUp: boolean;
  syncing: boolean;
  offset: number;
  priority: number;
  /** The process is dead (or frozen): every command fails. */
  down: boolean;
  paused: boolean;
}

export class FakeShard {
  readonly nodes = new Map<string, FakeNode>();
  /** Every action on a node, in order: "promote b", "repoint c b", "pause a", "unpause a", "drop-clients a". */
  readonly actions: string[] = [];

  /** The first member is the primary, the others replicas following it with their link up. */
  constructor(members: Record<string, Partial<FakeNode>>) {
    const ids = Object.keys(members);
    for (const id of ids) {
      const primary = id === ids[0];
      this.nodes.set(id, {
        role: primary ? 'primary' : 'replica', ...(primary ? {} : { following: ids[0]! }),
        linkUp: !primary, syncing: false, offset: 100, priority: 100, down: false, paused: false,
        ...members[id],
      });
    }
  }

  node(id: string): FakeNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no fake node ${id}`);
    return n;
  }

  /** How many actions start with `prefix` ("promote", "promote b", "repoint c b"). */
  count(prefix: string): number {
    return this.actions.filter((a) => a === prefix || a.startsWith(`${prefix} `)).length;
  }

  address(id: string): string {
    return `10.9.0.${[...this.nodes.keys()].indexOf(id) + 1}`;
  }

  /** A member's record as the cluster controller would write it after observing the fake node. */
  record(id: string, groupId: string): CacheClusterRecord {
    const n = this.node(id);
    const observed = n.down
      ? { role: n.role, runId: `run-${id}`, lastError: 'connection refused' }
      : { role: n.role, runId: `run-${id}`, linkUp: n.role === 'replica' && n.linkUp,
          ...(n.following ? { following: `${this.address(n.following)}:6379` } : {}) };
    return {
      id, arn: `arn:cc:${id}`, status: 'available', replicationGroupId: groupId, pending: {},
      nodes: [{ id: '0001', address: this.address(id), port: 6379, status: 'available', observed }],
    } as unknown as CacheClusterRecord;
  }

  records(groupId: string): Map<string, CacheClusterRecord> {
    return new Map([...this.nodes.keys()].map((id) => [id, this.record(id, groupId)]));
  }

  private alive(c: CacheClusterRecord): FakeNode {
    const n = this.node(c.id);
    if (n.down) throw new Error(`${c.id}: connection refused`);
    return n;
  }

  control(): NodeControl {
    return {
      observe: async (c) => {
        const n = this.alive(c);
        const master = n.role === 'replica' && n.following ? { masterHost: this.address(n.following), masterPort: 6379 } : {};
        return {
          runId: `run-${c.id}`, version: '7.2.0', role: n.role, ...master,
          ...(n.role === 'replica' ? { linkUp: n.linkUp, syncInProgress: n.syncing } : {}),
          replOffset: n.offset, connectedReplicas: [], uptimeSeconds: 1, usedMemory: 0, maxmemory: 0, loading: false,
        } satisfies NodeInfo;
      },
      priority: async (c) => this.alive(c).priority,
      pauseWrites: async (c) => { this.alive(c).paused = true; this.actions.push(`pause ${c.id}`); },
      unpause: async (c) => { this.alive(c).paused = false; this.actions.push(`unpause ${c.id}`); },
      dropClients: async (c) => { this.alive(c); this.actions.push(`drop-clients ${c.id}`); },
    };
  }

  /** REPLICAOF-like operations (or, with `pausesItself`, Redis Cluster-like ones). */
  ops(pausesItself = false): ShardOps {
    return {
      pausesItself,
      promote: async (to) => {
        const n = this.alive(to);
        this.actions.push(`promote ${to.id}`);
        n.role = 'primary';
        delete n.following;
        n.linkUp = false;
      },
      repoint: async (m, to) => {
        const n = this.alive(m);
        this.actions.push(`repoint ${m.id} ${to.id}`);
        n.role = 'replica';
        n.following = to.id;
        n.linkUp = true;
      },
    };
  }
}
