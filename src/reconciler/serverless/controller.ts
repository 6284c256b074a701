/**
 * The serverless controller (issue 14): brings each serverless cache's endpoint to its record, in
 * order, each step safe to repeat: deletion → backing group → login on the nodes → scaling
 * (autoscale-controller.ts) → certificate → proxy.json → engine process (start or adopt) → status → usage. The backing group itself is an
 * ordinary replication group, reconciled by the group and cluster controllers like any other.
 *
 * The cache turns `available` once its backing group is available with the login applied and the
 * engine reports, in proxy-status.json, the generation of the proxy.json written for the cache's
 * latest change. Without the engine's code (dist/src/serverless/proxy/main.js, built separately)
 * the cache stays `creating` and says why (an event, and `cachefleet usage`).
 */
import { createHmac } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serverlessPaths, dataPaths } from '../../paths/index.js';
import { NodeCertificates } from '../../security/certs.js';
import { sha256Hex } from '../../security/auth-token.js';
import { ADMIN_USER } from '../../security/node-security.js';
import type { ServerlessProxyConfig } from '../../serverless/proxy/config.js';
import { backingAccessOps } from '../../resources/serverless-backing.js';
import { SERVERLESS_MAX_ARGUMENTS } from '../../resources/serverless.js';
import {
  ConflictError, listServerlessCaches, serverlessCacheRemove, serverlessSpecWrite, serverlessStatusWrite,
  type GroupView, type MergedViews, type ServerlessCacheStatusRecord, type ServerlessCacheView, type ServerlessUsageRecord, type WriteOp,
} from '../../store/index.js';
import { deleteTagOps } from '../../resources/tags.js';
import { releaseAddressOps } from '../../resources/addresses.js';
import { NetworkPolicy } from '../network-policy.js';
import { finalSnapshotGate } from '../backups/final-snapshot.js';
import type { ReconcilerDeps } from '../deps.js';
import { EngineProcess, configGeneration } from './engine-process.js';
import { defaultEngineWorkers, type ServerlessOptions } from './options.js';
import { serverlessMetricData } from './metrics.js';
import { addStorageSample, addWorkerUsage, emptyUsage } from './usage.js';
import { addComputeSample, parseCommandStats, type NodeCommandStats } from './compute-ecpu.js';
import { Autoscaler } from './autoscale-controller.js';

export type { ServerlessOptions };

const DEFAULT_MAIN = new URL('../../serverless/proxy/main.js', import.meta.url);

export class ServerlessController {
  private readonly engines = new Map<string, EngineProcess>();
  private readonly certs: NodeCertificates | undefined;
  private readonly root: string;
  private readonly mainScript: string;
  private readonly lastSample = new Map<string, number>();
  /** The usage as of the last metrics published, per cache. */
  private readonly published = new Map<string, ServerlessUsageRecord>();
  private readonly autoscaler: Autoscaler | undefined;

  constructor(private readonly d: ReconcilerDeps, private readonly views: MergedViews, private readonly o: ServerlessOptions) {
    this.root = dataPaths(o.dataDir).serverless;
    this.mainScript = o.mainScript ?? decodeURIComponent(DEFAULT_MAIN.pathname);
    this.certs = d.security ? new NodeCertificates(d.security.ca, this.root) : undefined;
    this.autoscaler = o.scaling ? new Autoscaler(d, views, o.scaling.svc, o.scaling.settings) : undefined;
  }

  /** One pass over every serverless cache; true while one is converging. */
  async reconcile(): Promise<boolean> {
    const caches = await listServerlessCaches(this.views.reads);
    const groups = new Map((await this.views.groups()).map((g) => [g.id, g]));
    let busy = false;
    for (const v of caches) {
      try {
        busy = (await this.reconcileOne(v, groups.get(v.spec.backingGroupId))) || busy;
      } catch (err) {
        if (!(err instanceof ConflictError)) this.d.logger.warn({ err, resource: v.id }, 'serverless cache step failed; will retry');
        busy = true;
      }
    }
    return busy;
  }

  /** The engine of a cache (for tests and `cachefleet usage`). */
  engine(name: string): EngineProcess {
    let e = this.engines.get(name);
    if (!e) this.engines.set(name, (e = new EngineProcess(serverlessPaths(this.root, name), this.mainScript)));
    return e;
  }

  private async reconcileOne(v: ServerlessCacheView, g: GroupView | undefined): Promise<boolean> {
    const c = v.doc;
    const engine = this.engine(c.name);
    if (v.spec.deleteRequested) return this.delete(v, g, engine);
    if (!g) return this.setStatus(v, { status: 'create-failed', failureReason: `backing group ${v.spec.backingGroupId} is missing` });
    if (g.doc.status === 'create-failed') {
      return this.setStatus(v, { status: 'create-failed', failureReason: g.doc.failureReason ?? 'its nodes could not be created' });
    }
    await this.sampleUsage(v, g, engine);
    // 1. The nodes' login for the endpoint's default-user traffic (no user group): the `default`
    //    user's password, derived from the service's secret (a lost file is made again alike).
    const login = this.d.security && !v.spec.userGroupId ? this.defaultPassword(c.name) : undefined;
    if (login !== undefined && !g.doc.deleteRequested && !g.doc.pending.userGroups && (g.doc.auth?.tokenSha256.join() !== sha256Hex(login) || g.doc.auth.passwordless)) {
      const ops = await backingAccessOps(this.d, g, {
        auth: { tokenSha256: [sha256Hex(login)], passwordless: false, lastModifiedDate: this.d.now().toISOString(), version: (g.doc.auth?.version ?? 0) + 1 },
      });
      await this.d.store.commit(ops);
      return true;
    }
    const groupReady = g.doc.status === 'available' && (g.doc.generation ?? 0) <= g.doc.observedGeneration;
    if (!groupReady) return this.setStatus(v, { waitingFor: `the backing group ${g.id} (${g.doc.status})` });
    // Scaling (one at a time: only while the group is available, so not during a resharding).
    if (this.autoscaler && await this.autoscaler.step(v, g)) return true;
    if (!engine.installed()) {
      return this.setStatus(v, { waitingFor: `the endpoint engine is not installed (${this.mainScript} is missing)` }, 'warn');
    }
    // 2. Certificate, config, process.
    const config = await this.config(v, g, engine, login);
    engine.writeConfig(config);
    let pid = engine.pid();
    if (pid === undefined) {
      pid = engine.start();
      this.d.logger.info({ resource: c.name, pid }, 'started serverless endpoint engine');
    }
    const status = engine.status();
    if (!status || status.generation !== config.generation) return this.setStatus(v, { waitingFor: `the endpoint engine (pid ${pid}) to apply generation ${config.generation}`, proxyPid: pid });
    if (status.errors.length) return this.setStatus(v, { waitingFor: `the endpoint engine: ${status.errors.join('; ')}`, proxyPid: status.pid });
    return this.setStatus(v, { status: 'available', observedGeneration: v.spec.generation, proxyPid: status.pid });
  }

  private async config(v: ServerlessCacheView, g: GroupView, engine: EngineProcess, login: string | undefined): Promise<ServerlessProxyConfig> {
    const c = v.spec;
    const dir = engine.paths.dir;
    const tls = this.certs ? await this.certs.ensure(c.name, [c.endpoint.address]) : undefined;
    const clusters = new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
    const seeds = g.doc.memberClusters.flatMap((id) => clusters.get(id)?.nodes.map((n) => ({ host: n.address, port: n.port })) ?? []);
    if (login !== undefined) engine.writeSecret(engine.paths.defaultLogin, login);
    const allow = c.securityGroupIds.length ? await this.allowList(c.securityGroupIds, c.endpoint.port) : undefined;
    const ecpuMax = c.cacheUsageLimits?.ecpuPerSecond?.maximum;
    const body: Omit<ServerlessProxyConfig, 'generation'> = {
      version: 1,
      cacheName: c.name,
      listen: { host: c.endpoint.address, port: c.endpoint.port, readerPort: c.readerEndpoint.port },
      tls: tls ? { certFile: join(dir, tls.certFile), keyFile: join(dir, tls.keyFile) } : { certFile: '', keyFile: '' },
      ...(allow ? { allow } : {}),
      seeds,
      backend: {
        tls: g.doc.transitEncryptionEnabled,
        ...(g.doc.transitEncryptionEnabled ? { caFile: dataPaths(this.o.dataDir).caCert } : {}),
        admin: { user: ADMIN_USER, passwordFile: dataPaths(this.o.dataDir).adminSecret },
        ...(this.o.managementAddress ? { sourceAddress: this.o.managementAddress } : {}),
      },
      auth: c.userGroupId ? { mode: 'user-group' } : { mode: 'default', defaultLogin: { user: 'default', passwordFile: engine.paths.defaultLogin } },
      workers: this.o.workers ?? defaultEngineWorkers(),
      limits: { maxArguments: SERVERLESS_MAX_ARGUMENTS, ...(ecpuMax !== undefined ? { ecpuPerSecondMax: ecpuMax } : {}) },
    };
    return { ...body, generation: configGeneration(body) };
  }

  /** Sources the cache's security groups admit to its endpoint (as network-policy.ts judges group endpoints). */
  private async allowList(sgIds: string[], port: number): Promise<string[]> {
    const reads = this.views.reads;
    const policy = new NetworkPolicy({
      groups: [], clusters: new Map(),
      securityGroups: (await reads.list('securityGroup')).map((r) => r.doc),
      interfaces: (await reads.list('networkInterface')).map((r) => r.doc),
      ...(this.o.managementAddress ? { managementAddress: this.o.managementAddress } : {}),
    });
    return policy.allowed(sgIds, port, this.o.managementAddress ? [this.o.managementAddress] : []);
  }

  private defaultPassword(name: string): string {
    return createHmac('sha256', this.d.security!.adminPassword).update(`serverless-default:${name}`).digest('hex');
  }

  /**
   * Deletion: the engine stops (proxy.json removed), the backing group goes through the group
   * machinery (asked for by DeleteServerlessCache); once both are gone, the records, the address,
   * the tags and the cache's directory go.
   */
  private async delete(v: ServerlessCacheView, g: GroupView | undefined, engine: EngineProcess): Promise<boolean> {
    // A final snapshot that failed called the backing group's deletion off (group-delete.ts): the
    // cache's too, so it serves again with its data rather than wait for ever in `deleting`.
    if (v.spec.finalSnapshotName && g && !g.doc.deleteRequested && (await finalSnapshotGate(this.d.store, v.spec.finalSnapshotName)) === 'cancel') {
      const { deleteRequested: _d, finalSnapshotName: _f, ...spec } = v.spec;
      await this.d.store.commit(serverlessSpecWrite(v, spec), { events: [this.d.events.event('serverless-cache', v.id,
        `Final snapshot of serverless cache ${v.id} failed; the serverless cache was not deleted`, 'warn')] });
      return true;
    }
    const stopped = engine.stopStep(this.d.now().getTime(), this.o.stopGraceMs ?? 5000);
    if (!stopped || g) return this.setStatus(v, { waitingFor: !stopped ? 'the endpoint engine to exit' : `the backing group ${g!.id} to be deleted` });
    const usage = await this.d.store.get('serverlessUsage', v.id);
    const ops: WriteOp[] = [
      ...serverlessCacheRemove(v),
      ...releaseAddressOps([v.spec.endpoint.address]),
      ...await deleteTagOps(this.d.store, v.spec.arn),
      ...(usage ? [{ op: 'delete', kind: 'serverlessUsage', id: v.id } as const] : []),
    ];
    // The directory first: once the records are gone nothing would remove it (removing it again is harmless).
    await rm(engine.paths.dir, { recursive: true, force: true });
    await this.d.store.commit(ops, { events: [this.d.events.event('serverless-cache', v.id, `Serverless cache ${v.id} deleted`)] });
    this.engines.delete(v.id);
    this.lastSample.delete(v.id);
    this.published.delete(v.id);
    return false;
  }

  /**
   * Writes the observed status (only what changed). An event tells of `available` and of a new
   * reason to wait that the customer must act on (level `warn`).
   */
  private async setStatus(v: ServerlessCacheView, next: Partial<ServerlessCacheStatusRecord>, level?: 'warn'): Promise<boolean> {
    const prev = v.status;
    const status: ServerlessCacheStatusRecord = {
      name: v.id,
      observedGeneration: next.observedGeneration ?? prev?.observedGeneration ?? 0,
      status: next.status ?? (prev?.status === 'available' ? 'available' : 'creating'),
      ...(next.waitingFor ? { waitingFor: next.waitingFor } : {}),
      ...(next.proxyPid ?? prev?.proxyPid ? { proxyPid: next.proxyPid ?? prev?.proxyPid } : {}),
      ...(next.failureReason ? { failureReason: next.failureReason } : {}),
    };
    const ops = serverlessStatusWrite(v, status);
    if (ops.length === 0) return status.status !== 'available' || status.observedGeneration < v.spec.generation;
    const events = [];
    if (status.status === 'available' && prev?.status !== 'available') events.push(this.d.events.event('serverless-cache', v.id, `Serverless cache ${v.id} is available`));
    if (status.status === 'create-failed' && prev?.status !== 'create-failed') events.push(this.d.events.event('serverless-cache', v.id, `Serverless cache ${v.id} could not be created: ${status.failureReason}`, 'warn'));
    if (level === 'warn' && status.waitingFor !== prev?.waitingFor) events.push(this.d.events.event('serverless-cache', v.id, `Serverless cache ${v.id} is waiting for ${status.waitingFor}`, 'warn'));
    await this.d.store.commit(ops, { events });
    return status.status !== 'available' || status.observedGeneration < v.spec.generation;
  }

  /**
   * Sums the workers' counters and, at most every `usageSampleMs`, samples the data stored and the
   * backing nodes' commandstats (the ECPUs of CPU time beyond the commands' size, compute-ecpu.ts),
   * whose rate the engine charges to its throttling buckets (compute.json).
   */
  private async sampleUsage(v: ServerlessCacheView, g: GroupView, engine: EngineProcess): Promise<void> {
    const stored = await this.d.store.get('serverlessUsage', v.id);
    const now = this.d.now();
    const workers = engine.usage();
    let next = addWorkerUsage(stored?.doc ?? emptyUsage(v.id, now), workers);
    const last = this.lastSample.get(v.id) ?? 0;
    if (now.getTime() - last >= (this.o.usageSampleMs ?? 60_000) && g.doc.status === 'available') {
      const bytes = await this.bytesUsed(g);
      if (bytes !== undefined) {
        next = addStorageSample(next, bytes, now);
        next = addComputeSample(next, await this.commandStats(g), now, this.o.computeEcpu);
        this.lastSample.set(v.id, now.getTime());
        // The period's CPU part to the endpoint's throttling, charged until the next sample (two
        // periods at most: one sample missed leaves no gap, a stopped control plane no charge).
        engine.writeCompute({ at: now.toISOString(), ecpuPerSecond: next.computeRate?.ecpuPerSecond ?? 0, forMs: 2 * (this.o.usageSampleMs ?? 60_000) });
        // The period's metrics (from the second sample on: the first is the baseline).
        const before = this.published.get(v.id);
        const connections = workers.reduce((n, w) => n + (Number(w.currConnections) || 0), 0);
        if (before && this.o.metrics) await this.o.metrics.put(serverlessMetricData(v.id, before, next, { bytesUsed: bytes, connections }, now.getTime()));
        this.published.set(v.id, next);
      }
    }
    if (stored && JSON.stringify(next) === JSON.stringify(stored.doc)) return;
    await this.d.store.commit([stored
      ? { op: 'update', kind: 'serverlessUsage', id: v.id, doc: next, expectVersion: stored.version }
      : { op: 'create', kind: 'serverlessUsage', id: v.id, doc: next }]);
  }

  /** Every backing node's INFO commandstats, by cache cluster id (undefined for a node that did not answer). */
  private async commandStats(g: GroupView): Promise<Map<string, NodeCommandStats | undefined>> {
    const clusters = new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
    const out = new Map<string, NodeCommandStats | undefined>();
    await Promise.all(g.doc.memberClusters.map(async (id) => {
      const node = clusters.get(id)?.nodes[0];
      out.set(id, undefined);
      if (!node) return;
      try {
        out.set(id, parseCommandStats(String(await this.d.admin.client(node.address, node.port).info('server', 'replication', 'commandstats'))));
      } catch {
        // Not read this period: its mark stays, and its next reading covers both periods.
      }
    }));
    return out;
  }

  /** BytesUsedForCache: used_memory summed over the shards' primaries (undefined when one does not answer). */
  private async bytesUsed(g: GroupView): Promise<number | undefined> {
    const clusters = new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
    const shards = g.doc.nodeGroups ?? [];
    let total = 0;
    for (const s of shards) {
      const node = clusters.get(s.primaryClusterId)?.nodes[0];
      if (!node) return undefined;
      try {
        const text = String(await this.d.admin.client(node.address, node.port).info('memory'));
        const m = /used_memory:(\d+)/.exec(text);
        if (!m) return undefined;
        total += Number(m[1]);
      } catch {
        return undefined;
      }
    }
    return total;
  }
}
