/** Replication-group helpers for end-to-end tests (JS SDK against the running service). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateReplicationGroupCommand, DescribeReplicationGroupsCommand, DescribeUserGroupsCommand, type ElastiCacheClient, type ReplicationGroup,
  type CreateReplicationGroupCommandInput,
} from '@aws-sdk/client-elasticache';
import { waitFor } from '../../src/util/wait.js';
import { Redis } from 'ioredis';
import type { Cleanup } from './cleanup.js';

export async function describeGroup(client: ElastiCacheClient, id: string): Promise<ReplicationGroup> {
  const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return out.ReplicationGroups![0]!;
}

/** Creates a group and waits until it is available with every member answering. */
export async function createGroup(client: ElastiCacheClient, input: Partial<CreateReplicationGroupCommandInput> & { ReplicationGroupId: string }): Promise<ReplicationGroup> {
  await client.send(new CreateReplicationGroupCommand({ ReplicationGroupDescription: 'test', CacheNodeType: 'cache.t3.micro', ...input }));
  return waitAvailable(client, input.ReplicationGroupId);
}

export async function waitAvailable(client: ElastiCacheClient, id: string, timeoutMs = 20_000,
  extra: (g: ReplicationGroup) => boolean = () => true): Promise<ReplicationGroup> {
  return waitFor(async () => {
    const g = await describeGroup(client, id);
    return g.Status === 'available' && extra(g) ? g : undefined;
  }, { timeoutMs, intervalMs: 50, what: `replication group ${id} to be available` });
}

export function members(g: ReplicationGroup) {
  return g.NodeGroups![0]!.NodeGroupMembers!;
}

export function primaryOf(g: ReplicationGroup): string {
  const p = members(g).filter((m) => m.CurrentRole === 'primary');
  if (p.length !== 1) throw new Error(`expected one primary, got ${p.map((m) => m.CacheClusterId).join(', ') || 'none'}`);
  return p[0]!.CacheClusterId!;
}

export function endpoint(g: ReplicationGroup, which: 'PrimaryEndpoint' | 'ReaderEndpoint'): { host: string; port: number } {
  const e = g.NodeGroups![0]![which]!;
  return { host: e.Address!, port: e.Port! };
}

/** The pid of a cache cluster's (only) node, from the node directory the service keeps. */
export async function nodePid(dataDir: string, cacheClusterId: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'nodes', `${cacheClusterId}-0001`, 'redis.pid'), 'utf8')).trim());
}

/**
 * Waits until user groups are `active`: as on ElastiCache, a new user group is `creating` until
 * the service has taken it in, and a replication group can be given only an active one.
 */
export async function waitUserGroupsActive(client: ElastiCacheClient, ids: string[], timeoutMs = 20_000): Promise<void> {
  for (const id of ids) {
    await waitFor(async () => (await client.send(new DescribeUserGroupsCommand({ UserGroupId: id }))).UserGroups?.[0]?.Status === 'active',
      { timeoutMs, what: `user group ${id} to be active` });
  }
}

/** An ioredis client at a group's primary endpoint (plain TCP), connected, disconnected at cleanup. */
export async function primaryClient(cleanup: Pick<Cleanup, 'defer'>, client: ElastiCacheClient, id: string): Promise<Redis> {
  const ep = endpoint(await describeGroup(client, id), 'PrimaryEndpoint');
  const c = new Redis({ host: ep.host, port: ep.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  cleanup.defer(() => c.disconnect());
  await c.connect();
  return c;
}
