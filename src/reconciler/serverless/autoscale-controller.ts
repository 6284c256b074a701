/**
 * The autoscaler's I/O half: for one cache whose backing group is available (so never while a
 * scaling is under way: one at a time), observe each shard primary's memory and the ECPU/s since
 * the last evaluation, decide (autoscaler.ts), and record the decision. A scaling is desired state
 * written exactly as ModifyReplicationGroupShardConfiguration writes it (resources/reshard.ts), so
 * the group reconciler moves the slots online with every key kept; the cache gets an event saying
 * what scaled and why, and the decision is kept for `cachefleet usage`.
 */
import type { Services, ServerlessScalingSettings } from '../../core/index.js';
import { planReshard } from '../../resources/reshard.js';
import { shardMemoryBytes } from '../../resources/serverless-scaling.js';
import type { GroupView, MergedViews, ServerlessCacheView, ServerlessScalingRecord, ServerlessUsageRecord, WriteOp } from '../../store/index.js';
import type { ReconcilerDeps } from '../deps.js';
import { decideScaling, type ShardMemory } from './autoscaler.js';
import { emptyUsage } from './usage.js';
import { sizeEcpu } from './compute-ecpu.js';

export class Autoscaler {
  constructor(
    private readonly d: ReconcilerDeps,
    private readonly views: MergedViews,
    private readonly svc: Services,
    private readonly s: ServerlessScalingSettings,
  ) {}

  /** One evaluation (at most every `evaluateIntervalMs`); true when it started a scaling. */
  async step(v: ServerlessCacheView, g: GroupView): Promise<boolean> {
    const shards = g.doc.nodeGroups ?? [];
    if (!this.s.enabled || !g.doc.clusterEnabled || shards.length === 0 || g.doc.resharding || g.doc.deleteRequested) return false;
    const stored = await this.d.store.get('serverlessUsage', v.id);
    const usage: ServerlessUsageRecord = stored?.doc ?? emptyUsage(v.id, this.d.now());
    const state: ServerlessScalingRecord = usage.scaling ?? {};
    const now = this.d.now();
    const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
    const markAt = at(state.ecpuMark?.at);
    if (markAt !== undefined && now.getTime() - markAt < this.s.evaluateIntervalMs) return false;
    const memory = await this.memory(g);
    if (!memory) return false;
    const seconds = markAt !== undefined ? (now.getTime() - markAt) / 1000 : 0;
    // By size from the endpoint's counters since the last evaluation, plus the CPU part's rate
    // (compute-ecpu.ts: it lands once a sample period, so its delta would come in bursts).
    const ecpuPerSecond = seconds > 0 ? Math.max(0, sizeEcpu(usage) - state.ecpuMark!.ecpu) / seconds + (usage.computeRate?.ecpuPerSecond ?? 0) : undefined;
    const lowSince = at(state.lowSince);
    const lastScaledAt = at(state.lastScaledAt);
    const decision = decideScaling(this.s, {
      shards: shards.length, memory, ecpuPerSecond, limits: v.spec.cacheUsageLimits, now: now.getTime(),
      ...(lowSince !== undefined ? { lowSince } : {}), ...(lastScaledAt !== undefined ? { lastScaledAt } : {}),
    });
    const scaling = decision.to !== shards.length;
    const next: ServerlessUsageRecord = {
      ...usage,
      scaling: {
        ecpuMark: { ecpu: sizeEcpu(usage), at: now.toISOString() },
        ...(decision.lowSince !== undefined ? { lowSince: new Date(decision.lowSince).toISOString() } : {}),
        ...(scaling ? { lastScaledAt: now.toISOString() } : state.lastScaledAt ? { lastScaledAt: state.lastScaledAt } : {}),
        ...(scaling ? { lastDecision: { at: now.toISOString(), from: shards.length, to: decision.to, reason: decision.reason } }
          : state.lastDecision ? { lastDecision: state.lastDecision } : {}),
      },
    };
    const usageOp: WriteOp = stored
      ? { op: 'update', kind: 'serverlessUsage', id: v.id, doc: next, expectVersion: stored.version }
      : { op: 'create', kind: 'serverlessUsage', id: v.id, doc: next };
    if (!scaling) {
      await this.d.store.commit([usageOp]);
      return false;
    }
    // Scale in: the highest-numbered shards go (their slots move to the others first).
    const removing = decision.to < shards.length ? shards.map((s) => s.id).sort().slice(decision.to) : [];
    const plan = await planReshard(this.svc, g, decision.to, removing);
    const verb = decision.to > shards.length ? 'out' : 'in';
    await this.d.store.commit([...plan.ops, usageOp], {
      events: [this.d.events.event('serverless-cache', v.id,
        `Serverless cache ${v.id} is scaling ${verb} from ${shards.length} to ${decision.to} shards: ${decision.reason}`)],
    });
    this.d.logger.info({ resource: v.id, from: shards.length, to: decision.to, reason: decision.reason }, 'serverless cache scaling');
    return true;
  }

  /** used_memory and maxmemory of each shard's primary (undefined when one does not answer). */
  private async memory(g: GroupView): Promise<ShardMemory[] | undefined> {
    const clusters = new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
    const out: ShardMemory[] = [];
    for (const s of g.doc.nodeGroups ?? []) {
      const node = clusters.get(s.primaryClusterId)?.nodes[0];
      if (!node) return undefined;
      try {
        const text = String(await this.d.admin.client(node.address, node.port).info('memory'));
        const used = /used_memory:(\d+)/.exec(text);
        const max = /maxmemory:(\d+)/.exec(text);
        if (!used) return undefined;
        out.push({ used: Number(used[1]), max: max && Number(max[1]) > 0 ? Number(max[1]) : shardMemoryBytes(this.s) });
      } catch {
        return undefined;
      }
    }
    return out;
  }
}
