import type { Kind } from './records.js';
import type { ListPage, RecordKey, StateStore, Stored } from './types.js';
import { mergeCluster, mergeGroup, type ClusterView, type GroupView, type View } from './views.js';

/**
 * Reads that a reconcile pass repeats, kept in memory between commits. A pass over 1,000
 * clusters lists every cluster and group several times (its own steps, the RBAC statuses, the
 * endpoint routes twice); each list used to read and parse every record again and merge every
 * spec with its status. Here the first list of a kind reads it; later lists re-read only the
 * records a commit touched since (the store's change notifications name them), and a merged
 * view is made again only when one of its halves changed. A pass over records nothing wrote
 * reads nothing.
 *
 * What is handed out is shared by every later reader until a commit replaces it, so it is
 * frozen (deeply): a reader that changed a record in place would change what everyone sees, and
 * now gets a TypeError instead. Readers copy what they change (the controllers clone the doc).
 */
export class CachedReads implements Pick<StateStore, 'get' | 'list'> {
  private readonly kinds = new Map<Kind, KindCache>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Pick<StateStore, 'get' | 'list' | 'onChange'>) {
    this.unsubscribe = store.onChange((_kinds, keys) => this.changed(keys));
  }

  /** A whole kind from memory, refreshed first; a page (`page`) is read from the store. */
  async list<K extends Kind>(kind: K, page?: ListPage): Promise<Stored<K>[]> {
    if (page) return this.store.list(kind, page);
    const c = await this.fresh(kind);
    c.sorted ??= [...c.records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return c.sorted.slice() as Stored<K>[];
  }

  /** From memory when the kind was listed before, else from the store (frozen either way). */
  async get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined> {
    if (!this.kinds.get(kind)?.loaded) return deepFreeze(await this.store.get(kind, id));
    return (await this.fresh(kind)).records.get(id) as Stored<K> | undefined;
  }

  /** Stops following the store's commits. */
  close(): void {
    this.unsubscribe();
    this.kinds.clear();
  }

  private changed(keys: RecordKey[]): void {
    for (const k of keys) this.kinds.get(k.kind)?.dirty.add(k.id);
  }

  /** The kind's cache once every change notified so far is read (one refresh at a time per kind). */
  private async fresh(kind: Kind): Promise<KindCache> {
    let c = this.kinds.get(kind);
    if (!c) {
      c = { records: new Map(), dirty: new Set(), loaded: false, busy: Promise.resolve() };
      this.kinds.set(kind, c);
    }
    const cache = c;
    cache.busy = cache.busy.then(() => this.refresh(kind, cache)).catch((err: unknown) => {
      cache.loaded = false; // read the whole kind again next time
      throw err;
    });
    await cache.busy;
    return cache;
  }

  private async refresh(kind: Kind, c: KindCache): Promise<void> {
    // Ids are taken before reading: a commit during the read marks its record dirty again.
    if (!c.loaded) {
      c.dirty.clear();
      const all = await this.store.list(kind);
      c.records = new Map(all.map((r) => [r.id, deepFreeze(r)]));
      c.sorted = undefined;
      c.loaded = true;
      return;
    }
    if (c.dirty.size === 0) return;
    const ids = [...c.dirty];
    c.dirty.clear();
    const fresh = await Promise.all(ids.map((id) => this.store.get(kind, id)));
    ids.forEach((id, i) => {
      const r = fresh[i];
      if (r) c.records.set(id, deepFreeze(r));
      else c.records.delete(id);
    });
    c.sorted = undefined;
  }
}

interface KindCache {
  records: Map<string, Stored<Kind>>;
  /** Ids a commit wrote since they were read. */
  dirty: Set<string>;
  loaded: boolean;
  /** The records in id order (until the next change). */
  sorted?: Stored<Kind>[];
  /** The refresh under way (refreshes of a kind never overlap). */
  busy: Promise<void>;
}

/**
 * Merged views of groups and clusters (views.ts) over `reads`, each made again only when its
 * spec or status record changed (is another object): with {@link CachedReads}, only after a
 * commit touched it. Views are frozen, as the records they come from.
 */
export class MergedViews {
  private clusterMemo = new Map<string, ClusterView>();
  private groupMemo = new Map<string, GroupView>();

  constructor(readonly reads: Pick<StateStore, 'list' | 'get'>) {}

  /** Every cluster in id order (as listClusters). */
  async clusters(): Promise<ClusterView[]> {
    const [specs, statuses] = await Promise.all([this.reads.list('cacheCluster'), this.reads.list('cacheClusterStatus')]);
    const { views, memo } = merged(specs, statuses, this.clusterMemo, mergeCluster);
    this.clusterMemo = memo;
    return views;
  }

  /** Every group in id order (as listGroups). */
  async groups(): Promise<GroupView[]> {
    const [specs, statuses] = await Promise.all([this.reads.list('replicationGroup'), this.reads.list('replicationGroupStatus')]);
    const { views, memo } = merged(specs, statuses, this.groupMemo, mergeGroup);
    this.groupMemo = memo;
    return views;
  }
}

/** The views of `specs` in order, reusing those of `memo` whose halves are the same objects. */
function merged<S, T, M>(specs: Stored<Kind>[], statuses: Stored<Kind>[], memo: Map<string, View<S, T, M>>,
  merge: (spec: S, status: T | undefined) => M): { views: View<S, T, M>[]; memo: Map<string, View<S, T, M>> } {
  const byId = new Map(statuses.map((s) => [s.id, s]));
  const next = new Map<string, View<S, T, M>>();
  const views = specs.map((s) => {
    const st = byId.get(s.id);
    const spec = s.doc as S;
    const status = st?.doc as T | undefined;
    const old = memo.get(s.id);
    const v = old && old.spec === spec && old.status === status
      ? old
      : deepFreeze({ id: s.id, version: s.version, statusVersion: st?.version, spec, status, doc: merge(spec, status) });
    next.set(s.id, v);
    return v;
  });
  return { views, memo: next };
}

/** Freezes a JSON-like value and everything in it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
