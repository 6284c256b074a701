/**
 * The one conflict policy of API writes (retryOnConflict), on the real SQLite store: a write that
 * lands between a step's read and its commit makes the step run again on top of it (nothing
 * lost); a race lost every time ends in the contested record's state fault, an HTTP 400.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { AwsError, fault } from '../errors/index.js';
import { insertCacheCluster, makeTestServices, type TestServices } from './test-services.js';
import { ConflictError, type CacheClusterSpec, type StateStore } from '../store/index.js';
import { CONFLICT_ATTEMPTS, conflictFault, retryOnConflict } from './commit.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** What another request does to a cluster: read it, change a desired field, commit at the version read. */
async function reconcilerWrites(store: StateStore, id: string, window: string): Promise<void> {
  const c = (await store.get('cacheCluster', id))!;
  await store.commit([{ op: 'update', kind: 'cacheCluster', id, doc: { ...c.doc, preferredMaintenanceWindow: window }, expectVersion: c.version }]);
}

/** An API-style step: read, change a desired field, (the race window), commit with expectVersion. */
function snapshotLimitStep(store: StateStore, race: (attempt: number) => Promise<void>) {
  let attempts = 0;
  const step = async (): Promise<CacheClusterSpec> => {
    attempts++;
    const { doc, version } = (await store.get('cacheCluster', 'c1'))!;
    const next = { ...doc, snapshotRetentionLimit: doc.snapshotRetentionLimit + 1 };
    await race(attempts);
    await store.commit([{ op: 'update', kind: 'cacheCluster', id: 'c1', doc: next, expectVersion: version }]);
    return next;
  };
  return { step, attempts: () => attempts };
}

test('a write between read and commit makes the step run again on the fresh record: both writes survive', async () => {
  t = await makeTestServices();
  await insertCacheCluster(t.svc, 'c1', { snapshotRetentionLimit: 1 });
  const { step, attempts } = snapshotLimitStep(t.store, async (n) => { if (n === 1) await reconcilerWrites(t!.store, 'c1', 'mon:01:00-mon:02:00'); });
  await retryOnConflict(step);
  assert.equal(attempts(), 2);
  const stored = (await t.store.get('cacheCluster', 'c1'))!.doc;
  assert.equal(stored.preferredMaintenanceWindow, 'mon:01:00-mon:02:00', 'the other request\'s write was lost');
  assert.equal(stored.snapshotRetentionLimit, 2, 'the request\'s change was applied once, on top');
});

test(`a race lost ${CONFLICT_ATTEMPTS} times ends in the record's state fault (400), never a raw conflict`, async () => {
  t = await makeTestServices();
  await insertCacheCluster(t.svc, 'c1', { snapshotRetentionLimit: 1 });
  const { step, attempts } = snapshotLimitStep(t.store, (n) => reconcilerWrites(t!.store, 'c1', `mon:0${n}:00-mon:0${n + 1}:00`));
  const err = await retryOnConflict(step).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof AwsError, String(err));
  assert.equal(err.code, 'InvalidCacheClusterState');
  assert.equal(err.httpStatus, 400);
  assert.match(err.message, /Cache cluster c1 .*try again/);
  assert.equal(attempts(), CONFLICT_ATTEMPTS);
  const stored = (await t.store.get('cacheCluster', 'c1'))!.doc;
  assert.equal(stored.snapshotRetentionLimit, 1, 'a failed request changed the record');
  assert.equal(stored.preferredMaintenanceWindow, `mon:0${CONFLICT_ATTEMPTS}:00-mon:0${CONFLICT_ATTEMPTS + 1}:00`);
});

test('a create that finds its id taken is answered at once with the caller\'s AlreadyExists fault', async () => {
  t = await makeTestServices();
  await insertCacheCluster(t.svc, 'c1');
  let attempts = 0;
  const exists = fault('CacheClusterAlreadyExistsFault', 'Cache cluster c1 already exists.');
  const err = await retryOnConflict(async () => {
    attempts++;
    const doc = (await t!.store.get('cacheCluster', 'c1'))!.doc;
    await t!.store.commit([{ op: 'create', kind: 'cacheCluster', id: 'c1', doc }]);
  }, { alreadyExists: (e) => (e.kind === 'cacheCluster' ? exists : undefined) }).then(() => undefined, (e: unknown) => e);
  assert.equal(err, exists);
  assert.equal(attempts, 1);
});

test('errors other than conflicts pass through at once; the step\'s own state fault after a re-read is final', async () => {
  let attempts = 0;
  const invalid = fault('InvalidReplicationGroupStateFault', 'Replication group g is modifying.');
  const err = await retryOnConflict(async () => {
    attempts++;
    if (attempts === 1) throw new ConflictError('replicationGroup', 'g', 'stale');
    throw invalid;
  }).then(() => undefined, (e: unknown) => e);
  assert.equal(err, invalid);
  assert.equal(attempts, 2);
});

test('each contested kind has its state fault; tags take their resource\'s; kinds without one get Throttling (400)', () => {
  const code = (e: ConflictError) => { const f = conflictFault(e); return `${f.code} ${f.httpStatus}`; };
  assert.equal(code(new ConflictError('replicationGroup', 'g', 'stale')), 'InvalidReplicationGroupState 400');
  assert.equal(code(new ConflictError('cacheCluster', 'c', 'missing')), 'InvalidCacheClusterState 400');
  assert.equal(code(new ConflictError('user', 'u', 'stale')), 'InvalidUserState 400');
  assert.equal(code(new ConflictError('userGroup', 'ug', 'stale')), 'InvalidUserGroupState 400');
  assert.equal(code(new ConflictError('cacheParameterGroup', 'p', 'stale')), 'InvalidCacheParameterGroupState 400');
  assert.equal(code(new ConflictError('tags', 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:g', 'stale')),
    'InvalidReplicationGroupState 400');
  assert.equal(code(new ConflictError('address', '10.0.0.1', 'exists')), 'Throttling 400');
});
