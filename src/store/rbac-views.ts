import type {
  UserGroupRecord, UserGroupSpec, UserGroupStatus, UserGroupStatusRecord, UserRecord, UserSpec, UserStatus, UserStatusRecord,
} from './rbac-records.js';
import type { StateStore, Stored, WriteOp } from './types.js';
import { OwnershipError } from './view-writes.js';
import { same, type View } from './views.js';

/**
 * The merged views of RBAC users and user groups (spec and status records, see rbac-records.ts)
 * and the writes of each half. The status an API caller sees is derived: a user is `deleting`
 * once DeleteUser asked for it, `modifying` while the reconciler has not observed the spec's
 * generation, else `active`; a user group is `creating` until the reconciler has seen it (it has
 * no status record before), then `modifying` or `active` the same way, and shows its pending
 * membership change only while `modifying`. A write of one half that changes the other (or the
 * derived status) throws {@link OwnershipError}.
 */

export type UserView = View<UserSpec, UserStatusRecord, UserRecord>;
export type UserGroupView = View<UserGroupSpec, UserGroupStatusRecord, UserGroupRecord>;

/** Fields of the merged views that neither half holds as such. */
const DERIVED = ['status', 'observedGeneration'] as const;

export function mergeUser(spec: UserSpec, status: UserStatusRecord | undefined): UserRecord {
  const observedGeneration = status?.observedGeneration ?? 0;
  const state: UserStatus = spec.deleteRequested ? 'deleting' : (spec.generation ?? 0) > observedGeneration ? 'modifying' : 'active';
  return { ...structuredClone(spec), status: state, observedGeneration };
}

export function mergeUserGroup(spec: UserGroupSpec, status: UserGroupStatusRecord | undefined): UserGroupRecord {
  const observedGeneration = status?.observedGeneration ?? 0;
  const state: UserGroupStatus = !status ? 'creating' : (spec.generation ?? 0) > observedGeneration ? 'modifying' : 'active';
  const { pending, ...rest } = structuredClone(spec);
  return { ...rest, ...(state === 'modifying' && pending ? { pending } : {}), status: state, observedGeneration };
}

/** The desired half of a user (a merged view's, or a spec as is). */
export function userSpecOf(u: UserRecord | UserSpec): UserSpec {
  return withoutDerived(u) as UserSpec;
}

export function userGroupSpecOf(g: UserGroupRecord | UserGroupSpec): UserGroupSpec {
  return withoutDerived(g) as UserGroupSpec;
}

function withoutDerived(doc: object): object {
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const k of DERIVED) delete out[k];
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

// ---- reads -------------------------------------------------------------------------------------

export async function getUser(store: Pick<StateStore, 'get'>, id: string): Promise<UserView | undefined> {
  const [spec, status] = await Promise.all([store.get('user', id), store.get('userStatus', id)]);
  return spec ? userView(spec, status) : undefined;
}

export async function listUsers(store: Pick<StateStore, 'list'>): Promise<UserView[]> {
  const [specs, statuses] = await Promise.all([store.list('user'), store.list('userStatus')]);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return specs.map((s) => userView(s, byId.get(s.id)));
}

export async function getUserGroup(store: Pick<StateStore, 'get'>, id: string): Promise<UserGroupView | undefined> {
  const [spec, status] = await Promise.all([store.get('userGroup', id), store.get('userGroupStatus', id)]);
  return spec ? userGroupView(spec, status) : undefined;
}

export async function listUserGroups(store: Pick<StateStore, 'list'>): Promise<UserGroupView[]> {
  const [specs, statuses] = await Promise.all([store.list('userGroup'), store.list('userGroupStatus')]);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return specs.map((s) => userGroupView(s, byId.get(s.id)));
}

function userView(s: Stored<'user'>, st: Stored<'userStatus'> | undefined): UserView {
  return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeUser(s.doc, st?.doc) };
}

function userGroupView(s: Stored<'userGroup'>, st: Stored<'userGroupStatus'> | undefined): UserGroupView {
  return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeUserGroup(s.doc, st?.doc) };
}

// ---- writes ------------------------------------------------------------------------------------

/** Creates a user's spec half (its status half is the reconciler's to create). */
export function userCreate(u: UserSpec | UserRecord): WriteOp {
  return { op: 'create', kind: 'user', id: u.userId, doc: userSpecOf(u) };
}

export function userGroupCreate(g: UserGroupSpec | UserGroupRecord): WriteOp {
  return { op: 'create', kind: 'userGroup', id: g.userGroupId, doc: userGroupSpecOf(g) };
}

/** The ops writing a user's spec half as `next` has it, at the version read; throws when `next` changed the status. */
export function userSpecWrite(view: UserView, next: UserRecord | UserSpec): WriteOp[] {
  return specWrite('User', 'user', view, next, userSpecOf);
}

export function userGroupSpecWrite(view: UserGroupView, next: UserGroupRecord | UserGroupSpec): WriteOp[] {
  return specWrite('User group', 'userGroup', view, next, userGroupSpecOf);
}

/**
 * The op recording that the reconciler saw `next.observedGeneration` live on every node (the
 * status half, at its version read); throws when `next` changed the spec or the derived status.
 */
export function userStatusWrite(view: UserView, next: UserRecord): WriteOp[] {
  assertOnly('User', view.id, view.doc, next, userSpecOf);
  return statusWrite('userStatus', view, next.observedGeneration);
}

export function userGroupStatusWrite(view: UserGroupView, next: UserGroupRecord): WriteOp[] {
  assertOnly('User group', view.id, view.doc, next, userGroupSpecOf);
  return statusWrite('userGroupStatus', view, next.observedGeneration);
}

/** Removes both halves (the spec at the version read: a concurrent API write wins). */
export function userDelete(view: UserView): WriteOp[] {
  return [{ op: 'delete', kind: 'user', id: view.id, expectVersion: view.version },
    ...(view.statusVersion !== undefined ? [{ op: 'delete', kind: 'userStatus', id: view.id } as const] : [])];
}

export function userGroupDelete(view: UserGroupView): WriteOp[] {
  return [{ op: 'delete', kind: 'userGroup', id: view.id, expectVersion: view.version },
    ...(view.statusVersion !== undefined ? [{ op: 'delete', kind: 'userGroupStatus', id: view.id } as const] : [])];
}

function specWrite<S extends UserSpec | UserGroupSpec>(what: string, kind: 'user' | 'userGroup', view: View<S, unknown, S & { status: string; observedGeneration: number }>,
  next: S | (S & { status: string; observedGeneration: number }), specOf: (x: S) => S): WriteOp[] {
  for (const k of DERIVED) {
    if (k in next && (next as unknown as Record<string, unknown>)[k] !== view.doc[k]) throw new OwnershipError(what, view.id, 'spec', k);
  }
  const spec = specOf(next);
  if (same(spec, view.spec)) return [];
  return [{ op: 'update', kind, id: view.id, doc: spec as never, expectVersion: view.version }];
}

function assertOnly<S extends object>(what: string, id: string, before: S & { status: string }, next: S & { status: string }, specOf: (x: S) => object): void {
  if (next.status !== before.status) throw new OwnershipError(what, id, 'status', 'status (derived: write observedGeneration)');
  const a = specOf(before) as Record<string, unknown>;
  const b = specOf(next) as Record<string, unknown>;
  if (same(a, b)) return;
  const field = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((k) => !same(a[k], b[k])) ?? '?';
  throw new OwnershipError(what, id, 'status', field);
}

function statusWrite(kind: 'userStatus' | 'userGroupStatus', view: UserView | UserGroupView, observedGeneration: number): WriteOp[] {
  const doc = { id: view.id, observedGeneration };
  if (view.status && same(doc, view.status)) return [];
  return [view.statusVersion === undefined
    ? { op: 'create', kind, id: view.id, doc }
    : { op: 'update', kind, id: view.id, doc, expectVersion: view.statusVersion }];
}
