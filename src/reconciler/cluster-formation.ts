import type { Redis } from 'ioredis';
import { addSlotsRange, clusterInfo, clusterMyself, clusterNodes, forget, meet, myId, replicate } from '../engine/cluster-admin.js';
import { parseSlots, type ClusterNode, type SlotRange } from '../engine/cluster-nodes.js';
import { migrateSlot } from '../engine/slot-migration.js';
import type { CacheClusterRecord, NodeGroupRecord, ReplicationGroupRecord } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { FunctionsSync } from './functions-sync.js';
import { OrphanMender, repairSplitSlots } from './split-slots.js';
import { giveFreshEpochs, heldTargets, ownership, type PlannedMove } from './slot-views.js';

/** What one formation pass found; `settled` when the cluster matches the record exactly. */
export interface FormationResult {
  settled: boolean;
  slotsMoved: number;
  keysMoved: number;
  /** Slots still owned by the wrong shard. */
  pendingMoves: number;
  /** Slot moves this pass found to make (0: it saw every slot where the record wants it). */
  planned: number;
  /**
   * Why the pass stopped before it could tell where every slot is (nodes still meeting, a slot
   * held by a node that is no member): nothing may be concluded from pendingMoves then.
   */
  waiting?: string;
}

/** What one pass read before acting: the members, their Redis Cluster node ids, and the seed's view. */
interface FormationPass {
  g: ReplicationGroupRecord;
  shards: NodeGroupRecord[];
  members: CacheClusterRecord[];
  clusters: Map<string, CacheClusterRecord>;
  /** Member cluster id → Redis Cluster node id. */
  ids: Map<string, string>;
  /** CLUSTER NODES as the seed (shard 0001's primary) sees it, and its entries outside the handshake by node id. */
  view: ClusterNode[];
  known: Map<string, ClusterNode>;
  /** Every member's CLUSTER NODES by node id, once a step of this pass has read them (meetAll, while resharding). */
  views?: Map<string, ClusterNode[]>;
}

const nodeOf = (c: CacheClusterRecord) => c.nodes[0]!;
/**
 * Slots migrated at once: 8192 slots between two local nodes take 2.2 s with 16, 1.7 s with 32
 * and 1.5 s with 64 (2 cores); one at a time is 5–7× slower than 16.
 */
const MIGRATION_CONCURRENCY = 32;

/**
 * Brings a cluster-mode group's Redis Cluster to its record, one safe step at a time, in the
 * order redis-cli --cluster would: every node meets the others → every primary holds the group's
 * Functions libraries, a new shard's before it is given slots (functions-sync.ts) → unowned slots
 * are assigned to their shard's primary → slots owned by the
 * wrong shard migrate (a time-bounded batch per pass, with Redis's own MIGRATING/IMPORTING/MIGRATE
 * protocol) → replicas follow their shard's primary → nodes of removed shards are forgotten.
 * Acts only when every member answered this pass.
 */
export class ClusterFormation {
  private readonly ids = new Map<string, { runId: string; id: string }>();
  private readonly functions: FunctionsSync;
  private readonly orphans: OrphanMender;

  constructor(private readonly d: ReconcilerDeps, private readonly migrationBudgetMs = 2000) {
    this.functions = new FunctionsSync(d, (c) => this.client(c));
    this.orphans = new OrphanMender(d.logger);
  }

  private client(c: CacheClusterRecord): Redis {
    return this.d.admin.client(nodeOf(c).address, nodeOf(c).port);
  }

  /** The Redis Cluster node id of a member (cached while its process is the same). */
  async nodeId(c: CacheClusterRecord): Promise<string> {
    const runId = nodeOf(c).observed?.runId ?? '';
    const hit = this.ids.get(c.id);
    if (hit && hit.runId === runId) return hit.id;
    const id = await myId(this.client(c));
    this.ids.set(c.id, { runId, id });
    return id;
  }

  async step(g: ReplicationGroupRecord, clusters: Map<string, CacheClusterRecord>): Promise<FormationResult> {
    const members = g.memberClusters.map((id) => clusters.get(id)!).filter(Boolean);
    const ids = new Map<string, string>();
    for (const m of members) ids.set(m.id, await this.nodeId(m));
    const seed = clusters.get(g.nodeGroups![0]!.primaryClusterId)!;
    const view = await clusterNodes(this.client(seed));
    const p: FormationPass = {
      g, shards: g.nodeGroups!, members, clusters, ids, view,
      known: new Map(view.filter((n) => !n.handshake).map((n) => [n.id, n])),
    };
    const result: FormationResult = { settled: false, slotsMoved: 0, keysMoved: 0, pendingMoves: 0, planned: 0 };

    if (!(await this.meetAll(p))) return { ...result, waiting: 'the members have not all met yet' };
    // 2. Every primary holds the group's Functions libraries, a new shard's before it is given slots.
    const notCopied = await this.functions.step(p.g.id, p.shards, view, ids, clusters);
    if (notCopied) return { ...result, waiting: notCopied };
    const ownerOf = slotOwners(view);
    await this.assignFreeSlots(p, ownerOf);
    await this.migrateSlots(p, ownerOf, result);
    // Any move this pass (even one found done already) is seen again from fresh views next pass.
    if (result.planned > 0) return result;
    const replicasOk = await this.followPrimaries(p);
    await this.forgetRemoved(p);
    // Settled only when every node serves the whole slot map and sees the same topology (a client
    // may ask any of them for CLUSTER SLOTS): each shard's primary owns slots, each replica follows it.
    result.settled = replicasOk && (await this.agreed(p));
    // Unsettled with nothing to move: maybe a slot its owner sees free while the others see it
    // as that owner's (split-slots.ts), which no other step mends.
    if (!result.settled) {
      const byNodeId = new Map(members.map((m) => [ids.get(m.id)!, m]));
      await this.orphans.step(g.id, this.client(seed), (id) => { const m = byNodeId.get(id); return m && this.client(m); });
    }
    return result;
  }

  /**
   * 1. Every member meets the seed; the cluster bus spreads the rest. A newcomer meets every
   * member itself: waiting for gossip to spread it costs seconds. True once every member knows
   * every other one (the next steps may run).
   */
  private async meetAll(p: FormationPass): Promise<boolean> {
    const { g, members, ids, view, known } = p;
    const strangers = members.filter((m) => !known.has(ids.get(m.id)!));
    if (strangers.length) await giveFreshEpochs(members.map((m) => this.client(m)), view);
    for (const m of strangers) {
      for (const other of members) {
        if (other !== m) await meet(this.client(m), nodeOf(other).address, nodeOf(other).port).catch(() => undefined);
      }
    }
    if (strangers.length || view.some((n) => n.handshake)) return false;
    // Converged when every member knows every other one outside the handshake (cluster_known_nodes
    // counts handshakes, so it is no signal). Once available, the seed's view is enough.
    if (g.status !== 'available' || g.resharding) {
      const memberIds = [...ids.values()];
      const views = new Map<string, ClusterNode[]>();
      for (const m of members) {
        const nodes = await clusterNodes(this.client(m));
        const seen = new Map(nodes.map((n) => [n.id, n]));
        if (memberIds.some((id) => !seen.has(id) || seen.get(id)!.handshake)) return false;
        views.set(ids.get(m.id)!, nodes);
      }
      p.views = views;
    }
    return true;
  }

  /** 3. Slots nobody owns go to the shard the record gives them to (a new cluster). */
  private async assignFreeSlots({ g, shards, clusters, members, ids }: FormationPass, ownerOf: Map<number, string>): Promise<void> {
    for (const ng of shards) {
      const primary = clusters.get(ng.primaryClusterId)!;
      const free = parseSlots(ng.slots).flatMap(([a, b]) => splitFree(a, b, ownerOf));
      if (!free.length) continue;
      try {
        await addSlotsRange(this.client(primary), free);
      } catch (e) {
        // Free in the seed's view only: a split after a failover (split-slots.ts). Mended, then the pass starts over.
        if (!/already busy/i.test((e as Error).message)) throw e;
        const byNodeId = new Map(members.map((m) => [ids.get(m.id)!, m]));
        const member = (id: string) => { const m = byNodeId.get(id); return m && this.client(m); };
        if (!(await repairSplitSlots(this.client(primary), free, member, this.d.logger, g.id))) throw e;
        throw new Error(`slots seen free by ${g.id}'s seed were given back to the primary its peers saw own them; next pass`, { cause: e });
      }
    }
  }

  /**
   * 4. Slots owned by another shard migrate, a time-bounded batch per pass. Counts what moved
   * (and what is still to move) in `result`.
   */
  private async migrateSlots(p: FormationPass, ownerOf: Map<number, string>, result: FormationResult): Promise<void> {
    const planned = await this.plannedMoves(p, ownerOf);
    result.planned = planned.length;
    // Redis 7.0 loses a slot's keys when its old owner's epoch overtakes the new owner's while
    // some node still sees the old one (slot-views.ts): moves into such a node wait a pass.
    const held = planned.length ? heldTargets(planned, await this.memberViews(p)) : new Map<string, string>();
    for (const [id, why] of held) this.d.logger.debug({ resource: p.g.id, node: id, why }, 'slot moves into this node wait');
    const moves = planned.filter((mv) => !held.has(mv.to));
    const primaries = p.shards.map((ng) => p.clusters.get(ng.primaryClusterId)!);
    const byNodeId = new Map(p.members.map((m) => [p.ids.get(m.id)!, m]));
    const deadline = Date.now() + this.migrationBudgetMs;
    // Several slots at once: the cost per slot is round trips and nodes.conf writes, not bandwidth.
    // A slot that fails stops the pass, but the slots that did move are counted (the progress
    // shown and the completion event would otherwise miss them: the next pass no longer sees them).
    let failure: unknown;
    let finished = 0;
    // A move from or to a node that is no member (an id left by a node that lost its nodes.conf)
    // cannot be carried out here: it stays pending, and the pass says so.
    const strangers = moves.filter((mv) => !byNodeId.has(mv.from) || !byNodeId.has(mv.to));
    if (strangers.length) {
      const ids = [...new Set(strangers.flatMap((mv) => [mv.from, mv.to]).filter((id) => !byNodeId.has(id)))].sort();
      result.waiting = `slots are held by or meant for nodes that are not members of ${p.g.id} (${ids.join(', ')})`;
    }
    // A pool of workers, each taking the next slot as soon as its last one is done (a batch that
    // waited for its slowest slot left the others idle).
    let next = 0;
    const worker = async () => {
      while (next < moves.length && Date.now() <= deadline && failure === undefined) {
        const mv = moves[next++]!;
        const src = byNodeId.get(mv.from);
        const dst = byNodeId.get(mv.to);
        if (!src || !dst) continue;
        try {
          const r = await migrateSlot({
            source: { client: this.client(src), address: nodeOf(src).address, port: nodeOf(src).port, id: mv.from },
            target: { client: this.client(dst), address: nodeOf(dst).address, port: nodeOf(dst).port, id: mv.to },
            others: primaries.filter((q) => q !== src && q !== dst).map((q) => this.client(q)),
            slot: mv.slot,
            // MIGRATE logs in on the target as the admin user (the default user may need an AUTH token).
            auth: this.d.admin.options(nodeOf(dst).address, nodeOf(dst).port).auth,
          });
          finished++;
          // One found done already (this pass's view was older than the nodes') is not counted
          // again: the progress shown is of slots really moved.
          if (!r.alreadyDone) result.slotsMoved++;
          result.keysMoved += r.keysMoved;
        } catch (e) {
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MIGRATION_CONCURRENCY, moves.length) }, worker));
    if (failure !== undefined) this.d.logger.warn({ err: failure, resource: p.g.id }, 'slot migration failed; retried on the next pass');
    result.pendingMoves = planned.length - finished;
  }

  /** Every member's CLUSTER NODES, by its node id (one that does not answer is left out); read once a pass. */
  private async memberViews({ members, ids, views }: FormationPass): Promise<Map<string, ClusterNode[]>> {
    if (views) return views;
    const out = new Map<string, ClusterNode[]>();
    await Promise.all(members.map(async (m) => {
      const view = await clusterNodes(this.client(m)).catch(() => undefined);
      if (view) out.set(ids.get(m.id)!, view);
    }));
    return out;
  }

  /** The slots to move: those owned by the wrong shard, and those left half-way. */
  private async plannedMoves({ shards, clusters, ids }: FormationPass, ownerOf: Map<number, string>): Promise<PlannedMove[]> {
    const wantedBy = new Map<number, string>();
    for (const ng of shards) for (const [a, b] of parseSlots(ng.slots)) for (let s = a; s <= b; s++) wantedBy.set(s, ng.id);
    const primaryIdOf = new Map(shards.map((ng) => [ng.id, ids.get(ng.primaryClusterId)!]));
    const shardOfNode = new Map(shards.map((ng) => [ids.get(ng.primaryClusterId)!, ng.id]));
    const moves: PlannedMove[] = [];
    for (const [slot, owner] of ownerOf) {
      const want = wantedBy.get(slot);
      if (want && shardOfNode.get(owner) !== want) moves.push({ slot, from: owner, to: primaryIdOf.get(want)! });
    }
    // Slots left half-way (MIGRATING/IMPORTING after a crash, or owned by the target while the
    // source still migrates) are finished first. Each node shows only its own open slots.
    const moving = new Set(moves.map((m) => m.slot));
    for (const ng of shards) {
      const me = await clusterMyself(this.client(clusters.get(ng.primaryClusterId)!));
      for (const o of me.migrating) if (!moving.has(o.slot)) { moves.push({ slot: o.slot, from: me.id, to: o.to }); moving.add(o.slot); }
      for (const o of me.importing) if (!moving.has(o.slot)) { moves.push({ slot: o.slot, from: o.from, to: me.id }); moving.add(o.slot); }
    }
    return moves;
  }

  /** 5. Replicas follow their shard's primary. True when every replica already did, with its link up. */
  private async followPrimaries({ shards, clusters, ids, known, views }: FormationPass): Promise<boolean> {
    let replicasOk = true;
    for (const ng of shards) {
      const primaryId = ids.get(ng.primaryClusterId)!;
      for (const id of ng.memberClusters) {
        if (id === ng.primaryClusterId) continue;
        const m = clusters.get(id)!;
        const entry = known.get(ids.get(id)!);
        if (entry?.role !== 'replica' || entry.primaryId !== primaryId) {
          // The seed may not have heard yet: a replica that already follows its primary in its
          // own view is not told again (each CLUSTER REPLICATE drops and reopens its link).
          const me = views?.get(ids.get(id)!)?.find((n) => n.myself) ?? await clusterMyself(this.client(m)).catch(() => undefined);
          if (me?.role !== 'replica' || me.primaryId !== primaryId) await replicate(this.client(m), primaryId);
          replicasOk = false;
        } else if (!nodeOf(m).observed?.linkUp) {
          replicasOk = false;
        }
      }
    }
    return replicasOk;
  }

  /** 6. Nodes the group no longer has (removed shards) are forgotten by everyone. */
  private async forgetRemoved({ members, ids, view }: FormationPass): Promise<void> {
    const memberIds = new Set(ids.values());
    for (const n of view) {
      if (memberIds.has(n.id)) continue;
      for (const m of members) await forget(this.client(m), n.id).catch(() => undefined);
    }
  }

  /** 7. Every member serves all 16384 slots, names the seed's owner for each, and sees each shard's primary and replicas as the record says. */
  private async agreed({ g, shards, members, ids, view }: FormationPass): Promise<boolean> {
    const expectedPrimaryOf = new Map<string, string | undefined>();
    for (const ng of shards) {
      const primaryId = ids.get(ng.primaryClusterId)!;
      for (const id of ng.memberClusters) expectedPrimaryOf.set(ids.get(id)!, id === ng.primaryClusterId ? undefined : primaryId);
    }
    const owners = ownership(view);
    for (const m of members) {
      const info = await clusterInfo(this.client(m));
      if (info.cluster_state !== 'ok' || Number(info.cluster_slots_ok) !== 16384) return false;
      const nodes = await clusterNodes(this.client(m));
      // Every member names the seed's owner for every slot: a node left with an older owner would
      // send clients back and forth, and turn an epoch bump into lost keys (slot-views.ts).
      if (ownership(nodes) !== owners) return false;
      const seen = new Map(nodes.map((n) => [n.id, n]));
      for (const [id, primaryId] of expectedPrimaryOf) {
        const n = seen.get(id);
        if (!n || n.handshake) return false;
        if (primaryId === undefined ? n.role !== 'primary' || n.slots.length === 0 : n.role !== 'replica' || n.primaryId !== primaryId) return false;
      }
      // What a client discovers: CLUSTER SLOTS leaves out a replica until its replication offset
      // has reached this node by gossip, so the group does not turn available before every member
      // is named (once available, the views above are enough: no extra round trip at rest).
      if (g.status !== 'available' && !everyNodeInSlots(await this.client(m).call('CLUSTER', 'SLOTS'), expectedPrimaryOf.keys())) return false;
    }
    return true;
  }
}

/** Whether a CLUSTER SLOTS reply ([start, end, [ip, port, id, …], …]) names every one of `ids`. */
export function everyNodeInSlots(reply: unknown, ids: Iterable<string>): boolean {
  const named = new Set<string>();
  for (const range of Array.isArray(reply) ? reply : []) {
    for (const node of (range as unknown[]).slice(2)) if (Array.isArray(node) && typeof node[2] === 'string') named.add(node[2]);
  }
  for (const id of ids) if (!named.has(id)) return false;
  return true;
}

/** Slot → owning primary's node id, as one node sees it. */
function slotOwners(view: ClusterNode[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const n of view) if (n.role === 'primary') for (const [a, b] of n.slots) for (let s = a; s <= b; s++) out.set(s, n.id);
  return out;
}

/** The sub-ranges of a..b that nobody owns. */
function splitFree(a: number, b: number, ownerOf: Map<number, string>): SlotRange[] {
  const out: SlotRange[] = [];
  let start = -1;
  for (let s = a; s <= b + 1; s++) {
    const free = s <= b && !ownerOf.has(s);
    if (free && start < 0) start = s;
    if (!free && start >= 0) { out.push([start, s - 1]); start = -1; }
  }
  return out;
}
