/** Replication group helpers for the benchmark (through the JS SDK), and a one-shot RESP command. */
import { connect } from 'node:net';
import {
  CreateReplicationGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { delay } from '../src/util/wait.js';

export const NODE_TYPE = 'cache.t3.micro';

export function createGroup(client: ElastiCacheClient, id: string, nodes: number): Promise<unknown> {
  return client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: id,
    ReplicationGroupDescription: `benchmark ${id}`,
    NumCacheClusters: nodes,
    CacheNodeType: NODE_TYPE,
    Engine: 'redis',
  }));
}

/** The group, or undefined once it no longer exists. */
export async function describeGroup(client: ElastiCacheClient, id: string): Promise<ReplicationGroup | undefined> {
  try {
    const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
    return out.ReplicationGroups?.[0];
  } catch (e) {
    if ((e as { name?: string }).name === 'ReplicationGroupNotFoundFault') return undefined;
    throw e;
  }
}

/** Every group (following Marker pages). */
export async function describeAll(client: ElastiCacheClient): Promise<ReplicationGroup[]> {
  const all: ReplicationGroup[] = [];
  let marker: string | undefined;
  do {
    const out = await client.send(new DescribeReplicationGroupsCommand({ Marker: marker }));
    all.push(...(out.ReplicationGroups ?? []));
    marker = out.Marker;
  } while (marker);
  return all;
}

/** Polls every `intervalMs` until the group is available; fails on a terminal state or after `timeoutMs`. */
export async function waitAvailable(client: ElastiCacheClient, id: string, opts: { intervalMs?: number; timeoutMs?: number } = {}):
  Promise<ReplicationGroup> {
  const { intervalMs = 20, timeoutMs = 60_000 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await describeGroup(client, id);
    if (g?.Status === 'available') return g;
    if (!g) throw new Error(`replication group ${id} disappeared while waiting for it to be available`);
    if (g.Status !== 'creating' && g.Status !== 'modifying') throw new Error(`replication group ${id} is ${g.Status}`);
    if (Date.now() > deadline) throw new Error(`replication group ${id} still ${g.Status} after ${timeoutMs} ms`);
    await delay(intervalMs);
  }
}

export async function deleteGroup(client: ElastiCacheClient, id: string): Promise<void> {
  await client.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: id }));
}

export async function waitGone(client: ElastiCacheClient, id: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await describeGroup(client, id)) {
    if (Date.now() > deadline) throw new Error(`replication group ${id} still exists ${timeoutMs} ms after DeleteReplicationGroup`);
    await delay(20);
  }
}

export interface GroupAddresses {
  primaryEndpoint: { host: string; port: number };
  readerEndpoint: { host: string; port: number };
  primaryNode: { host: string; port: number };
  replicaNodes: { host: string; port: number }[];
}

export function addressesOf(g: ReplicationGroup): GroupAddresses {
  const ng = g.NodeGroups?.[0];
  const ep = (e: { Address?: string; Port?: number } | undefined, what: string) => {
    if (!e?.Address || !e.Port) throw new Error(`group ${g.ReplicationGroupId} has no ${what}`);
    return { host: e.Address, port: e.Port };
  };
  const members = ng?.NodeGroupMembers ?? [];
  const primary = members.find((m) => m.CurrentRole === 'primary');
  return {
    primaryEndpoint: ep(ng?.PrimaryEndpoint, 'primary endpoint'),
    readerEndpoint: ep(ng?.ReaderEndpoint, 'reader endpoint'),
    primaryNode: ep(primary?.ReadEndpoint, 'primary node'),
    replicaNodes: members.filter((m) => m.CurrentRole === 'replica').map((m) => ep(m.ReadEndpoint, 'replica node')),
  };
}

/** Sends one command on a fresh connection and returns the first line of the reply (bulk: the value). */
export function redisCommand(host: string, port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`${host}:${port}: no reply within ${timeoutMs} ms`)); }, timeoutMs);
    const done = (err: Error | undefined, v?: string) => { clearTimeout(timer); sock.destroy(); err ? reject(err) : resolve(v!); };
    sock.on('error', (e) => done(e));
    sock.on('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const first = buf.slice(0, eol);
      if (first[0] === '-') return done(new Error(`${host}:${port}: ${first.slice(1)}`));
      if (first[0] !== '$') return done(undefined, first.slice(1));
      const len = Number(first.slice(1));
      if (len < 0) return done(undefined, '(nil)');
      if (buf.length >= eol + 2 + len + 2) done(undefined, buf.slice(eol + 2, eol + 2 + len));
    });
  });
}
