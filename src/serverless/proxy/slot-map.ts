/**
 * The backing cluster's slot map, as CLUSTER SLOTS reports it: for each slot the shard that owns
 * it (a primary and its replicas). Pure: the topology module fetches, this one answers.
 */

export interface NodeAddress {
  host: string;
  port: number;
}

export interface Shard {
  primary: NodeAddress;
  replicas: NodeAddress[];
}

const keys = new WeakMap<NodeAddress, string>();
/** "host:port" (cached per address object: it is asked for on every command). */
export function nodeKey(n: NodeAddress): string {
  let k = keys.get(n);
  if (k === undefined) keys.set(n, (k = `${n.host}:${n.port}`));
  return k;
}

/** One CLUSTER SLOTS entry as clients decode it: [start, end, [host, port, id, …], …replicas]. */
export type ClusterSlotsEntry = [number, number, ...unknown[]];

export class SlotMap {
  /** slot → index in `shards`, -1 when no shard owns it. */
  private readonly owner = new Int16Array(16384).fill(-1);
  readonly shards: Shard[] = [];

  static fromClusterSlots(reply: readonly ClusterSlotsEntry[]): SlotMap {
    const map = new SlotMap();
    const byPrimary = new Map<string, number>();
    for (const [start, end, ...nodes] of reply) {
      const [p, ...rs] = nodes.map(toAddress).filter((n): n is NodeAddress => n !== undefined);
      if (!p) continue;
      let i = byPrimary.get(nodeKey(p));
      if (i === undefined) {
        i = map.shards.push({ primary: p, replicas: rs }) - 1;
        byPrimary.set(nodeKey(p), i);
      }
      map.owner.fill(i, Number(start), Number(end) + 1);
    }
    return map;
  }

  shardOf(slot: number): Shard | undefined {
    const i = this.owner[slot]!;
    return i < 0 ? undefined : this.shards[i];
  }

  /** One slot of each shard, in `shards` order (to reach every primary through the router). */
  shardSlots(): number[] {
    const out = new Array<number>(this.shards.length).fill(-1);
    for (let slot = 0; slot < 16384; slot++) {
      const i = this.owner[slot]!;
      if (i >= 0 && out[i] === -1) out[i] = slot;
    }
    return out;
  }

  /** Slots no shard owns (a map taken mid-failover or from a node that lost its view). */
  get uncovered(): number {
    let n = 0;
    for (const i of this.owner) if (i < 0) n++;
    return n;
  }

  /** Every node, primaries first (seeds for the next refresh). */
  nodes(): NodeAddress[] {
    return [...this.shards.map((s) => s.primary), ...this.shards.flatMap((s) => s.replicas)];
  }

  /** A signature that changes when any slot's primary or replica set does. */
  signature(): string {
    return this.shards.map((s) => `${nodeKey(s.primary)}>${s.replicas.map(nodeKey).join(',')}`).join('|') + `#${hash(this.owner)}`;
  }
}

function toAddress(n: unknown): NodeAddress | undefined {
  if (!Array.isArray(n) || n.length < 2) return undefined;
  const host = String(n[0]);
  const port = Number(n[1]);
  // An empty host means "the address you reached me on", which the proxy never relies on.
  if (host === '' || host === '?' || !Number.isInteger(port) || port <= 0) return undefined;
  return { host, port };
}

function hash(a: Int16Array): number {
  let h = 0;
  for (let i = 0; i < a.length; i++) h = (h * 31 + a[i]!) | 0;
  return h;
}
