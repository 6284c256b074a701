import type { Kind, RecordKinds } from './records.js';
import type { ListPage, StateStore, Stored, WriteOp } from './types.js';

/**
 * A record kept in two halves (see records.ts): what the API asked for (the spec, written by API
 * handlers) and what a controller observed (the status, written by the controller), each with
 * its own version, read together as one merged view. A status half that does not exist yet (a
 * resource no controller has seen) is `undefined`, and the kind's merge reads it as the
 * resource's initial status.
 */
export interface View<Spec, Status, Merged> {
  id: string;
  /** The spec's version: API writes (and a controller's spec transitions) expect it. */
  version: number;
  /** The status's version; undefined while there is no status record. */
  statusVersion: number | undefined;
  spec: Spec;
  status: Status | undefined;
  doc: Merged;
}

/**
 * The reads and the raw writes every two-half kind shares, made once from its two kinds and its
 * merge. Each kind's module adds what is its own: which fields belong to which half, and the
 * checks that a write of one half leaves the other alone.
 */
export class SplitKind<SK extends Kind, TK extends Kind, M> {
  constructor(readonly specKind: SK, readonly statusKind: TK,
    private readonly merge: (spec: RecordKinds[SK], status: RecordKinds[TK] | undefined) => M) {}

  view(s: Stored<SK>, st: Stored<TK> | undefined): View<RecordKinds[SK], RecordKinds[TK], M> {
    return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: this.merge(s.doc, st?.doc) };
  }

  async get(store: Pick<StateStore, 'get'>, id: string): Promise<View<RecordKinds[SK], RecordKinds[TK], M> | undefined> {
    const [spec, status] = await Promise.all([store.get(this.specKind, id), store.get(this.statusKind, id)]);
    return spec ? this.view(spec, status) : undefined;
  }

  async list(store: Pick<StateStore, 'list'>): Promise<View<RecordKinds[SK], RecordKinds[TK], M>[]> {
    const [specs, statuses] = await Promise.all([store.list(this.specKind), store.list(this.statusKind)]);
    const byId = new Map(statuses.map((s) => [s.id, s]));
    return specs.map((s) => this.view(s, byId.get(s.id)));
  }

  /**
   * One page in id order: the page's spec records, then the status records of just those ids (a
   * page costs its own records, never the whole kind).
   */
  async listPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<View<RecordKinds[SK], RecordKinds[TK], M>[]> {
    const specs = await store.list(this.specKind, page);
    const statuses = await Promise.all(specs.map((s) => store.get(this.statusKind, s.id)));
    return specs.map((s, i) => this.view(s, statuses[i]));
  }

  /** Creates the spec half (the status half is the controller's to create). */
  create(id: string, spec: RecordKinds[SK]): WriteOp {
    return { op: 'create', kind: this.specKind, id, doc: spec };
  }

  /** The op writing the spec half as `spec`, at the version read; none when unchanged. */
  specWrite(v: View<RecordKinds[SK], unknown, unknown>, spec: RecordKinds[SK]): WriteOp[] {
    if (same(spec, v.spec)) return [];
    return [{ op: 'update', kind: this.specKind, id: v.id, doc: spec, expectVersion: v.version }];
  }

  /** The op writing the status half as `status` (created the first time), at its version read; none when unchanged. */
  statusWrite(v: View<unknown, RecordKinds[TK], unknown>, status: RecordKinds[TK]): WriteOp[] {
    if (v.status && same(status, v.status)) return [];
    return [v.statusVersion === undefined
      ? { op: 'create', kind: this.statusKind, id: v.id, doc: status }
      : { op: 'update', kind: this.statusKind, id: v.id, doc: status, expectVersion: v.statusVersion }];
  }

  /** Removes both halves: the spec at the version read (a concurrent API write wins), the status as it is. */
  remove(v: View<unknown, unknown, unknown>): WriteOp[] {
    return [{ op: 'delete', kind: this.specKind, id: v.id, expectVersion: v.version },
      ...(v.statusVersion !== undefined ? [{ op: 'delete', kind: this.statusKind, id: v.id } as const] : [])];
  }
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
