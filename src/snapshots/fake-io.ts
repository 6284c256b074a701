/**
 * An in-memory {@link SnapshotIO} for unit tests of the controllers and actions (never used at
 * run time): objects kept in maps, a capture that yields a small fixed RDB per node, a framing
 * that only tags the data (so a test can see what was encrypted under which key), and a restore
 * that reads every source and records what it loaded. Each step can be made to fail or to stop
 * (a crash of the control plane: the step never returns).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Capture, RestoreLimits, SnapshotIO } from './io.js';
import {
  CorruptSnapshotError, ObjectNotFoundError, type EncodeOptions, type KeyRef, type KeyStore, type NodeTarget, type ObjectInfo,
  type ObjectStore, type RestoreResult, type SnapshotStorage, type TargetShard,
} from './types.js';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  constructor(readonly where: string) {}

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const data = await readAll(body); // all-or-nothing: stored only once read whole
    this.objects.set(key, data);
    return { key, bytes: data.length };
  }

  async get(key: string): Promise<Readable> {
    const data = this.objects.get(key);
    if (!data) throw new ObjectNotFoundError(key, this.where);
    return Readable.from([data]);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const data = this.objects.get(key);
    return data ? { key, bytes: data.length } : undefined;
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, d]) => ({ key, bytes: d.length }));
  }
}

export class MemoryStorage implements SnapshotStorage {
  readonly snapshots = new MemoryObjectStore('memory');
  readonly buckets = new Map<string, MemoryObjectStore>();
  bucket(name: string): MemoryObjectStore {
    let b = this.buckets.get(name);
    if (!b) this.buckets.set(name, (b = new MemoryObjectStore(`s3://${name}`)));
    return b;
  }
}

export class MemoryKeyStore implements KeyStore {
  private readonly byId = new Map<string, KeyRef>();
  private readonly aliases = new Map<string, string>();
  private defaultId: string | undefined;

  constructor(private readonly region = 'us-east-1', private readonly accountId = '123456789012') {}

  /** Adds a key (and an alias for it), as a user would have created one. */
  add(alias?: string): KeyRef {
    const id = randomUUID();
    const ref = { id, arn: `arn:aws:kms:${this.region}:${this.accountId}:key/${id}` };
    this.byId.set(id, ref);
    if (alias) this.aliases.set(alias.replace(/^alias\//, ''), id);
    return ref;
  }

  async defaultKey(): Promise<KeyRef> {
    if (!this.defaultId) this.defaultId = this.add('aws/elasticache').id;
    return this.byId.get(this.defaultId)!;
  }

  async resolve(kmsKeyId: string): Promise<KeyRef | undefined> {
    const alias = /^(?:arn:aws:kms:[^:]+:\d+:)?alias\/(.+)$/.exec(kmsKeyId)?.[1];
    const id = alias ? this.aliases.get(alias) : kmsKeyId.replace(/^arn:aws:kms:[^:]+:\d+:key\//, '');
    return id ? this.byId.get(id) : undefined;
  }

  async material(id: string): Promise<Buffer> {
    if (!this.byId.has(id)) throw new Error(`no key ${id}`);
    return Buffer.alloc(32, id);
  }
}

/** A step's behaviour: run normally, fail with an error, or never return (the process "crashed" there). */
export type StepFault = Error | 'hang';

export class FakeSnapshotIO implements SnapshotIO {
  readonly storage = new MemoryStorage();
  readonly keys = new MemoryKeyStore();
  /** Nodes captured, as `address:port`, in order. */
  readonly captured: string[] = [];
  /** Every restore: its shards and the RDB files it read. */
  readonly restores: Array<{ shards: TargetShard[]; files: Buffer[]; limits: RestoreLimits }> = [];
  /** Set per `address:port` to make that node's capture fail or hang. */
  readonly captureFaults = new Map<string, StepFault>();
  /** Makes the next restores fail or hang, in order. */
  readonly restoreFaults: StepFault[] = [];
  /** The RDB each node's capture yields (default: a small RDB naming the node). */
  readonly data = new Map<string, Buffer>();

  capture(node: NodeTarget): Capture {
    const at = `${node.address}:${node.port}`;
    this.captured.push(at);
    const fault = this.captureFaults.get(at);
    const rdb = this.data.get(at) ?? Buffer.from(`REDIS0011 data of ${at}`);
    if (fault === 'hang') return { stream: new Readable({ read() { /* never */ } }), done: new Promise(() => undefined) };
    if (fault) {
      const stream = new Readable({ read() { this.destroy(fault); } });
      const done = Promise.reject(fault);
      done.catch(() => undefined); // the stream reports it too; a caller that stops at the stream must not leave it unhandled
      return { stream, done };
    }
    return { stream: Readable.from([rdb]), done: Promise.resolve({ bytes: rdb.length }) };
  }

  encode(rdb: Readable, opts: EncodeOptions): Readable {
    const header = `FAKE1 ${opts.compress ? 'z' : '-'} ${opts.key?.id ?? '-'}\n`;
    return Readable.from((async function* () { yield Buffer.from(header); for await (const c of rdb) yield c as Buffer; })());
  }

  decode(file: Readable, opts: { requireEncryption?: boolean } = {}): Readable {
    return Readable.from((async function* () {
      const data = await readAll(file);
      const nl = data.indexOf(10);
      if (!data.subarray(0, 6).equals(Buffer.from('FAKE1 ')) || nl < 0) throw new CorruptSnapshotError('not a snapshot file');
      if (opts.requireEncryption && data.subarray(0, nl).toString().endsWith(' -')) throw new CorruptSnapshotError('the file is not encrypted');
      yield data.subarray(nl + 1);
    })());
  }

  async restore(sources: Array<() => Promise<Readable>>, shards: TargetShard[], limits: RestoreLimits): Promise<RestoreResult> {
    const fault = this.restoreFaults.shift();
    if (fault === 'hang') return new Promise(() => undefined);
    const files: Buffer[] = [];
    for (const open of sources) files.push(await readAll(await open()));
    if (fault) throw fault;
    // Seeding: each shard's primary is "restarted" on its own file, through the caller's hook.
    if (limits.seed) await Promise.all(files.map((f, i) => limits.seed!.restart(i, Readable.from([f]), new AbortController().signal)));
    this.restores.push({ shards, files, limits });
    const bytes = files.reduce((n, f) => n + f.length, 0);
    limits.onProgress?.({ keys: 0, totalKeys: files.length, bytes });
    limits.onProgress?.({ keys: files.length, totalKeys: files.length, bytes });
    return { keys: files.length, bytes };
  }
}
