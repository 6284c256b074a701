/**
 * Fixtures of the snapshot controller's unit tests (not used at run time): groups and clusters
 * created through the API handlers on test services, then made to look as the reconciler leaves
 * them (every node answering, replicas' links up), and the controller's deps over the in-memory
 * SnapshotIO, with a hook that stops a job at a chosen step for good, as a kill -9 would.
 */
import { arn } from '../../core/index.js';
import { formatSlots } from '../../engine/cluster-nodes.js';
import { evenSlotRanges } from '../../engine/slot-plan.js';
import { fakeEngine, insertCacheCluster, makeTestServices, type TestServices } from '../../resources/test-services.js';
import {
  clusterSpecWrite, getCluster, getGroup, groupCreate, groupSpecWrite, groupStatusOf, mergeGroup, snapshotCreate,
  type CacheSettings, type ReplicationGroupRecord, type SnapshotSpec,
} from '../../store/index.js';
import { clusterSnapshotSpec, groupSnapshotSpec } from '../../resources/snapshots.js';
import { silentLogger } from '../../util/logger.js';
import { SnapshotController } from './controller.js';
import type { BackupDeps } from './deps.js';

export async function backupServices(now = new Date('2024-01-15T12:00:00Z')): Promise<TestServices> {
  return makeTestServices({ engines: [fakeEngine()], now });
}

let nextAddress = 10;
const address = () => `127.77.0.${nextAddress++}`;

const SETTINGS: CacheSettings = {
  engine: 'redis', engineVersion: '7.0', cacheNodeType: 'cache.t4g.micro', cacheParameterGroupName: 'default.redis7',
  cacheSubnetGroupName: 'default', port: 6379, securityGroupIds: [], preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
  snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00', autoMinorVersionUpgrade: true, transitEncryptionEnabled: false,
  atRestEncryptionEnabled: false,
};

/** A member (or standalone) cluster as the reconciler leaves it: available, its node answering in `role`. */
async function member(t: TestServices, id: string, groupId: string | undefined, role: 'primary' | 'replica', settings: CacheSettings, nodeGroupId?: string): Promise<void> {
  await insertCacheCluster(t.svc, id, {
    ...settings, ...(groupId ? { replicationGroupId: groupId } : {}), ...(nodeGroupId ? { nodeGroupId } : {}),
    nodes: [{
      id: '0001', address: address(), port: 6379, availabilityZone: 'us-east-1a', createdAt: t.svc.now().toISOString(),
      status: 'available', parameterGroupStatus: 'in-sync',
      observed: { pid: 1, runId: `run-${id}`, role, ...(role === 'replica' ? { linkUp: true } : {}), engineVersion: '7.0.15' },
    }],
  });
}

/**
 * A replication group with `shards` shards of a primary and `replicas` replicas, every node
 * answering (`shards` 0: cluster mode disabled, one shard), stored as the reconciler leaves it.
 */
export async function seedGroup(t: TestServices, id: string, o: { shards?: number; replicas?: number; settings?: Partial<CacheSettings>; spec?: Partial<ReplicationGroupRecord> } = {}): Promise<void> {
  const settings = { ...SETTINGS, ...o.settings };
  const replicas = o.replicas ?? 1;
  const sharded = (o.shards ?? 0) > 0;
  const shardIds = sharded ? Array.from({ length: o.shards! }, (_, i) => String(i + 1).padStart(4, '0')) : ['0001'];
  const slots = evenSlotRanges(shardIds.length);
  const memberOf = (s: string, k: number) => (sharded ? `${id}-${s}-${String(k + 1).padStart(3, '0')}` : `${id}-${String(k + 1).padStart(3, '0')}`);
  for (const s of shardIds) {
    for (let k = 0; k <= replicas; k++) await member(t, memberOf(s, k), id, k === 0 ? 'primary' : 'replica', settings, sharded ? s : undefined);
  }
  const endpoint = { address: address(), port: 6379 };
  const g: ReplicationGroupRecord = mergeGroup({
    ...settings, id, arn: arn(t.svc.installation, 'replicationgroup', id), description: `${id} cache`, createdAt: t.svc.now().toISOString(),
    automaticFailoverEnabled: sharded || replicas > 0, multiAZEnabled: false,
    memberClusters: shardIds.flatMap((s) => Array.from({ length: replicas + 1 }, (_, k) => memberOf(s, k))),
    primaryClusterId: memberOf(shardIds[0]!, 0),
    primaryEndpoint: endpoint, readerEndpoint: sharded ? endpoint : { address: address(), port: 6379 }, pending: {},
    ...(sharded ? {
      clusterEnabled: true, configurationEndpoint: endpoint, cacheParameterGroupName: 'default.redis7.cluster.on',
      nodeGroups: shardIds.map((s, i) => ({
        id: s, slots: formatSlots(slots[i]!), primaryClusterId: memberOf(s, 0),
        memberClusters: Array.from({ length: replicas + 1 }, (_, k) => memberOf(s, k)),
      })),
    } : {}),
    ...o.spec,
  }, undefined);
  g.status = 'available';
  await t.store.commit([groupCreate(g), { op: 'create', kind: 'replicationGroupStatus', id, doc: groupStatusOf(g) }]);
}

/** A standalone cluster, available and answering. */
export async function seedCluster(t: TestServices, id: string, settings: Partial<CacheSettings> = {}): Promise<void> {
  await member(t, id, undefined, 'primary', { ...SETTINGS, ...settings });
}

/** What CreateSnapshot records: the snapshot, `creating`, and its source's `snapshotting` marker, in one commit. */
export async function requestSnapshot(t: TestServices, source: string, name: string, o: { final?: boolean; source?: 'manual' | 'automated' } = {}): Promise<SnapshotSpec> {
  const g = await getGroup(t.store, source);
  if (g) {
    const spec = await groupSnapshotSpec(t.svc, g.doc, { name, source: o.source ?? 'manual', final: o.final ?? false });
    await t.store.commit([snapshotCreate(spec), ...groupSpecWrite(g, { ...g.doc, snapshotting: name })]);
    return spec;
  }
  const c = (await getCluster(t.store, source))!;
  const spec = await clusterSnapshotSpec(t.svc, c.doc, { name, source: o.source ?? 'manual', final: o.final ?? false });
  await t.store.commit([snapshotCreate(spec), ...clusterSpecWrite(c, { ...c.doc, snapshotting: name })]);
  return spec;
}

/** The controller's deps on the test services; `stopAt` freezes a job for good at that step (a crash). */
export function backupDeps(t: TestServices, o: { owner?: string; stopAt?: string; steps?: string[]; maxAttempts?: number } & Pick<BackupDeps, 'observe' | 'catchUpMs'> = {}): BackupDeps {
  let killed = false;
  return {
    svc: t.svc, io: t.io, logger: silentLogger, owner: o.owner ?? 'controller-1', kick: () => undefined,
    nodeOptions: () => ({}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    ...(o.observe ? { observe: o.observe } : {}),
    ...(o.catchUpMs !== undefined ? { catchUpMs: o.catchUpMs } : {}),
    // Once the step is reached, every later step of every job stops too, as when the process dies.
    checkpoint: async (step) => {
      o.steps?.push(step);
      if (step === o.stopAt) killed = true;
      if (killed) await new Promise<never>(() => undefined);
    },
  };
}

/** Runs passes until no job runs (the frozen ones aside: at most `passes` passes). */
export async function drain(ctl: SnapshotController, passes = 6): Promise<void> {
  for (let i = 0; i < passes; i++) {
    await ctl.reconcile();
    await Promise.race([ctl.idle(), new Promise((r) => setTimeout(r, 50))]);
  }
}

export async function messages(t: TestServices): Promise<string[]> {
  return (await t.store.queryEvents({})).map((e) => e.message).reverse();
}
