/**
 * Users and user groups kept in two halves (spec and status records), on the real SQLite store:
 * the status an API caller sees is derived from the spec's generation and the generation the
 * reconciler observed, each side writes only its half (OwnershipError otherwise), a write of one
 * half never conflicts with the other, the store refuses a spec carrying status fields, and data
 * directories of earlier versions are split at start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { UserGroupSpec, UserSpec } from './records.js';
import { SqliteStore } from './sqlite-store.js';
import { splitLegacyRecords } from './split-migration.js';
import {
  bumped, ConflictError, getUser, getUserGroup, mergeUser, mergeUserGroup, OwnershipError, userCreate, userDelete, userGroupCreate,
  userGroupSpecOf, userGroupSpecWrite, userGroupStatusWrite, userSpecOf, userSpecWrite, userStatusWrite,
} from './index.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function store(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-rbac-views-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'state.db'));
}

const userSpec = (id = 'app'): UserSpec => ({
  userId: id, userName: id, engine: 'redis', accessString: 'on ~* +@all', authentication: { type: 'password', passwordHashes: ['ab'] },
  userGroupIds: ['ug'], arn: `arn:user:${id}`, minimumEngineVersion: '6.0', createdAt: '2026-01-01T00:00:00.000Z',
});

const groupSpec = (id = 'ug'): UserGroupSpec => ({
  userGroupId: id, engine: 'redis', userIds: ['default', 'app'], replicationGroups: ['rg'], arn: `arn:usergroup:${id}`,
  minimumEngineVersion: '6.0', createdAt: '2026-01-01T00:00:00.000Z',
});

test('a user: active with nothing to observe, modifying until its generation is observed, deleting once asked for', () => {
  assert.equal(mergeUser(userSpec(), undefined).status, 'active');
  const changed = bumped(userSpec());
  assert.equal(mergeUser(changed, undefined).status, 'modifying');
  assert.equal(mergeUser(changed, { id: 'app', observedGeneration: 0 }).status, 'modifying');
  assert.equal(mergeUser(changed, { id: 'app', observedGeneration: 1 }).status, 'active');
  assert.equal(mergeUser(bumped(changed), { id: 'app', observedGeneration: 1 }).status, 'modifying', 'an older observation does not count');
  assert.equal(mergeUser({ ...changed, deleteRequested: true }, { id: 'app', observedGeneration: 1 }).status, 'deleting');
  assert.deepEqual(userSpecOf(mergeUser(changed, { id: 'app', observedGeneration: 1 })), changed, 'the spec splits back out unchanged');
});

test('a user group: creating until first seen, then modifying (with its pending change) until observed, else active', () => {
  const pending = { userIdsToAdd: ['app'], userIdsToRemove: [] };
  assert.equal(mergeUserGroup(groupSpec(), undefined).status, 'creating');
  assert.equal(mergeUserGroup(groupSpec(), { id: 'ug', observedGeneration: 0 }).status, 'active');
  const modified = bumped({ ...groupSpec(), pending });
  const seen = mergeUserGroup(modified, { id: 'ug', observedGeneration: 0 });
  assert.deepEqual([seen.status, seen.pending], ['modifying', pending]);
  const done = mergeUserGroup(modified, { id: 'ug', observedGeneration: 1 });
  assert.deepEqual([done.status, done.pending], ['active', undefined], 'a change observed is no longer pending');
  assert.deepEqual(userGroupSpecOf(seen), modified);
});

test('a status write and a spec write of the same user both land, neither retried nor lost', async () => {
  const s = store();
  await s.commit([userCreate(bumped(userSpec()))]);
  const readByApi = (await getUser(s, 'app'))!;
  const readByReconciler = (await getUser(s, 'app'))!;
  assert.equal(readByApi.doc.status, 'modifying');
  await s.commit(userStatusWrite(readByReconciler, { ...readByReconciler.doc, observedGeneration: 1 }));
  await s.commit(userSpecWrite(readByApi, bumped({ ...readByApi.doc, accessString: 'on ~app::* +@read' }))); // at the spec version it read
  const now = (await getUser(s, 'app'))!;
  assert.deepEqual([now.doc.accessString, now.doc.observedGeneration, now.doc.status], ['on ~app::* +@read', 1, 'modifying'],
    'the observation of generation 1 stays, and does not count for generation 2');
  // The reconciler's second status write is at the status version it read: a stale one conflicts.
  await assert.rejects(s.commit(userStatusWrite(readByReconciler, { ...readByReconciler.doc, observedGeneration: 2 })), ConflictError);
  await s.commit(userStatusWrite(now, { ...now.doc, observedGeneration: 2 }));
  assert.equal((await getUser(s, 'app'))!.doc.status, 'active');
  await s.close();
});

test('each side is refused a write of the other\'s half (and of the derived status), and the store refuses a spec carrying status', async () => {
  const s = store();
  await s.commit([userCreate(userSpec()), userGroupCreate(groupSpec())]);
  const u = (await getUser(s, 'app'))!;
  const ug = (await getUserGroup(s, 'ug'))!;
  assert.throws(() => userSpecWrite(u, { ...u.doc, status: 'modifying' }), OwnershipError);
  assert.throws(() => userSpecWrite(u, { ...u.doc, observedGeneration: 3 }), OwnershipError);
  assert.throws(() => userStatusWrite(u, { ...u.doc, accessString: 'off', observedGeneration: 1 }), OwnershipError);
  assert.throws(() => userStatusWrite(u, { ...u.doc, status: 'active' as const, deleteRequested: true }), OwnershipError);
  assert.throws(() => userGroupSpecWrite(ug, { ...ug.doc, status: 'active' }), OwnershipError);
  assert.throws(() => userGroupStatusWrite(ug, { ...ug.doc, userIds: ['default'], observedGeneration: 0 }), OwnershipError);
  await assert.rejects(s.commit([{ op: 'update', kind: 'user', id: 'app', doc: u.doc }]), /status field/);
  await assert.rejects(s.commit([{ op: 'update', kind: 'userGroup', id: 'ug', doc: ug.doc }]), /status field/);
  assert.deepEqual(userSpecWrite(u, { ...u.doc }), [], 'an unchanged spec writes nothing');
  await s.close();
});

test('deleting a user removes both halves at the spec version read: a concurrent API write wins', async () => {
  const s = store();
  await s.commit([userCreate({ ...userSpec(), deleteRequested: true })]);
  let u = (await getUser(s, 'app'))!;
  await s.commit(userStatusWrite(u, { ...u.doc, observedGeneration: 0 }));
  u = (await getUser(s, 'app'))!;
  const api = (await getUser(s, 'app'))!;
  await s.commit(userSpecWrite(api, { ...api.doc, userGroupIds: [] }));
  await assert.rejects(s.commit(userDelete(u)), ConflictError);
  await s.commit(userDelete((await getUser(s, 'app'))!));
  assert.deepEqual([await s.get('user', 'app'), await s.get('userStatus', 'app')], [undefined, undefined]);
  await s.close();
});

test('users and user groups of an earlier version are split at start, once, keeping what they showed', async () => {
  const s = store();
  const legacy = (id: string, status: string) => ({ ...userSpec(id), status });
  const legacyGroup = (id: string, status: string, extra: object = {}) => ({ ...groupSpec(id), status, ...extra });
  const pending = { userIdsToAdd: [], userIdsToRemove: ['gone'] };
  // Written as earlier versions did (the store refuses spec records with status fields now).
  const insert = (s as unknown as { db: { prepare(q: string): { run(...a: unknown[]): void } } }).db
    .prepare('INSERT INTO records (kind, id, version, doc) VALUES (?, ?, 1, ?)');
  for (const [kind, id, doc] of [
    ['user', 'a', legacy('a', 'active')], ['user', 'm', legacy('m', 'modifying')], ['user', 'd', legacy('d', 'deleting')],
    ['userGroup', 'c', legacyGroup('c', 'creating')], ['userGroup', 'ok', legacyGroup('ok', 'active')],
    ['userGroup', 'mod', legacyGroup('mod', 'modifying', { pending })],
  ] as const) insert.run(kind, id, JSON.stringify(doc));
  assert.equal(await splitLegacyRecords(s), 6);
  assert.equal(await splitLegacyRecords(s), 0, 'idempotent');
  const users = await Promise.all(['a', 'm', 'd'].map(async (id) => (await getUser(s, id))!.doc.status));
  assert.deepEqual(users, ['active', 'modifying', 'deleting']);
  const groups = await Promise.all(['c', 'ok', 'mod'].map(async (id) => (await getUserGroup(s, id))!.doc));
  assert.deepEqual(groups.map((g) => g.status), ['creating', 'active', 'modifying']);
  assert.deepEqual(groups[2]!.pending, pending);
  for (const id of ['a', 'm', 'd']) assert.ok(!('status' in (await s.get('user', id))!.doc));
  await s.close();
});
