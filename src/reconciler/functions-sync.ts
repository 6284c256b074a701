/**
 * Cluster formation's step 2, the I/O half of shard-functions.ts: every primary of a cluster-mode
 * group is brought to the Functions libraries of the first shard with slots, a shard about to be
 * given slots at once (and no slot moves while that fails), one already serving its slots once the
 * same difference is seen on two passes in a row.
 */
import type { Redis } from 'ioredis';
import type { ClusterNode } from '../engine/cluster-nodes.js';
import { applyFunctions, libraryCodes, libraryDiff } from '../engine/functions.js';
import type { CacheClusterRecord, NodeGroupRecord } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { functionSyncMode, functionSyncPlan, functionSyncStep, librariesSignature } from './shard-functions.js';

export class FunctionsSync {
  /** Per group and target primary ("group/cluster"): the difference seen on the last pass, as librariesSignature. */
  private readonly suspects = new Map<string, string>();
  /** Per group and target primary: the last failure to bring it to the reference that was logged. */
  private readonly failures = new Map<string, string>();

  constructor(private readonly d: Pick<ReconcilerDeps, 'logger'>, private readonly client: (c: CacheClusterRecord) => Redis) {}

  /**
   * One pass, from the seed's `view` (`ids`: member cluster → node id). Returns why a shard about
   * to be given slots could not be brought to the reference (the pass must stop before any slot
   * moves and try again next time); a failure on a primary serving its slots is logged and retried
   * next pass, and stops nothing.
   */
  async step(groupId: string, shards: readonly NodeGroupRecord[], view: readonly ClusterNode[], ids: ReadonlyMap<string, string>,
    clusters: ReadonlyMap<string, CacheClusterRecord>): Promise<string | undefined> {
    const plan = functionSyncPlan(shards, view, ids);
    if (!plan) {
      for (const key of this.suspects.keys()) if (key.startsWith(`${groupId}/`)) this.suspects.delete(key);
      return undefined;
    }
    const mode = functionSyncMode(groupId);
    const source = this.client(clusters.get(plan.source)!);
    let wanted: Map<string, string> | undefined;
    try {
      wanted = await libraryCodes(source);
    } catch (e) {
      const why = `the Functions libraries of ${plan.source} could not be read (${(e as Error).message})`;
      if (plan.targets.some((t) => t.gaining)) return why;
      this.failed(groupId, plan.source, why);
      return undefined;
    }
    if (wanted === undefined) return undefined; // Redis 6: no Functions
    for (const target of plan.targets) {
      const key = `${groupId}/${target.clusterId}`;
      try {
        const client = this.client(clusters.get(target.clusterId)!);
        const held = (await libraryCodes(client)) ?? new Map<string, string>();
        const diff = libraryDiff(wanted, held);
        const step = functionSyncStep(mode, diff, target.gaining, librariesSignature(wanted, held), this.suspects.get(key));
        if (step.kind === 'suspect') {
          this.suspects.set(key, step.signature);
          continue;
        }
        this.suspects.delete(key);
        this.failures.delete(key);
        if (step.kind === 'alike' || !(await applyFunctions(source, client, mode, diff))) continue;
        const fields = {
          resource: groupId, from: plan.source, to: target.clusterId, libraries: diff.missing,
          ...(mode === 'exact' && diff.extra.length ? { removed: diff.extra } : {}),
        };
        if (target.gaining) this.d.logger.info(fields, 'Functions copied to a new shard before it is given slots');
        else this.d.logger.info(fields, 'Functions libraries of a primary brought to the group\'s');
      } catch (e) {
        const why = `the Functions libraries could not be copied from ${plan.source} to ${target.clusterId} (${(e as Error).message})`;
        if (target.gaining) return why;
        this.failed(groupId, target.clusterId, why);
      }
    }
    return undefined;
  }

  /** A warning, once for each new reason. */
  private failed(groupId: string, clusterId: string, why: string): void {
    const key = `${groupId}/${clusterId}`;
    if (this.failures.get(key) === why) return;
    this.failures.set(key, why);
    this.d.logger.warn({ resource: groupId }, `${why}; retried on the next pass`);
  }
}
