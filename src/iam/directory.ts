// The installation's IAM users, groups and access keys, held in memory for the checks every API
// request makes (whose key is this, may it do that) and written through to the state store.
// Writes are serialized in this process (the only writer of a data directory) and the snapshot
// is reloaded before a write returns, so a key or policy is in force when its API call answers.
import { ConflictError, type IamAccessKeyRecord, type IamGroupRecord, type IamUserRecord, type StateStore, type Stored, type WriteOp } from '../store/index.js';
import { IamErrors } from './errors.js';
import { parsePolicyDocument, type ParsedPolicy } from './policy.js';

export interface IamSnapshot {
  /** By name lowercased (IAM names are unique regardless of case). */
  users: ReadonlyMap<string, Stored<'iamUser'>>;
  groups: ReadonlyMap<string, Stored<'iamGroup'>>;
  keys: ReadonlyMap<string, Stored<'iamAccessKey'>>;
}

/** A record id for an IAM name. */
export const iamId = (name: string) => name.toLowerCase();

export class IamDirectory {
  private snap: IamSnapshot = { users: new Map(), groups: new Map(), keys: new Map() };
  private readonly parsed = new Map<string, ParsedPolicy>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: StateStore, readonly accountId: string) {}

  static async load(store: StateStore, accountId: string): Promise<IamDirectory> {
    const d = new IamDirectory(store, accountId);
    await d.refresh();
    return d;
  }

  get snapshot(): IamSnapshot {
    return this.snap;
  }

  async refresh(): Promise<void> {
    const [users, groups, keys] = await Promise.all([
      this.store.list('iamUser'), this.store.list('iamGroup'), this.store.list('iamAccessKey')]);
    this.snap = {
      users: new Map(users.map((r) => [r.id, r])),
      groups: new Map(groups.map((r) => [r.id, r])),
      keys: new Map(keys.map((r) => [r.id, r])),
    };
  }

  user(name: string): IamUserRecord | undefined {
    return this.snap.users.get(iamId(name))?.doc;
  }

  group(name: string): IamGroupRecord | undefined {
    return this.snap.groups.get(iamId(name))?.doc;
  }

  accessKey(id: string): IamAccessKeyRecord | undefined {
    return this.snap.keys.get(id)?.doc;
  }

  /** The secret of an Active key, for the signature check; undefined for an unknown or Inactive one. */
  activeSecret(accessKeyId: string): string | undefined {
    const k = this.snap.keys.get(accessKeyId)?.doc;
    return k && k.status === 'Active' ? k.secretAccessKey : undefined;
  }

  keysOf(userName: string): IamAccessKeyRecord[] {
    const id = iamId(userName);
    return [...this.snap.keys.values()].map((r) => r.doc).filter((k) => iamId(k.userName) === id)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  membersOf(groupName: string): IamUserRecord[] {
    const id = iamId(groupName);
    return [...this.snap.users.values()].map((r) => r.doc).filter((u) => u.groupNames.some((g) => iamId(g) === id));
  }

  userArn(u: Pick<IamUserRecord, 'path' | 'userName'>): string {
    return `arn:aws:iam::${this.accountId}:user${u.path}${u.userName}`;
  }

  groupArn(g: Pick<IamGroupRecord, 'path' | 'groupName'>): string {
    return `arn:aws:iam::${this.accountId}:group${g.path}${g.groupName}`;
  }

  /** Every policy that applies to the user: its own inline policies, then its groups'. */
  policiesOf(user: IamUserRecord): ParsedPolicy[] {
    const out: ParsedPolicy[] = [];
    for (const text of Object.values(user.policies)) out.push(this.parse(text));
    for (const g of user.groupNames) {
      const group = this.group(g);
      if (group) for (const text of Object.values(group.policies)) out.push(this.parse(text));
    }
    return out;
  }

  /** Parsed once per document text (stored documents were checked when they were put). */
  private parse(text: string): ParsedPolicy {
    let p = this.parsed.get(text);
    if (!p) {
      p = parsePolicyDocument(text);
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(text, p);
    }
    return p;
  }

  /**
   * Runs `plan` on the current snapshot, alone, commits the writes it returns (each update and
   * delete at the version it read) and reloads the snapshot before returning its result. A plan
   * throws an AwsError to refuse the change; nothing is written then.
   */
  mutate<T>(plan: (snap: IamSnapshot) => { ops: WriteOp[]; result: T }): Promise<T> {
    const run = async () => {
      const { ops, result } = plan(this.snap);
      if (ops.length > 0) {
        try {
          await this.store.commit(ops);
        } catch (e) {
          if (e instanceof ConflictError) throw IamErrors.concurrentModification();
          throw e;
        } finally {
          await this.refresh();
        }
      }
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
