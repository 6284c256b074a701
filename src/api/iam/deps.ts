// What IAM actions share: the directory they read and write, the clock, and the lookups of the
// records an action names (NoSuchEntity when there is none).
import { IamErrors, iamId, type IamDirectory, type IamSnapshot } from '../../iam/index.js';
import type { IamGroupRecord, IamUserRecord, Stored, WriteOp } from '../../store/index.js';
import type { ActionHandler, RequestContext } from '../types.js';

export interface IamDeps {
  directory: IamDirectory;
  now: () => Date;
}

export type IamActionFactory = (deps: IamDeps) => ActionHandler;

/** One IAM action (one file per action, named as on the wire). */
export function defineIamAction<I, O>(
  name: string,
  handle: (input: I, deps: IamDeps, ctx: RequestContext) => Promise<O> | O,
): IamActionFactory {
  return (deps) => ({ name, handle: (input: I, ctx: RequestContext) => handle(input, deps, ctx) });
}

/**
 * The user an action names, or, without UserName, the caller's own user (as IAM does). The
 * admin key is the account root, which has no IAM user: it must name one.
 */
export function targetUserName(input: { UserName?: string }, deps: IamDeps, ctx: RequestContext): string {
  if (input.UserName !== undefined) return input.UserName;
  const own = ctx.accessKeyId ? deps.directory.accessKey(ctx.accessKeyId)?.userName : undefined;
  if (own === undefined) {
    throw IamErrors.validation('Must specify userName when calling with non-User credentials (the admin key is the account root).');
  }
  return own;
}

export function requireUser(snap: IamSnapshot, name: string): Stored<'iamUser'> {
  const u = snap.users.get(iamId(name));
  if (!u) throw IamErrors.noSuchUser(name);
  return u;
}

export function requireGroup(snap: IamSnapshot, name: string): Stored<'iamGroup'> {
  const g = snap.groups.get(iamId(name));
  if (!g) throw IamErrors.noSuchGroup(name);
  return g;
}

export function updateUser(stored: Stored<'iamUser'>, doc: IamUserRecord): WriteOp {
  return { op: 'update', kind: 'iamUser', id: stored.id, doc, expectVersion: stored.version };
}

export function updateGroup(stored: Stored<'iamGroup'>, doc: IamGroupRecord): WriteOp {
  return { op: 'update', kind: 'iamGroup', id: stored.id, doc, expectVersion: stored.version };
}

/**
 * One page of `items` (already in order) after `marker`, at most `maxItems` (IAM's default 100).
 * The marker is the last name returned, base64 so clients treat it as opaque.
 */
export function page<T>(items: T[], nameOf: (t: T) => string, input: { Marker?: string; MaxItems?: number }):
  { items: T[]; IsTruncated: boolean; Marker?: string } {
  let start = 0;
  if (input.Marker !== undefined) {
    const after = Buffer.from(input.Marker, 'base64').toString('utf8');
    start = items.findIndex((t) => nameOf(t) > after);
    if (start === -1) start = items.length;
  }
  const max = input.MaxItems ?? 100;
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { items: slice, IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(nameOf(slice[slice.length - 1]!)).toString('base64') } : {}) };
}

/** Names sorted as IAM lists them (case-insensitively). */
export const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
