import { observeNode, configSet } from '../engine/admin.js';
import type { Target } from '../endpoints/types.js';
import { nodeKey } from '../resources/naming.js';
import { unlessExited } from '../engine/unless-exited.js';
import { inMaintenanceWindow } from '../resources/windows.js';
import { clusterDelete, clusterSpecWrite, clusterStatusWrite, type CacheClusterRecord, type CacheNodeRecord, type CacheParameterGroupRecord, type ClusterView, type NodeObservation, type WriteOp } from '../store/index.js';
import { appliedParameters, applyPlan, changedParameters, desiredParameters, nodeSpec, parameterOverrides } from './desired.js';
import type { ReconcilerDeps } from './deps.js';
import { SecurityStep } from './security.js';
import { ConfigDrift, managedConfig, shown } from './drift.js';
import type { NodeSpec } from '../engine/types.js';
import { finalSnapshotGate } from './backups/final-snapshot.js';
import { DEFAULT_SERVERLESS_SCALING } from '../core/index.js';
import { serverlessNodeParameters } from './serverless/node-parameters.js';
import { largestUsedMemory, refuseScaleDown } from './scale-down.js';

/**
 * Drives one cache cluster's nodes toward its record, in order, each step safe to repeat:
 * deletion → processes (start, adopt, reboot) → observation → parameters → status.
 * Replication roles are the group controller's business; this controller only starts a replica
 * with its primary in its config so that a fresh group syncs without another round trip.
 * Returns true while the cluster is converging (the loop then runs again soon).
 */
export class ClusterController {
  private readonly security: SecurityStep | undefined;
  private readonly drift: ConfigDrift;

  /** `driftCheckIntervalMs`: how often each cluster is checked for configuration drift (drift.ts); 0: never. */
  constructor(private readonly d: ReconcilerDeps, opts: { driftCheckIntervalMs?: number } = {}) {
    this.security = d.security ? new SecurityStep(d, d.security) : undefined;
    this.drift = new ConfigDrift(opts.driftCheckIntervalMs ?? 0, () => d.now().getTime());
  }

  /** The spec node `n` of `c` starts from, as a pass renders it (cluster mode: no replica of); undefined with incompatible parameters. */
  async specOf(c: CacheClusterRecord, n: CacheNodeRecord): Promise<NodeSpec | undefined> {
    const group = await serverlessNodeParameters(this.d.store, this.d.serverless?.scaling?.settings ?? DEFAULT_SERVERLESS_SCALING, c,
      (await this.d.store.get('cacheParameterGroup', c.cacheParameterGroupName))?.doc);
    return group && nodeSpec(c, n, group, this.d.engines, undefined, await this.security?.nodeSecurity(c, n, nodeKey(c.id, n.id)));
  }

  /**
   * `mayRestart` false: a dead process of this cluster must not be restarted in place yet (it is
   * a failed primary the group controller is replacing through failover). `notPrimary`: a
   * cluster-mode member that is not its shard's primary; a process of it that has to be started
   * again starts without the slots its nodes.conf claims (engine/cluster-config-file.ts).
   */
  async reconcile(stored: ClusterView, replicaOf: Target | undefined, mayRestart = true, notPrimary = false): Promise<boolean> {
    const c: CacheClusterRecord = structuredClone(stored.doc);
    if (c.deleteRequested) return this.delete(stored);

    // A serverless cache's backing nodes: the configuration it fixes, and maxmemory from its limits.
    const group = await serverlessNodeParameters(this.d.store, this.d.serverless?.scaling?.settings ?? DEFAULT_SERVERLESS_SCALING, c,
      (await this.d.store.get('cacheParameterGroup', c.cacheParameterGroupName))?.doc);
    if (!group) {
      c.status = 'incompatible-parameters';
      await this.save(stored, c);
      return false;
    }
    // A non-immediate node type change waits for the maintenance window, as on ElastiCache: then
    // the reconciler carries it out as a spec transition (at the spec's version), and goes on next pass.
    if (c.pending.cacheNodeType && inMaintenanceWindow(c.preferredMaintenanceWindow, this.d.now())) {
      const next = structuredClone(c);
      next.cacheNodeType = c.pending.cacheNodeType;
      delete next.pending.cacheNodeType;
      await this.d.store.commit(clusterSpecWrite(stored, next));
      this.d.logger.info({ resource: c.id, cacheNodeType: next.cacheNodeType }, 'pending node type applied in the maintenance window');
      return true;
    }
    const reboot = new Set(c.rebootRequested ?? []);
    const specs = new Map<string, NodeSpec>();
    for (const n of c.nodes) {
      const key = nodeKey(c.id, n.id);
      let pid: number | undefined;
      try {
        const spec = nodeSpec(c, n, group, this.d.engines, replicaOf, await this.security?.nodeSecurity(c, n, key));
        if (notPrimary && spec.config['cluster-enabled'] === 'yes') spec.dropSlotClaims = true;
        specs.set(n.id, spec);
        if (reboot.has(n.id)) {
          await this.persistBeforeRestart(n);
          pid = (await this.d.provider.restart(spec)).pid;
          reboot.delete(n.id);
          c.rebootsDone = { ...c.rebootsDone, [n.id]: c.rebootRequests?.[n.id] ?? 0 };
          if (c.restartWanted) c.restartWanted = c.restartWanted.filter((id) => id !== n.id);
          if (c.restartWanted?.length === 0) delete c.restartWanted;
          n.parameterGroupStatus = 'in-sync';
          n.status = 'rebooting';
          await this.d.events.emit('cache-cluster', c.id, `Cache node ${n.id} of ${c.id} restarted`);
        } else {
          const before = await this.d.provider.status(key);
          if (!before.running && !mayRestart) {
            n.observed = { ...n.observed, lastError: 'process not running; waiting for failover before recovering it' };
            continue;
          }
          const after = await this.d.provider.ensureRunning(spec);
          pid = after.pid;
          if (!before.running && n.observed?.pid && after.pid !== n.observed.pid) {
            const exit = before.lastExit;
            const why = exit ? ` (its process ended: ${exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'not observed'})` : '';
            await this.d.events.emit('cache-cluster', c.id, `Recovering cache nodes ${n.id}${why}`, 'warn');
            n.status = 'creating';
            n.recovering = true;
          }
        }
      } catch (err) {
        n.observed = { ...n.observed, lastError: (err as Error).message };
        this.d.logger.warn({ err, resource: c.id, node: n.id }, 'could not start cache node');
      }
      // A new process runs the rendered config, so it serves the cluster's TLS mode.
      if (pid !== undefined && pid !== n.observed?.pid) this.security?.started(c, n);
      n.observed = await this.observe(c, n, pid);
    }
    c.rebootRequested = [...reboot];
    if (c.rebootRequested.length === 0) delete c.rebootRequested;
    // Every node restarted since the change runs the full desired config: nothing is pending any more.
    if (c.parameterApplyStatus === 'pending-reboot' && c.nodes.every((n) => n.parameterGroupStatus === 'in-sync')) {
      c.appliedParameters = parameterOverrides(group.family, desiredParameters(group));
      c.appliedNodeType = c.cacheNodeType;
      c.parameterApplyStatus = 'in-sync';
    }

    const answering = c.nodes.every((n) => n.observed?.lastError === undefined);
    for (const n of c.nodes) {
      if (n.observed?.lastError === undefined && (n.status === 'creating' || n.status === 'rebooting')) n.status = 'available';
      if (n.recovering && n.status === 'available' && (n.observed?.role !== 'replica' || n.observed.linkUp)) {
        delete n.recovering;
        await this.d.events.emit('cache-cluster', c.id, `Finished recovery for cache nodes ${n.id}`);
      }
    }
    if (answering && (await this.applyParameters(stored, c, group)) === 'refused') return true;
    if (answering) await this.repairDrift(c, group, specs);
    const secured = answering && (await this.applySecurity(c, specs));
    this.setStatus(c, answering, secured);
    await this.save(stored, c);
    return c.status !== 'available' && c.status !== 'restore-failed';
  }

  /**
   * Live security settings (AUTH token ACL, masterauth, re-issued certificates) on every node;
   * true once all match, when the cluster records the auth version its nodes run.
   */
  private async applySecurity(c: CacheClusterRecord, specs: Map<string, NodeSpec>): Promise<boolean> {
    if (!this.security) return true;
    let ok = true;
    for (const n of c.nodes) {
      const spec = specs.get(n.id);
      ok = (spec !== undefined && (await this.security.applyLive(c, n, nodeKey(c.id, n.id), spec))) && ok;
    }
    const acl = ok ? this.security.appliedAcl(c) : undefined;
    if (acl && c.appliedAcl !== acl) c.appliedAcl = acl; // RBAC: the ACL users live on the node (rbac-controller.ts)
    if (ok && c.auth && c.appliedAuthVersion !== c.auth.version) {
      c.appliedAuthVersion = c.auth.version;
      if (c.auth.lastStrategy && !c.replicationGroupId) {
        await this.d.events.emit('cache-cluster', c.id, `AUTH token ${c.auth.lastStrategy === 'ROTATE' ? 'rotated' : 'set'} for cache cluster ${c.id}`);
      }
    }
    return ok;
  }

  private async observe(c: CacheClusterRecord, n: CacheNodeRecord, pid: number | undefined, retry = true): Promise<NodeObservation> {
    if (pid === undefined) return { ...n.observed, lastError: n.observed?.lastError ?? 'process not running' };
    try {
      // A node whose process ends meanwhile fails the observation at once (unless-exited.ts).
      const info = await unlessExited(this.d.provider, nodeKey(c.id, n.id), observeNode(this.d.admin.client(n.address, n.port)));
      // A replica in a full sync is making progress, not stuck: its link-down clock starts after.
      const linkDown = info.role === 'replica' && !info.linkUp && !info.syncInProgress;
      return {
        pid,
        role: info.role,
        ...(info.role === 'replica' ? { linkUp: info.linkUp ?? false, following: `${info.masterHost}:${info.masterPort}` } : {}),
        ...(linkDown ? { linkDownSince: n.observed?.linkDownSince ?? this.d.now().toISOString() } : {}),
        engineVersion: info.version,
        runId: info.runId,
      };
    } catch (err) {
      const message = (err as Error).message;
      // A node started before it had an admin user refuses the admin's credentials: add the user.
      if (retry && this.security && /WRONGPASS|NOAUTH/.test(message) && (await this.security.bootstrapAdminUser(n))) {
        // Its other users (an unrestricted default user among them) are verified again in this pass.
        this.security.recheck(nodeKey(c.id, n.id));
        return this.observe(c, n, pid, false);
      }
      // Or it serves TLS where the record says plaintext, or the reverse (a mode change cut short).
      if (retry && this.security && (await this.security.probeTransit(c, n))) return this.observe(c, n, pid, false);
      return { ...n.observed, pid, lastError: message };
    }
  }

  /**
   * Applies changed parameters: CONFIG SET for dynamic ones now; the rest wait for a reboot. A
   * node type whose memory the data does not fit is refused instead (scale-down.ts).
   */
  private async applyParameters(stored: ClusterView, c: CacheClusterRecord, group: CacheParameterGroupRecord): Promise<'refused' | undefined> {
    const desired = desiredParameters(group);
    if (!c.appliedParameters) {
      // First time seen running: the config file it started with holds the desired values.
      c.appliedParameters = parameterOverrides(group.family, desired);
      c.appliedNodeType = c.cacheNodeType;
      return;
    }
    const changed = changedParameters(c, group);
    if (changed.length === 0) {
      c.parameterApplyStatus = 'in-sync';
      return;
    }
    const plan = applyPlan(c, group, changed);
    const maxmemory = plan.pairs.find(([k]) => k === 'maxmemory');
    if (maxmemory && c.appliedNodeType !== undefined && c.appliedNodeType !== c.cacheNodeType) {
      const used = await largestUsedMemory(this.d, c);
      if (used > Number(maxmemory[1])) {
        await refuseScaleDown(this.d, stored, used, Number(maxmemory[1]));
        return 'refused';
      }
    }
    if (plan.pairs.length > 0) {
      const pairs = Object.fromEntries(plan.pairs);
      await Promise.all(c.nodes.map((n) => configSet(this.d.admin.client(n.address, n.port), pairs)));
      this.d.logger.info({ resource: c.id, parameters: plan.pairs.map(([k]) => k) }, 'parameters applied with CONFIG SET');
    }
    const waiting = new Set([...plan.pendingReboot, ...plan.restartRequired]);
    const applied = appliedParameters(c, group.family);
    for (const name of changed) if (!waiting.has(name) && name in desired) applied[name] = desired[name]!;
    c.appliedParameters = parameterOverrides(group.family, applied);
    c.appliedNodeType = c.cacheNodeType;
    if (waiting.size > 0) {
      c.parameterApplyStatus = 'pending-reboot';
      for (const n of c.nodes) n.parameterGroupStatus = 'pending-reboot';
    } else {
      c.parameterApplyStatus = 'in-sync';
    }
  }

  /**
   * Configuration drift (drift.ts), at its own cadence and only while the parameters are in sync:
   * managed settings found changed on a node are put back, each an event; the security step
   * verifies the node's ACL and security settings again in this same pass (security.ts recheck).
   */
  private async repairDrift(c: CacheClusterRecord, group: CacheParameterGroupRecord, specs: Map<string, NodeSpec>): Promise<void> {
    if (c.parameterApplyStatus !== 'in-sync' || !this.drift.due(c.id)) return;
    for (const n of c.nodes) {
      const key = nodeKey(c.id, n.id);
      const spec = specs.get(n.id);
      if (!spec) continue;
      this.security?.recheck(key);
      try {
        const repaired = await this.drift.repair(await this.d.admin.ready(n.address, n.port), key, managedConfig(c, group, spec));
        for (const x of repaired) {
          await this.d.events.emit('cache-cluster', c.id, `Parameter ${x.name} of cache node ${n.id} of ${c.id} had drifted: ` +
            `observed ${shown(x.name, x.observed)}, desired ${shown(x.name, x.desired)}; restored to the desired value`, 'warn');
        }
      } catch (err) {
        this.d.logger.warn({ resource: c.id, node: n.id, err: (err as Error).message }, 'could not check configuration drift; will retry');
      }
    }
  }

  private setStatus(c: CacheClusterRecord, answering: boolean, secured: boolean): void {
    // A restore that failed leaves the cluster there for the user to delete; it is never available.
    if (c.status === 'restore-failed') return;
    const wasCreating = c.status === 'creating';
    if (c.rebootRequested?.length || c.nodes.some((n) => n.status === 'rebooting')) {
      c.status = 'rebooting cache cluster nodes';
    } else if (answering && !secured && !wasCreating) {
      c.status = 'modifying'; // e.g. an AUTH token update not yet live on every node
    } else if (answering && secured && c.restore && c.restoreState?.state !== 'done') {
      // Seeded from a snapshot: the snapshot controller loads the data before it may turn available.
      c.restoreState ??= { state: 'waiting', attempts: 0 };
    } else if (answering && secured) {
      c.status = 'available';
      if (c.nodes.every((n) => n.parameterGroupStatus === 'in-sync')) c.parameterApplyStatus = 'in-sync';
      if (wasCreating) void this.d.events.emit('cache-cluster', c.id, `Cache cluster ${c.id} created`);
    }
  }

  /** A reboot keeps the data set: the node writes an RDB that the restarted process loads. */
  private async persistBeforeRestart(n: CacheNodeRecord): Promise<void> {
    try {
      const client = await this.d.admin.ready(n.address, n.port);
      await client.call('SAVE');
    } catch (err) {
      this.d.logger.warn({ err, node: n.address }, 'SAVE before reboot failed; the node restarts without its data');
    }
  }

  private async delete(view: ClusterView): Promise<boolean> {
    const c = view.doc;
    // A final snapshot is taken before the node stops; one that failed calls the deletion off.
    const gate = await finalSnapshotGate(this.d.store, c.finalSnapshotName);
    if (gate === 'wait') return true;
    if (gate === 'cancel') {
      const { deleteRequested: _d, finalSnapshotName: _f, ...rest } = c;
      await this.d.store.commit(clusterSpecWrite(view, rest), { events: [this.d.events.event('cache-cluster', c.id,
        `Final snapshot ${c.finalSnapshotName} of cache cluster ${c.id} failed; the cache cluster was not deleted`, 'warn')] });
      return true;
    }
    await Promise.all(c.nodes.map(async (n) => {
      // The data set is being thrown away: no waiting for replicas to catch up (SHUTDOWN's default).
      await this.d.admin.client(n.address, n.port).call('SHUTDOWN', 'NOSAVE', 'NOW', 'FORCE').catch(() => undefined);
      await this.d.provider.remove(nodeKey(c.id, n.id));
      this.d.admin.release(n.address, n.port);
      this.security?.forget(nodeKey(c.id, n.id));
      this.drift.forget(nodeKey(c.id, n.id));
      await this.d.security?.certs.remove(nodeKey(c.id, n.id));
    }));
    this.drift.forgetCluster(c.id);
    const ops: WriteOp[] = [
      ...clusterDelete(view),
      ...c.nodes.map((n): WriteOp => ({ op: 'delete', kind: 'address', id: n.address })),
    ];
    if (await this.d.store.get('tags', c.arn)) ops.push({ op: 'delete', kind: 'tags', id: c.arn });
    await this.d.store.commit(ops);
    await this.d.events.emit('cache-cluster', c.id, `Cache cluster ${c.id} deleted`);
    return false;
  }

  /** Writes the status half only when something changed, and only over the version it read. */
  private async save(stored: ClusterView, next: CacheClusterRecord): Promise<void> {
    await this.d.store.commit(clusterStatusWrite(stored, next));
  }
}
