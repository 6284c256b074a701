import { parameterGroupHref } from '../router.js';
import type { CacheCluster, ReplicationGroup } from '../types.js';

/**
 * What a group runs with, each resource linked to its page: engine version, parameter group (and
 * whether a change waits for a reboot), subnet group, security groups, user groups, encryption at
 * rest, backups and the maintenance window. The settings of the group's first node stand for all
 * (the service keeps them alike).
 */
export function GroupConfiguration({ group: g, clusters }: { group: ReplicationGroup; clusters: CacheCluster[] }) {
  const c = clusters[0];
  const pg = c?.CacheParameterGroup;
  const securityGroups = c?.SecurityGroups ?? [];
  const userGroups = g.UserGroupIds ?? [];
  return (
    <section aria-labelledby="configuration-title">
      <h2 id="configuration-title">Configuration</h2>
      <dl class="facts" data-configuration>
        <dt>Engine version</dt><dd>{c?.EngineVersion ?? '—'}</dd>
        <dt>Parameter group</dt>
        <dd>{pg?.CacheParameterGroupName
          ? <><a href={parameterGroupHref(pg.CacheParameterGroupName)}>{pg.CacheParameterGroupName}</a>{pg.ParameterApplyStatus && pg.ParameterApplyStatus !== 'in-sync' ? ` (${pg.ParameterApplyStatus})` : ''}</>
          : '—'}</dd>
        <dt>Subnet group</dt><dd>{c?.CacheSubnetGroupName ? <a href="#/subnet-groups">{c.CacheSubnetGroupName}</a> : '—'}</dd>
        <dt>Security groups</dt>
        <dd>{securityGroups.length ? securityGroups.map((s, i) => <span key={s.SecurityGroupId}>{i > 0 && ', '}<a href="#/security-groups">{s.SecurityGroupId}</a></span>) : '—'}</dd>
        <dt>User groups</dt>
        <dd>{userGroups.length ? userGroups.map((u, i) => <span key={u}>{i > 0 && ', '}<a href="#/users">{u}</a></span>) : 'none'}</dd>
        <dt>Encryption at rest</dt><dd>{g.AtRestEncryptionEnabled ? `on${g.KmsKeyId ? ` (${g.KmsKeyId})` : ''}` : 'off'}</dd>
        <dt>Automatic backups</dt>
        <dd>{g.SnapshotRetentionLimit ? `kept ${g.SnapshotRetentionLimit} day${g.SnapshotRetentionLimit === 1 ? '' : 's'}, taken ${g.SnapshotWindow ?? 'daily'} UTC` : 'off'}</dd>
        <dt>Maintenance window</dt><dd>{c?.PreferredMaintenanceWindow ? `${c.PreferredMaintenanceWindow} UTC` : '—'}</dd>
      </dl>
    </section>
  );
}
