import { resolveEngine, type InstalledEngine } from '../catalog/engines.js';
import { requireNodeType } from '../catalog/node-types.js';
import { dynamicRedisConfig, effectiveParameterValues, redisDirectives } from '../catalog/parameters.js';
import type { NodeSpec } from '../engine/types.js';
import { nodeKey } from '../resources/naming.js';
import type { CacheClusterRecord, CacheNodeRecord, CacheParameterGroupRecord } from '../store/index.js';
import type { Target } from '../endpoints/types.js';
import { defaultUserRules, sha256Hex } from '../security/auth-token.js';
import type { NodeSecuritySpec } from '../security/node-security.js';
import { aclConfigLines } from './acl.js';

/**
 * What a node should run: engine binary, config from node type and parameter group, and its
 * place in replication. A cluster-mode node (its parameter group has cluster-enabled yes) keeps
 * its cluster state in nodes.conf and announces its own address; it never gets `replicaof`
 * (Redis Cluster refuses it: replicas are set with CLUSTER REPLICATE). Redis Cluster's own
 * automatic failover is off: failover is decided by cachefleet's health monitor, per shard.
 *
 * With `security`, the node gets the internal admin user the control plane authenticates as
 * (and replicas authenticate to their primary as), the `default` user of the cluster's AUTH
 * token state, and TLS when the cluster has transit encryption. ACL users appear with the
 * SHA-256 of their passwords only (`#<hex>`); masterauth is necessarily the password itself.
 */
export function nodeSpec(c: CacheClusterRecord, n: CacheNodeRecord, group: CacheParameterGroupRecord,
  engines: InstalledEngine[], replicaOf: Target | undefined, security?: NodeSecuritySpec): NodeSpec {
  const engine = resolveEngine(c.engineVersion, engines);
  const config = redisDirectives(group.family, group.values, requireNodeType(c.cacheNodeType));
  if (config['cluster-enabled'] === 'yes') {
    Object.assign(config, {
      'cluster-config-file': 'nodes.conf',
      'cluster-announce-ip': n.address,
      'cluster-node-timeout': '5000',
      'cluster-replica-no-failover': 'yes',
      'cluster-allow-replica-migration': 'no',
    });
  } else if (replicaOf) {
    config['replicaof'] = `${replicaOf.address} ${replicaOf.port}`;
  }
  if (security) {
    config['user'] = [
      [security.adminUser, 'on', `#${sha256Hex(security.adminPassword)}`, '~*', '&*', '+@all'].join(' '),
      // RBAC: the user groups' users, `default` first; else `default` per the AUTH token state.
      ...(security.acl?.rbac ? aclConfigLines(security.acl.users) : [['default', ...defaultUserRules(c.auth)].join(' ')]),
    ];
    // IAM users: the node checks their logins with the IAM auth module (native/iam-auth).
    if (security.iamModule) config['loadmodule'] = [security.iamModule.path, ...security.iamModule.args].join(' ');
    config['masteruser'] = security.adminUser;
    config['masterauth'] = security.adminPassword;
  }
  return {
    key: nodeKey(c.id, n.id), binary: engine.binary, address: n.address, port: n.port, config,
    ...(security?.tls && c.transitEncryptionEnabled ? { tls: security.tls } : {}),
  };
}

export function desiredParameters(group: CacheParameterGroupRecord): Record<string, string> {
  return effectiveParameterValues(group.family, group.values);
}

/** The values live on a cluster's nodes (its record keeps only those that differ from the family defaults). */
export function appliedParameters(c: CacheClusterRecord, family: string): Record<string, string> {
  return effectiveParameterValues(family, c.appliedParameters ?? {});
}

/** What a record keeps of effective values: only those that differ from the family defaults. */
export function parameterOverrides(family: string, effective: Record<string, string>): Record<string, string> {
  const defaults = effectiveParameterValues(family, {});
  return Object.fromEntries(Object.entries(effective).filter(([k, v]) => defaults[k] !== v));
}

/** Names whose desired value differs from the applied one (a node type change counts as maxmemory). */
export function changedParameters(c: CacheClusterRecord, group: CacheParameterGroupRecord): string[] {
  const desired = desiredParameters(group);
  const applied = appliedParameters(c, group.family);
  const names = Object.keys(desired).filter((k) => desired[k] !== applied[k]);
  if (c.appliedNodeType !== undefined && c.appliedNodeType !== c.cacheNodeType) {
    names.push('maxmemory', 'client-output-buffer-limit-replica-hard-limit');
  }
  return names;
}

/** How to bring running nodes to the desired parameters: CONFIG SET now, or a reboot. */
export function applyPlan(c: CacheClusterRecord, group: CacheParameterGroupRecord, changed: string[]) {
  return dynamicRedisConfig(group.family, changed, group.values, requireNodeType(c.cacheNodeType));
}
