import type { AdminPool } from '../engine/admin.js';
import type { EventSink } from '../events/sink.js';
import { newFailover, stepFailover, type FailoverDeps } from '../failover/machine.js';
import { adminNodeControl, type NodeControl } from '../failover/node-control.js';
import { clusterOps, replicationOps, type ShardOps } from '../failover/shard-ops.js';
import {
  afterWrite, groupStatusWrite, groupTransitionWrite, type CacheClusterRecord, type EventRecord, type GroupView, type ReplicationGroupRecord, type ShardRecord,
  type StateStore, type WriteOp,
} from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { EndpointSwitch } from './network.js';
import { markUnavailable, shouldFailOver, type MonitorView } from './shard-rules.js';

/** Bounds the steps of one failover in one pass (a whole failover takes five; a vanished replica adds a select). */
const MAX_STEPS_PER_PASS = 8;

/** What the runner touches, injected: the real wiring is `failoverRunner`, unit tests pass fakes. */
export interface FailoverRunnerDeps {
  store: StateStore;
  /** Makes the failover events, which are stored with the step that records them (never emitted on their own). */
  events: Pick<EventSink, 'event'>;
  logger: Logger;
  now(): Date;
  /** Absent in tests that drive the reconciler by hand: then no primary is ever judged down. */
  monitor?: MonitorView;
  nodeKeyOf(c: CacheClusterRecord): string;
  nodes: NodeControl;
  /** The shard operations of the group's mode (REPLICAOF, or CLUSTER FAILOVER/REPLICATE). */
  ops: ShardOps;
  /** The failover's endpoint step (the service's one EndpointNetwork). */
  network: EndpointSwitch;
  /** See FailoverDeps.catchUpMs. */
  catchUpMs?: number;
}

/** One shard of one group, as a controller hands it to the runner for a pass. */
export interface ShardPass {
  /** The record persisted after every step (it holds the shard). */
  group: ReplicationGroupRecord;
  /** The group itself (cluster mode disabled) or one of its node groups. */
  shard: ShardRecord;
  /** How events name the shard: "" or "node group 0002". */
  label: string;
  clusters: Map<string, CacheClusterRecord>;
  writer: GroupWriter;
  /** A primary judged down is failed over (AutomaticFailoverEnabled; always so in cluster mode). */
  automatic: boolean;
}

/**
 * Writes a group's *status* half over the version it was read at (optimistic concurrency: a
 * concurrent write makes the commit fail and the pass retry), skipping writes that change
 * nothing. API writes of the spec half never conflict with it. A change of the spec half is
 * refused (OwnershipError) unless announced with {@link specTransition}: the few steps that
 * finish a request (shards removed after resharding, resharding done) and are then committed
 * at the spec's version read, atomically with the status. Ops queued with `alongside`, and
 * events queued with `event`, land in the same commit as the next write of the group, or not at
 * all: an event is stored exactly once, with the state it tells of.
 */
export class GroupWriter {
  private readonly also: WriteOp[] = [];
  private readonly events: EventRecord[] = [];
  private transition = false;

  constructor(private readonly store: StateStore, private view: GroupView) {}

  alongside(...ops: WriteOp[]): void {
    this.also.push(...ops);
  }

  event(...events: EventRecord[]): void {
    this.events.push(...events);
  }

  /** The next persist may change the spec half too (at the spec version read). */
  specTransition(): void {
    this.transition = true;
  }

  async persist(g: ReplicationGroupRecord): Promise<void> {
    const ops = this.transition ? groupTransitionWrite(this.view, g) : groupStatusWrite(this.view, g);
    if (ops.length === 0 && this.also.length === 0 && this.events.length === 0) return;
    await this.store.commit([...ops, ...this.also], { events: [...this.events] });
    this.also.length = 0;
    this.events.length = 0;
    this.transition = false;
    this.view = afterWrite(this.view, ops, g);
  }
}

/**
 * Runs shards' failovers for the group controllers of both modes: starts one when the health
 * monitor judges a primary down (at once: no throttle, a shard is never left without a primary
 * to wait out a timer) or when the API asked for one (TestFailover, a switchover), steps the
 * failover state machine persisting the status after every step (so a control plane restarted
 * at any point resumes at the step it stopped at), and keeps the group `modifying` while a shard
 * has no serving primary. Every failover event is committed with the status of the step that
 * made it (its detection with the first step's), so a crash anywhere neither loses nor repeats one.
 */
export class FailoverRunner {
  constructor(private readonly d: FailoverRunnerDeps) {}

  writer(stored: GroupView): GroupWriter {
    return new GroupWriter(this.d.store, stored);
  }

  /** The member's node answers (observed this pass without error, and not judged down by the monitor). */
  answering(c: CacheClusterRecord): boolean {
    const n = c.nodes[0];
    if (!n?.observed?.role || n.observed.lastError !== undefined) return false;
    return this.d.monitor ? this.d.monitor.health(this.d.nodeKeyOf(c)).health !== 'down' : true;
  }

  /** The member answers, as a primary. */
  servingPrimary(c: CacheClusterRecord): boolean {
    return this.answering(c) && c.nodes[0]?.observed?.role === 'primary';
  }

  /**
   * False while the process of this member must not be restarted in place: it is the shard's
   * failed primary and a replica can take over (a restarted primary would come back empty and
   * its replicas would copy the empty data set).
   */
  mayRestart(shard: ShardRecord | undefined, c: CacheClusterRecord, automatic: boolean): boolean {
    // A node that has never run (a new group or member) is started, not failed over.
    if (!c.nodes[0]?.observed?.runId || !shard) return true;
    if (shard.failover?.fromClusterId === c.id) return false;
    return !(automatic && c.id === shard.primaryClusterId && shard.memberClusters.length > 1);
  }

  /**
   * One pass over a shard: a failover is started when its primary is down, the group is marked
   * `modifying` while the shard has a failover under way or no serving primary, and a failover
   * under way advances (several steps while they succeed, each persisted). True when the shard
   * had a failover this pass: the controller then leaves the rest of the group for a later pass.
   */
  async run(p: ShardPass): Promise<boolean> {
    const { group: g, shard } = p;
    const primary = p.clusters.get(shard.primaryClusterId);
    if (!primary) throw new Error(`primary ${shard.primaryClusterId} of ${g.id} has no record`);
    const request = shard.failoverRequest;
    if (!shard.failover && request && request.id !== shard.handledFailoverRequest) {
      // TestFailover or a switchover the API recorded: started once (the status records its id).
      shard.handledFailoverRequest = request.id;
      const to = request.toClusterId && shard.memberClusters.includes(request.toClusterId) && request.toClusterId !== primary.id ? request.toClusterId : undefined;
      if (request.reason === 'test-failover' || to) shard.failover = newFailover(request.reason, primary.id, this.d.now(), to);
    }
    if (!shard.failover && p.automatic && shouldFailOver(this.d, shard, primary)) {
      shard.failover = newFailover('primary-down', primary.id, this.d.now());
      p.writer.event(this.d.events.event('replication-group', g.id,
        `Primary ${primary.id}${p.label ? ` of ${p.label}` : ''} is down; failing over to a replica`, 'warn'));
    }
    if (shard.failover || !this.servingPrimary(primary)) markUnavailable(g);
    if (!shard.failover) return false;
    const machine = this.machineDeps(g, p.label, p.writer);
    for (let i = 0; i < MAX_STEPS_PER_PASS && shard.failover; i++) {
      const r = await stepFailover(machine, shard, p.clusters);
      await p.writer.persist(g);
      if (r !== 'advanced') break;
    }
    return true;
  }

  private machineDeps(g: ReplicationGroupRecord, label: string, writer: GroupWriter): FailoverDeps {
    const { nodes, events, logger, ops } = this.d;
    return {
      nodes, logger, ops, now: () => this.d.now(), groupId: g.id, shardLabel: label,
      record: (message, level) => writer.event(events.event('replication-group', g.id, message, level)),
      healthy: (c) => this.answering(c),
      switchEndpoint: (from) => this.d.network.switchEndpoint(g, from), catchUpMs: this.d.catchUpMs,
    };
  }
}

/**
 * The production runner of a mode: shard operations and node control over admin connections,
 * the endpoint switch through the injected network owner.
 */
export function failoverRunner(
  d: Omit<FailoverRunnerDeps, 'nodes' | 'ops'> & { admin: AdminPool },
  mode: 'replication' | 'cluster',
): FailoverRunner {
  const ops = mode === 'cluster' ? clusterOps(d.admin) : replicationOps(d.admin);
  return new FailoverRunner({ ...d, nodes: adminNodeControl(d.admin), ops });
}
