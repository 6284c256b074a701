import type {
  CacheClusterRecord, CacheClusterSpec, CacheClusterStatusRecord, CacheNodeRecord, CacheNodeState,
  NodeGroupRecord, ReplicationGroupRecord, ReplicationGroupSpec, ReplicationGroupStatusRecord, ShardRecord, ShardState,
} from './records.js';
import { SplitKind, type View } from './split-kind.js';
import type { ListPage, StateStore } from './types.js';

export type { View } from './split-kind.js';
export { same } from './split-kind.js';

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

export const CLUSTERS = new SplitKind('cacheCluster', 'cacheClusterStatus', mergeCluster);
export const GROUPS = new SplitKind('replicationGroup', 'replicationGroupStatus', mergeGroup);

export async function getCluster(store: Pick<StateStore, 'get'>, id: string): Promise<ClusterView | undefined> {
  return CLUSTERS.get(store, id);
}

/** One page of clusters in id order (its own records, never the whole kind). */
export async function listClustersPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<ClusterView[]> {
  return CLUSTERS.listPage(store, page);
}

/** One page of groups in id order (see {@link listClustersPage}). */
export async function listGroupsPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<GroupView[]> {
  return GROUPS.listPage(store, page);
}

export async function listClusters(store: Pick<StateStore, 'list'>): Promise<ClusterView[]> {
  return CLUSTERS.list(store);
}

export async function getGroup(store: Pick<StateStore, 'get'>, id: string): Promise<GroupView | undefined> {
  return GROUPS.get(store, id);
}

export async function listGroups(store: Pick<StateStore, 'list'>): Promise<GroupView[]> {
  return GROUPS.list(store);
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
