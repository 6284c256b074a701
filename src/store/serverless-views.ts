import type { ServerlessCacheRecord, ServerlessCacheSpec, ServerlessCacheStatus, ServerlessCacheStatusRecord } from './serverless-records.js';
import { SplitKind, type View } from './split-kind.js';
import type { StateStore, WriteOp } from './types.js';

/**
 * The merged view of serverless caches (spec and status records, see serverless-records.ts) and
 * the writes of each half. The status an API caller sees is derived: `deleting` once deletion was
 * asked for, `modifying` while the controller has not observed the spec's generation.
 */

export type ServerlessCacheView = View<ServerlessCacheSpec, ServerlessCacheStatusRecord, ServerlessCacheRecord>;

export function mergeServerlessCache(spec: ServerlessCacheSpec, status: ServerlessCacheStatusRecord | undefined): ServerlessCacheRecord {
  const observedGeneration = status?.observedGeneration ?? 0;
  const observed = status?.status ?? 'creating';
  const state: ServerlessCacheStatus = spec.deleteRequested ? 'deleting'
    : observed === 'create-failed' || observed === 'creating' ? observed
    : spec.generation > observedGeneration ? 'modifying' : observed;
  const { name: _n, status: _s, ...rest } = structuredClone(status ?? { name: spec.name, status: 'creating', observedGeneration: 0 });
  return { ...structuredClone(spec), ...rest, status: state, observedGeneration };
}

const SERVERLESS = new SplitKind('serverlessCache', 'serverlessCacheStatus', mergeServerlessCache);

export async function getServerlessCache(store: Pick<StateStore, 'get'>, name: string): Promise<ServerlessCacheView | undefined> {
  return SERVERLESS.get(store, name);
}

export async function listServerlessCaches(store: Pick<StateStore, 'list'>): Promise<ServerlessCacheView[]> {
  return SERVERLESS.list(store);
}

export function serverlessCacheCreate(spec: ServerlessCacheSpec): WriteOp {
  return SERVERLESS.create(spec.name, spec);
}

/** The spec half written as `spec`, at the version read (API handlers, and the controller's final removal). */
export function serverlessSpecWrite(v: ServerlessCacheView, spec: ServerlessCacheSpec): WriteOp[] {
  return SERVERLESS.specWrite(v, spec);
}

/** The status half written as `status` (the controller only). */
export function serverlessStatusWrite(v: ServerlessCacheView, status: ServerlessCacheStatusRecord): WriteOp[] {
  return SERVERLESS.statusWrite(v, status);
}

export function serverlessCacheRemove(v: ServerlessCacheView): WriteOp[] {
  return SERVERLESS.remove(v);
}

/** The desired half of a merged view. */
export function serverlessSpecOf(r: ServerlessCacheRecord | ServerlessCacheSpec): ServerlessCacheSpec {
  const { status: _s, observedGeneration: _o, waitingFor: _w, proxyPid: _p, failureReason: _f, ...spec } = structuredClone(r) as ServerlessCacheRecord;
  return spec;
}
