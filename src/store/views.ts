import type {
  CacheClusterRecord, CacheClusterSpec, CacheClusterStatusRecord, CacheNodeRecord, CacheNodeState,
  NodeGroupRecord, ReplicationGroupRecord, ReplicationGroupSpec, ReplicationGroupStatusRecord, ShardRecord, ShardState,
} from './records.js';
import type { ListPage, StateStore, Stored, WriteOp } from './types.js';

/**
 * The merged view of a record kept in two halves (see records.ts): what the API asked for (spec,
 * written by API handlers) overlaid with what the reconciler observed (status, written by the
 * reconciler), each half with its own version. A status half that does not exist yet (a resource
 * the reconciler has not seen) reads as the resource's initial status.
 */
export interface View<Spec, Status, Merged> {
  id: string;
  /** The spec's version: API writes (and the reconciler's spec transitions) expect it. */
  version: number;
  /** The status's version; undefined while there is no status record. */
  statusVersion: number | undefined;
  spec: Spec;
  status: Status | undefined;
  doc: Merged;
}

export type ClusterView = View<CacheClusterSpec, CacheClusterStatusRecord, CacheClusterRecord>;
export type GroupView = View<ReplicationGroupSpec, ReplicationGroupStatusRecord, ReplicationGroupRecord>;

// ---- cache clusters --------------------------------------------------------------------------

const NODE_STATE_KEYS = ['status', 'parameterGroupStatus', 'recovering', 'transit', 'observed'] as const satisfies readonly (keyof CacheNodeState)[];
const CLUSTER_STATUS_KEYS = [
  'observedGeneration', 'status', 'parameterApplyStatus', 'appliedParameters', 'appliedNodeType', 'appliedAuthVersion',
  'appliedAcl', 'rebootsDone', 'restartWanted', 'failureReason', 'restoreState',
] as const satisfies readonly (keyof CacheClusterStatusRecord)[];
/** Keys of the merged view that belong to neither half (derived when merging). */
const CLUSTER_DERIVED = new Set<string>(['rebootRequested', 'nodes']);

export function mergeCluster(spec: CacheClusterSpec, status: CacheClusterStatusRecord | undefined): CacheClusterRecord {
  const st: Omit<CacheClusterStatusRecord, 'id'> = status ?? { observedGeneration: 0, status: 'creating', nodes: {}, parameterApplyStatus: 'in-sync' };
  const nodes = spec.nodes.map((n): CacheNodeRecord => ({ ...n, ...(st.nodes[n.id] ?? { status: 'creating', parameterGroupStatus: 'in-sync' }) }));
  const { id: _id, nodes: _nodes, ...observed } = { id: '', ...st };
  // One copy: the view's doc shares nothing with its spec and status (a caller may change it).
  const doc: CacheClusterRecord = JSON.parse(JSON.stringify({ ...spec, ...observed, nodes }));
  const reboot = [...new Set([
    ...Object.entries(spec.rebootRequests ?? {}).filter(([n, k]) => k > (st.rebootsDone?.[n] ?? 0)).map(([n]) => n),
    ...(st.restartWanted ?? []),
  ])].filter((n) => spec.nodes.some((x) => x.id === n));
  if (reboot.length) doc.rebootRequested = reboot;
  return doc;
}

export function clusterSpecOf(c: CacheClusterRecord): CacheClusterSpec {
  const out: Record<string, unknown> = {};
  const statusKeys = new Set<string>(CLUSTER_STATUS_KEYS);
  for (const [k, v] of Object.entries(c)) if (!statusKeys.has(k) && !CLUSTER_DERIVED.has(k) && v !== undefined) out[k] = v;
  out.nodes = c.nodes.map(({ id, address, port, availabilityZone, createdAt }) => ({ id, address, port, availabilityZone, createdAt }));
  return structuredClone(out) as unknown as CacheClusterSpec;
}

export function clusterStatusOf(c: CacheClusterRecord): CacheClusterStatusRecord {
  const out: Record<string, unknown> = { id: c.id };
  for (const k of CLUSTER_STATUS_KEYS) if (c[k] !== undefined) out[k] = c[k];
  out.nodes = Object.fromEntries(c.nodes.map((n) => [n.id, pick(n, NODE_STATE_KEYS)]));
  return structuredClone(out) as unknown as CacheClusterStatusRecord;
}

// ---- replication groups ----------------------------------------------------------------------

const SHARD_STATE_KEYS = ['failover', 'lastFailoverAt', 'handledFailoverRequest'] as const;
const GROUP_STATUS_KEYS = ['observedGeneration', 'status', 'failureReason', 'restoreState'] as const satisfies readonly (keyof ReplicationGroupStatusRecord)[];

function mergeShard<T extends ShardRecord>(spec: T, st: ShardState | undefined): T {
  const out = { ...spec };
  if (st?.primaryClusterId && spec.memberClusters.includes(st.primaryClusterId)) out.primaryClusterId = st.primaryClusterId;
  for (const k of SHARD_STATE_KEYS) if (st?.[k] !== undefined) (out as Record<string, unknown>)[k] = st[k];
  return out;
}

export function mergeGroup(spec: ReplicationGroupSpec, status: ReplicationGroupStatusRecord | undefined): ReplicationGroupRecord {
  const st: Omit<ReplicationGroupStatusRecord, 'id'> = status ?? { observedGeneration: 0, status: 'creating', shards: {} };
  const s = spec; // copied once, at the end
  const { nodeGroups, resharding, ...top } = s;
  const doc: ReplicationGroupRecord = { ...mergeShard(top, st.shards['']), status: st.status, observedGeneration: st.observedGeneration };
  if (st.failureReason !== undefined) doc.failureReason = st.failureReason;
  if (st.restoreState !== undefined) doc.restoreState = st.restoreState;
  if (nodeGroups) doc.nodeGroups = nodeGroups.map((ng) => mergeShard(ng, st.shards[ng.id]));
  if (resharding) {
    const p = st.reshardProgress?.startedAt === resharding.startedAt ? st.reshardProgress : undefined;
    doc.resharding = { ...resharding, movedSlots: p?.movedSlots ?? 0, keysMoved: p?.keysMoved ?? 0 };
  }
  return structuredClone(doc);
}

function shardStateOf(s: ShardRecord): ShardState | undefined {
  const out: ShardState = { primaryClusterId: s.primaryClusterId };
  for (const k of SHARD_STATE_KEYS) if (s[k] !== undefined) (out as Record<string, unknown>)[k] = s[k];
  return out;
}

export function groupSpecOf(g: ReplicationGroupRecord): ReplicationGroupSpec {
  const out: Record<string, unknown> = {};
  const skip = new Set<string>([...GROUP_STATUS_KEYS, ...SHARD_STATE_KEYS]);
  for (const [k, v] of Object.entries(g)) if (!skip.has(k) && v !== undefined) out[k] = v;
  if (g.nodeGroups) out.nodeGroups = g.nodeGroups.map((ng) => omit(ng, SHARD_STATE_KEYS));
  if (g.resharding) out.resharding = { startedAt: g.resharding.startedAt, totalSlots: g.resharding.totalSlots, removing: g.resharding.removing };
  return structuredClone(out) as unknown as ReplicationGroupSpec;
}

export function groupStatusOf(g: ReplicationGroupRecord): ReplicationGroupStatusRecord {
  const out: ReplicationGroupStatusRecord = { id: g.id, observedGeneration: g.observedGeneration, status: g.status, shards: {} };
  if (g.failureReason !== undefined) out.failureReason = g.failureReason;
  if (g.restoreState !== undefined) out.restoreState = g.restoreState;
  if (g.nodeGroups) for (const ng of g.nodeGroups) out.shards[ng.id] = shardStateOf(ng)!;
  else out.shards[''] = shardStateOf(g)!;
  // No progress reads as 0 slots and 0 keys moved: a new resharding has no status of its own yet.
  if (g.resharding && (g.resharding.movedSlots || g.resharding.keysMoved)) out.reshardProgress = { startedAt: g.resharding.startedAt, movedSlots: g.resharding.movedSlots, keysMoved: g.resharding.keysMoved };
  return structuredClone(out);
}

// ---- reads -------------------------------------------------------------------------------------

export async function getCluster(store: Pick<StateStore, 'get'>, id: string): Promise<ClusterView | undefined> {
  const [spec, status] = await Promise.all([store.get('cacheCluster', id), store.get('cacheClusterStatus', id)]);
  if (!spec) return undefined;
  return { id, version: spec.version, statusVersion: status?.version, spec: spec.doc, status: status?.doc, doc: mergeCluster(spec.doc, status?.doc) };
}

/**
 * One page of clusters in id order: the page's spec records, then the status records of just
 * those ids (a page costs its own records, never the whole kind).
 */
export async function listClustersPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<ClusterView[]> {
  const specs = await store.list('cacheCluster', page);
  const statuses = await Promise.all(specs.map((s) => store.get('cacheClusterStatus', s.id)));
  return specs.map((s, i) => view(s, statuses[i]));
}

/** One page of groups in id order (see {@link listClustersPage}). */
export async function listGroupsPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<GroupView[]> {
  const specs = await store.list('replicationGroup', page);
  const statuses = await Promise.all(specs.map((s) => store.get('replicationGroupStatus', s.id)));
  return specs.map((s, i) => groupView(s, statuses[i]));
}

export async function listClusters(store: Pick<StateStore, 'list'>): Promise<ClusterView[]> {
  const [specs, statuses] = await Promise.all([store.list('cacheCluster'), store.list('cacheClusterStatus')]);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return specs.map((s) => {
    const st = byId.get(s.id);
    return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeCluster(s.doc, st?.doc) };
  });
}

export async function getGroup(store: Pick<StateStore, 'get'>, id: string): Promise<GroupView | undefined> {
  const [spec, status] = await Promise.all([store.get('replicationGroup', id), store.get('replicationGroupStatus', id)]);
  if (!spec) return undefined;
  return { id, version: spec.version, statusVersion: status?.version, spec: spec.doc, status: status?.doc, doc: mergeGroup(spec.doc, status?.doc) };
}

export async function listGroups(store: Pick<StateStore, 'list'>): Promise<GroupView[]> {
  const [specs, statuses] = await Promise.all([store.list('replicationGroup'), store.list('replicationGroupStatus')]);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return specs.map((s) => {
    const st = byId.get(s.id);
    return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeGroup(s.doc, st?.doc) };
  });
}

/** Fields of the status half that a spec record of each two-half kind must not carry. */
const STATUS_FIELDS: Record<string, readonly string[] | undefined> = {
  cacheCluster: ['status', 'observedGeneration', 'failover', 'parameterApplyStatus', 'appliedParameters', 'restoreState'],
  replicationGroup: ['status', 'observedGeneration', 'failover', 'parameterApplyStatus', 'appliedParameters', 'restoreState'],
  snapshot: ['status', 'work'],
  user: ['status', 'observedGeneration'],
  userGroup: ['status', 'observedGeneration'],
};

/**
 * The store refuses a spec record that carries status fields (a merged view written whole): the
 * halves stay apart whatever a caller does. Throws a plain Error: a programming error.
 */
export function assertSpecShape(kind: string, doc: object): void {
  const fields = STATUS_FIELDS[kind];
  if (!fields) return;
  for (const k of fields) {
    if (k in doc) throw new Error(`${kind} ${idOf(doc)}: the desired-state record carries the status field ${k}; write it with the view functions`);
  }
}

function idOf(doc: object): string | undefined {
  const d = doc as { id?: string; userId?: string; userGroupId?: string; name?: string };
  return d.id ?? d.userId ?? d.userGroupId ?? d.name;
}

function view(s: Stored<'cacheCluster'>, st: Stored<'cacheClusterStatus'> | undefined): ClusterView {
  return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeCluster(s.doc, st?.doc) };
}

function groupView(s: Stored<'replicationGroup'>, st: Stored<'replicationGroupStatus'> | undefined): GroupView {
  return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeGroup(s.doc, st?.doc) };
}

/** Deep equality of JSON documents, independent of key order. */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
    : x));
}

export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function omit<T extends object>(o: T, keys: readonly string[]): T {
  const out = { ...o } as Record<string, unknown>;
  for (const k of keys) delete out[k];
  return out as T;
}
