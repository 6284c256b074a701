import type { Kind } from '../store/index.js';

/**
 * Which cache clusters a pass may leave alone. A cluster that a full reconcile left settled
 * (available, nothing pending) is not observed again — no config rendered, no INFO — while
 * everything its reconcile reads is unchanged: its record, its group's and parameter group's
 * versions, the records of other kinds it reads (users, user groups, …), what the reconciler
 * hands it (replication source, may-restart), and its nodes' health as the monitor judges it.
 * A dead process, a hung node or an API change therefore still gets a full reconcile in the
 * next pass (the monitor's verdict change and every commit also kick one). Drift nothing here
 * can see (a role changed by hand) is noticed by a full observation every `observeIntervalMs`,
 * each cluster on its own jittered phase so that they do not all fall in one pass.
 */
export class SettledClusters {
  /** Bumped by commits of kinds a cluster's reconcile reads besides its own, group and parameter group records. */
  private otherGeneration = 0;
  private readonly last = new Map<string, { fingerprint: string; nextFullAt: number }>();

  constructor(
    private readonly observeIntervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Feed it the store's change notifications. */
  committed(kinds: Kind[]): void {
    if (kinds.some((k) => !FINGERPRINTED.has(k))) this.otherGeneration++;
  }

  /** What a cluster's reconcile depends on, as one string. */
  fingerprint(parts: (string | number | boolean | undefined)[]): string {
    return JSON.stringify([this.otherGeneration, ...parts]);
  }

  /**
   * What this pass owes `id`: nothing (`skip`), a full reconcile because something it depends on
   * changed or it is not settled (`changed`), or its periodic full observation (`periodic`).
   */
  check(id: string, fingerprint: string): 'skip' | 'changed' | 'periodic' {
    if (this.observeIntervalMs <= 0) return 'changed';
    const e = this.last.get(id);
    if (e === undefined || e.fingerprint !== fingerprint) return 'changed';
    return this.now() < e.nextFullAt ? 'skip' : 'periodic';
  }


  /** A full reconcile of `id` ended; `settled` when it left the cluster available with nothing pending. */
  reconciled(id: string, fingerprint: string, settled: boolean): void {
    if (!settled) {
      this.last.delete(id);
      return;
    }
    // Between 0.5 and 1.5 periods: full observations of settled clusters spread over passes.
    this.last.set(id, { fingerprint, nextFullAt: this.now() + this.observeIntervalMs * (0.5 + this.random()) });
  }

  /** Forgets clusters that no longer exist. */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    for (const id of this.last.keys()) if (!keep.has(id)) this.last.delete(id);
  }
}

/**
 * Kinds whose records enter the fingerprint by version (cluster, group, parameter group), that
 * only the endpoints use (programmed every pass), or that no cluster's reconcile reads (the
 * status halves of users and user groups: a node's ACL follows their specs only; the event
 * sink's cursor; serverless caches' usage, rewritten by the autoscaler every evaluation): their
 * commits do not touch other clusters.
 */
const FINGERPRINTED: ReadonlySet<Kind> = new Set<Kind>(['cacheCluster', 'cacheClusterStatus', 'replicationGroup', 'replicationGroupStatus', 'cacheParameterGroup', 'address', 'tags', 'securityGroup', 'networkInterface', 'userStatus', 'userGroupStatus', 'eventCursor', 'serverlessUsage']);
