import type {
  UserGroupRecord, UserGroupSpec, UserGroupStatus, UserGroupStatusRecord, UserRecord, UserSpec, UserStatus, UserStatusRecord,
} from './rbac-records.js';
import { SplitKind, same, type View } from './split-kind.js';
import type { StateStore, WriteOp } from './types.js';
import { OwnershipError } from './view-writes.js';

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

const USERS = new SplitKind('user', 'userStatus', mergeUser);
const USER_GROUPS = new SplitKind('userGroup', 'userGroupStatus', mergeUserGroup);

export async function getUser(store: Pick<StateStore, 'get'>, id: string): Promise<UserView | undefined> {
  return USERS.get(store, id);
}

export async function listUsers(store: Pick<StateStore, 'list'>): Promise<UserView[]> {
  return USERS.list(store);
}

export async function getUserGroup(store: Pick<StateStore, 'get'>, id: string): Promise<UserGroupView | undefined> {
  return USER_GROUPS.get(store, id);
}

export async function listUserGroups(store: Pick<StateStore, 'list'>): Promise<UserGroupView[]> {
  return USER_GROUPS.list(store);
}

// ---- writes ------------------------------------------------------------------------------------

/** Creates a user's spec half (its status half is the reconciler's to create). */
export function userCreate(u: UserSpec | UserRecord): WriteOp {
  return USERS.create(u.userId, userSpecOf(u));
}

export function userGroupCreate(g: UserGroupSpec | UserGroupRecord): WriteOp {
  return USER_GROUPS.create(g.userGroupId, userGroupSpecOf(g));
}

/** The ops writing a user's spec half as `next` has it, at the version read; throws when `next` changed the status. */
export function userSpecWrite(view: UserView, next: UserRecord | UserSpec): WriteOp[] {
  assertDerivedUnchanged('User', view, next);
  return USERS.specWrite(view, userSpecOf(next));
}

export function userGroupSpecWrite(view: UserGroupView, next: UserGroupRecord | UserGroupSpec): WriteOp[] {
  assertDerivedUnchanged('User group', view, next);
  return USER_GROUPS.specWrite(view, userGroupSpecOf(next));
}

/**
 * The op recording that the reconciler saw `next.observedGeneration` live on every node (the
 * status half, at its version read); throws when `next` changed the spec or the derived status.
 */
export function userStatusWrite(view: UserView, next: UserRecord): WriteOp[] {
  assertOnly('User', view.id, view.doc, next, userSpecOf);
  return USERS.statusWrite(view, { id: view.id, observedGeneration: next.observedGeneration });
}

export function userGroupStatusWrite(view: UserGroupView, next: UserGroupRecord): WriteOp[] {
  assertOnly('User group', view.id, view.doc, next, userGroupSpecOf);
  return USER_GROUPS.statusWrite(view, { id: view.id, observedGeneration: next.observedGeneration });
}

/** Removes both halves (the spec at the version read: a concurrent API write wins). */
export function userDelete(view: UserView): WriteOp[] {
  return USERS.remove(view);
}

export function userGroupDelete(view: UserGroupView): WriteOp[] {
  return USER_GROUPS.remove(view);
}

/** A spec write must leave the derived fields (status, observedGeneration) as the view had them. */
function assertDerivedUnchanged(what: string, view: { id: string; doc: object }, next: object): void {
  for (const k of DERIVED) {
    if (k in next && (next as Record<string, unknown>)[k] !== (view.doc as Record<string, unknown>)[k]) throw new OwnershipError(what, view.id, 'spec', k);
  }
}

function assertOnly<S extends object>(what: string, id: string, before: S & { status: string }, next: S & { status: string }, specOf: (x: S) => object): void {
  if (next.status !== before.status) throw new OwnershipError(what, id, 'status', 'status (derived: write observedGeneration)');
  const a = specOf(before) as Record<string, unknown>;
  const b = specOf(next) as Record<string, unknown>;
  if (same(a, b)) return;
  const field = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((k) => !same(a[k], b[k])) ?? '?';
  throw new OwnershipError(what, id, 'status', field);
}
