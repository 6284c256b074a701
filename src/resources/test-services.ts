/**
 * A real Services object over a real SqliteStore in a temporary directory, for unit tests of
 * anything that takes Services. Not used at run time. API handler tests take the same through
 * api/actions/test-services.ts, which adds calling an action.
 */
import { archiveCoverage } from '../snapshots/pitr/index.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstalledEngine } from '../catalog/engines.js';
import { arn, defaultConfig, type ServiceConfig, type Services } from '../core/index.js';
import { AwsError } from '../errors/index.js';
import { EventSink } from '../events/sink.js';
import { CachedReads, MergedViews, clusterCreate, clusterStatusOf, clusterStatusWrite, getCluster, getGroup, groupStatusWrite, SqliteStore, type StateStore, type ReplicationGroupRecord, type CacheClusterRecord, type InstallationRecord, type Kind } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { ensureBuiltIns } from './built-ins.js';
import { FakeSnapshotIO } from '../snapshots/fake-io.js';

export interface TestServices {
  svc: Services;
  store: SqliteStore;
  /** The in-memory backup machinery svc.backups reads (keys, buckets); controllers under test take it too. */
  io: FakeSnapshotIO;
  /** How many times svc.kick() was called. */
  kicks(): number;
  /** Moves the clock svc.now() (and the event sink) reads. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export interface TestServicesOptions {
  engines?: InstalledEngine[];
  config?: Partial<ServiceConfig>;
  now?: Date;
  /** Create the built-in parameter and subnet groups (default true). */
  builtIns?: boolean;
  /** The backup machinery (default: a new in-memory one). */
  io?: FakeSnapshotIO;
}

/** Data directories of test services not closed yet: removed when the test process exits, whatever the test did. */
const openDirs = new Set<string>();
process.once('exit', () => {
  for (const d of openDirs) rmSync(d, { recursive: true, force: true });
});

export async function makeTestServices(opts: TestServicesOptions = {}): Promise<TestServices> {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-test-'));
  openDirs.add(dir);
  const store = new SqliteStore(join(dir, 'state.db'));
  let now = opts.now ?? new Date();
  let kicks = 0;
  const clock = () => new Date(now.getTime());
  const installation: InstallationRecord = {
    id: 'installation', accountId: '123456789012', region: 'us-east-1', createdAt: clock().toISOString(),
  };
  await store.commit([{ op: 'create', kind: 'installation', id: 'installation', doc: installation }]);
  const io = opts.io ?? new FakeSnapshotIO();
  const svc: Services = {
    config: defaultConfig({ dataDir: dir, ...opts.config }),
    backups: { keys: io.keys, storage: io.storage, archiveCoverage: (prefix, at) => archiveCoverage(io.storage.snapshots, prefix, at),
      archiveShards: async (root) => [...new Set((await io.storage.snapshots.list(root)).map((o) => o.key.slice(root.length).split('/')[0]!))] },
    store,
    // As the service has them: action tests read frozen, shared views (a presenter changing one fails).
    views: new MergedViews(new CachedReads(store)),
    events: new EventSink(store, silentLogger, clock),
    engines: opts.engines ?? [],
    installation,
    logger: silentLogger,
    now: clock,
    kick: () => { kicks++; },
  };
  if (opts.builtIns ?? true) await ensureBuiltIns(svc);
  return {
    svc,
    store,
    io,
    kicks: () => kicks,
    setNow: (d) => { now = d; },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      openDirs.delete(dir);
    },
  };
}

/** A redis-server engine as engine discovery would report it (the binary is never run in unit tests). */
export function fakeEngine(version = '7.0.15'): InstalledEngine {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return { version, major, minor, patch, binary: `/nonexistent/redis-server-${version}`, family: `redis${major}` };
}

/** Asserts that `promise` rejects with an AwsError of this code (and HTTP status, when given). */
export async function assertFault(promise: Promise<unknown>, code: string, httpStatus?: number): Promise<AwsError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof AwsError, `expected AwsError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (httpStatus !== undefined) assert.equal(e.httpStatus, httpStatus);
    return e;
  }
  assert.fail(`expected AwsError ${code}, but the call succeeded`);
}

const KINDS: Kind[] = ['address', 'replicationGroup', 'cacheCluster', 'cacheSubnetGroup', 'cacheParameterGroup', 'tags', 'installation', 'user', 'userStatus', 'userGroup', 'userGroupStatus',
  'securityGroup', 'networkInterface', 'claim', 'snapshot', 'snapshotStatus', 'backupSchedule', 'replicationGroupStatus', 'cacheClusterStatus'];

/** Every record and event, to check that a failed call changed nothing. */
export async function storeSnapshot(svc: Services): Promise<string> {
  const records = await Promise.all(KINDS.map((k) => svc.store.list(k)));
  const events = await svc.store.queryEvents({});
  return JSON.stringify({ records, events });
}

/** Runs `fn`, expects it to fail with `code`, and checks the store is exactly as before. */
export async function assertFaultChangesNothing(svc: Services, fn: () => Promise<unknown>, code: string): Promise<AwsError> {
  const before = await storeSnapshot(svc);
  const err = await assertFault(fn(), code);
  assert.equal(await storeSnapshot(svc), before, `a failed call (${code}) changed the store`);
  return err;
}

/** As the reconciler would: `patch` applied to a cluster's status half (for tests of actions). */
export async function setClusterStatus(store: StateStore, id: string, patch: (c: CacheClusterRecord) => void): Promise<void> {
  const view = (await getCluster(store, id))!;
  const next = structuredClone(view.doc);
  patch(next);
  await store.commit(clusterStatusWrite(view, next));
}

/** As the reconciler would: `patch` applied to a group's status half. */
export async function setGroupStatus(store: StateStore, id: string, patch: (g: ReplicationGroupRecord) => void): Promise<void> {
  const view = (await getGroup(store, id))!;
  const next = structuredClone(view.doc);
  patch(next);
  await store.commit(groupStatusWrite(view, next));
}

/**
 * Stores a cache cluster record directly (no create action, no reconciler), for tests of
 * actions that depend on what uses a group.
 */
export async function insertCacheCluster(svc: Services, id: string, overrides: Partial<CacheClusterRecord> = {}): Promise<CacheClusterRecord> {
  const doc: CacheClusterRecord = {
    id, arn: arn(svc.installation, 'cluster', id), status: 'available', observedGeneration: 0, createdAt: svc.now().toISOString(),
    engine: 'redis', engineVersion: '7.0', engineVersionInstalled: '7.0.15', cacheNodeType: 'cache.t4g.micro', cacheParameterGroupName: 'default.redis7',
    cacheSubnetGroupName: 'default', port: 6379, securityGroupIds: [], preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00', autoMinorVersionUpgrade: true,
    transitEncryptionEnabled: false, atRestEncryptionEnabled: false,
    preferredAvailabilityZone: `${svc.installation.region}a`, nodes: [], parameterApplyStatus: 'in-sync', pending: {},
    ...overrides,
  };
  await svc.store.commit([clusterCreate(doc), { op: 'create', kind: 'cacheClusterStatus', id, doc: clusterStatusOf(doc) }]);
  return doc;
}
