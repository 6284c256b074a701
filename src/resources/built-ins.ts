import { DEFAULT_PARAMETER_GROUPS } from '../catalog/parameters.js';
import { arn, type Services } from '../core/index.js';
import type { CacheParameterGroupRecord, WriteOp } from '../store/index.js';
import { retryOnConflict } from './commit.js';
import { DEFAULT_SUBNET_GROUP, newSubnetGroupRecord } from './subnet-groups.js';
import { builtInDefaultUser, DEFAULT_USER_ID } from './users.js';

/**
 * Creates what an ElastiCache account starts with: the default parameter groups of each
 * family (default.redis7, default.redis7.cluster.on) and, as in an account with a default VPC,
 * a `default` subnet group with a subnet in each of three availability zones, and the built-in
 * `default` user of role-based access control.
 *
 * Idempotent, run at every start. A built-in parameter group whose catalog definition changed
 * (a newer cachefleet) is brought up to date with its version bumped, so the reconciler
 * re-applies it; the default subnet group is only created, never reset (customers may modify it).
 */
export async function ensureBuiltIns(svc: Services): Promise<void> {
  // Another process sharing the store may make them at the same time: then look again.
  await retryOnConflict(() => ensureOnce(svc));
}

async function ensureOnce(svc: Services): Promise<void> {
  const ops: WriteOp[] = [];
  for (const def of DEFAULT_PARAMETER_GROUPS) {
    const name = def.CacheParameterGroupName;
    const existing = await svc.store.get('cacheParameterGroup', name);
    const wanted: CacheParameterGroupRecord = {
      name,
      arn: arn(svc.installation, 'parametergroup', name),
      family: def.CacheParameterGroupFamily,
      description: def.Description,
      isGlobal: def.IsGlobal,
      builtIn: true,
      values: { ...def.values },
      version: 1,
      createdAt: svc.installation.createdAt,
    };
    if (!existing) {
      ops.push({ op: 'create', kind: 'cacheParameterGroup', id: name, doc: wanted });
    } else if (!existing.doc.builtIn) {
      svc.logger.warn({ parameterGroup: name }, 'a customer parameter group has a built-in name; left as is');
    } else if (!sameDefinition(existing.doc, wanted)) {
      const doc = { ...wanted, version: existing.doc.version + 1, createdAt: existing.doc.createdAt };
      ops.push({ op: 'update', kind: 'cacheParameterGroup', id: name, doc, expectVersion: existing.version });
    }
  }
  if (!(await svc.store.get('cacheSubnetGroup', DEFAULT_SUBNET_GROUP))) {
    const subnets = ['a', 'b', 'c'].map((az) => `subnet-default-${az}`);
    const group = newSubnetGroupRecord(svc.installation, DEFAULT_SUBNET_GROUP, 'Default CacheSubnetGroup', subnets,
      new Date(svc.installation.createdAt));
    ops.push({ op: 'create', kind: 'cacheSubnetGroup', id: DEFAULT_SUBNET_GROUP, doc: group });
  }
  // RBAC: the built-in `default` user (on ~* +@all, no password), as every ElastiCache account has it.
  if (!(await svc.store.get('user', DEFAULT_USER_ID))) {
    ops.push({ op: 'create', kind: 'user', id: DEFAULT_USER_ID, doc: builtInDefaultUser(svc.installation) });
  }
  await svc.store.commit(ops);
}

function sameDefinition(a: CacheParameterGroupRecord, b: CacheParameterGroupRecord): boolean {
  return a.family === b.family && a.description === b.description && a.isGlobal === b.isGlobal &&
    JSON.stringify(Object.entries(a.values).sort()) === JSON.stringify(Object.entries(b.values).sort());
}
