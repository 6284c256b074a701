import { isServerlessBacking } from './serverless.js';
import { hiddenSnapshotName, serverlessSnapshotArn } from './serverless-snapshots.js';
import { CommonErrors, fault, type FaultName } from '../errors/index.js';
import { parseArn, type Services } from '../core/index.js';
import type { Kind, RecordKinds, StateStore, Tag, WriteOp } from '../store/index.js';
import { checkPointInTimeTags } from './point-in-time.js';

/** ElastiCache's limits: 50 user tags per resource, keys 1–128 characters, values 0–256. */
export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** Letters, digits, white space and _ . : / = + - @, as AWS tagging allows. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A tag as the API decodes it (the model leaves Key optional). */
export interface TagInput {
  Key?: string;
  Value?: string;
}

/** Checks one tag as AWS does and returns it with a missing Value stored as "" (AWS accepts null). */
export function validateTag(tag: TagInput): Tag & { Value: string } {
  const key = tag.Key;
  const value = tag.Value ?? '';
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw CommonErrors.invalidParameterValue(`Tag keys must be 1 to ${MAX_KEY_LENGTH} characters long (got '${key ?? ''}').`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw CommonErrors.invalidParameterValue(`Tag key '${key}' is invalid: the prefix 'aws:' is reserved for AWS use.`);
  }
  if (value.length > MAX_VALUE_LENGTH) {
    throw CommonErrors.invalidParameterValue(`The value of tag '${key}' is longer than ${MAX_VALUE_LENGTH} characters.`);
  }
  if (!TAG_CHARS.test(key) || !TAG_CHARS.test(value)) {
    throw CommonErrors.invalidParameterValue(
      `Tag '${key}' is invalid: keys and values may contain letters, digits, spaces and _ . : / = + - @ only.`);
  }
  return { Key: key, Value: value };
}

/** `added` over `existing`: a key given again takes the new value and keeps its place. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t] as const));
  for (const t of added) byKey.set(t.Key, t);
  return [...byKey.values()];
}

export function checkTagQuota(arn: string, tags: Tag[]): void {
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    throw fault('TagQuotaPerResourceExceeded',
      `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; ${arn} would have ${tags.length}.`);
  }
}

/**
 * The op that stores the Tags given to a create action (validated as AddTagsToResource does);
 * none when there are none. Put it after the resource's own create op and commit with
 * {@link createRecords} (src/resources/commit.ts).
 */
export function tagOps(arn: string, tags: TagInput[] | undefined): WriteOp[] {
  if (!tags || tags.length === 0) return [];
  const merged = mergeTags([], tags.map(validateTag));
  checkTagQuota(arn, merged);
  checkPointInTimeTags(arn, merged, 'create');
  return [{ op: 'create', kind: 'tags', id: arn, doc: { arn, tags: merged } }];
}

/** The op removing a resource's tags, to commit with the resource's deletion (none if untagged). */
export async function deleteTagOps(store: StateStore, arn: string): Promise<WriteOp[]> {
  const found = await store.get('tags', arn);
  return found ? [{ op: 'delete', kind: 'tags', id: arn, expectVersion: found.version }] : [];
}

type ArnKind = { [K in Kind]: RecordKinds[K] extends { arn: string } ? K : never }[Kind];

/**
 * What each ARN resource type names: the record kind it is stored as and the fault for a
 * missing one. Types without a `kind` are ElastiCache resources cachefleet does not have
 * (yet); their ARNs are valid but name nothing. Add a row when a new resource kind arrives.
 */
const TAGGABLE: Record<string, { kind?: ArnKind; notFound: FaultName; what: string }> = {
  replicationgroup: { kind: 'replicationGroup', notFound: 'ReplicationGroupNotFoundFault', what: 'Replication group' },
  cluster: { kind: 'cacheCluster', notFound: 'CacheClusterNotFoundFault', what: 'Cache cluster' },
  parametergroup: { kind: 'cacheParameterGroup', notFound: 'CacheParameterGroupNotFoundFault', what: 'Cache parameter group' },
  subnetgroup: { kind: 'cacheSubnetGroup', notFound: 'CacheSubnetGroupNotFoundFault', what: 'Cache subnet group' },
  securitygroup: { notFound: 'CacheSecurityGroupNotFoundFault', what: 'Cache security group' },
  snapshot: { kind: 'snapshot', notFound: 'SnapshotNotFoundFault', what: 'Snapshot' },
  user: { kind: 'user', notFound: 'UserNotFoundFault', what: 'User' },
  usergroup: { kind: 'userGroup', notFound: 'UserGroupNotFoundFault', what: 'User group' },
  'reserved-instance': { notFound: 'ReservedCacheNodeNotFoundFault', what: 'Reserved cache node' },
  serverlesscache: { kind: 'serverlessCache', notFound: 'ServerlessCacheNotFoundFault', what: 'Serverless cache' },
  serverlesscachesnapshot: { notFound: 'ServerlessCacheSnapshotNotFoundFault', what: 'Serverless cache snapshot' },
};

/** The record kind an ARN of this installation names (undefined for types cachefleet has not). */
export function taggedKind(resourceArn: string): Kind | undefined {
  const type = parseArn(resourceArn)?.type;
  return type && Object.hasOwn(TAGGABLE, type) ? TAGGABLE[type]!.kind : undefined;
}

/**
 * Checks that `resourceName` is the ARN of an existing resource of this installation and
 * returns its canonical ARN (the one stored on the record, which keys its tags).
 */
export async function resolveTaggableArn(svc: Services, resourceName: string): Promise<string> {
  const parsed = parseArn(resourceName);
  const type = parsed && Object.hasOwn(TAGGABLE, parsed.type) ? TAGGABLE[parsed.type] : undefined;
  if (!parsed || !type) {
    throw fault('InvalidARNFault', `The ARN ${resourceName} is not a valid ElastiCache resource ARN.`);
  }
  const { region, accountId } = svc.installation;
  if (parsed.region !== region || parsed.accountId !== accountId) {
    throw fault('InvalidARNFault',
      `The ARN ${resourceName} does not belong to this service (account ${accountId}, region ${region}).`);
  }
  if (parsed.type === 'serverlesscachesnapshot') {
    // Stored as the backing group's hidden snapshot; its tags are keyed by the serverless ARN.
    const name = parsed.id.toLowerCase();
    if (!(await svc.store.get('snapshot', hiddenSnapshotName(name)))) throw fault(type.notFound, `${type.what} ${parsed.id} not found.`);
    return serverlessSnapshotArn(svc, name);
  }
  // A serverless cache's backing group and nodes are not the customer's to tag (serverless.ts).
  const hidden = (type.kind === 'replicationGroup' || type.kind === 'cacheCluster') && isServerlessBacking(parsed.id.toLowerCase());
  const found = type.kind && !hidden ? await svc.store.get(type.kind, parsed.id.toLowerCase()) : undefined;
  if (!found) throw fault(type.notFound, `${type.what} ${parsed.id} not found.`);
  return (found.doc as { arn: string }).arn;
}

export async function readTags(store: StateStore, arn: string): Promise<{ tags: Tag[]; version?: number }> {
  const found = await store.get('tags', arn);
  return found ? { tags: found.doc.tags, version: found.version } : { tags: [] };
}

/** The op writing a resource's new tag list (create, update at the read version, or delete when empty). */
export function writeTagsOp(arn: string, tags: Tag[], version: number | undefined): WriteOp[] {
  if (version === undefined) return tags.length ? [{ op: 'create', kind: 'tags', id: arn, doc: { arn, tags } }] : [];
  if (tags.length === 0) return [{ op: 'delete', kind: 'tags', id: arn, expectVersion: version }];
  return [{ op: 'update', kind: 'tags', id: arn, doc: { arn, tags }, expectVersion: version }];
}
