/**
 * Behind a serverless cache's endpoint. Its backing nodes admit the service alone: the management
 * address (the source of the endpoint engine's and the control plane's connections) and the nodes
 * themselves. Tests that look behind the endpoint connect from that address, as the service does:
 * one command per connection (RESP2, parsed with redis-parser).
 */
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import RedisParser from 'redis-parser';
import { nodeDirs } from './e2e-nodes.js';

export interface BackingNode { address: string; port: number }
export interface Login { user: string; password: string }

/** The address the service connects to nodes from (proxy.json's backend.sourceAddress of `cache`). */
export async function managementAddress(dataDir: string, cache: string): Promise<string> {
  const config = JSON.parse(await readFile(join(dataDir, 'serverless', cache, 'proxy.json'), 'utf8')) as { backend: { sourceAddress?: string } };
  if (!config.backend.sourceAddress) throw new Error(`${cache}: proxy.json names no backend source address`);
  return config.backend.sourceAddress;
}

/** The address of a backing node (`serverless--<cache>-<shard>-<member>`). */
export async function backingNode(dataDir: string, cache: string, member = '0001-001'): Promise<BackingNode> {
  const key = (await nodeDirs(dataDir)).find((k) => k.startsWith(`serverless--${cache}-${member}`));
  if (!key) throw new Error(`no backing node ${member} of ${cache}`);
  return JSON.parse(await readFile(join(dataDir, 'nodes', key, 'node.json'), 'utf8')) as BackingNode;
}

/** Runs `args` on `node` from `from` (logged in as `login` first); resolves the reply, rejects with a Redis error. */
export function callFrom(from: string, node: BackingNode, args: string[], login?: Login, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const replies: unknown[] = [];
    const want = login ? 2 : 1;
    const s = net.connect({ host: node.address, port: node.port, localAddress: from });
    const done = (e: Error | undefined, v?: unknown) => { s.destroy(); if (e) reject(e); else resolve(v); };
    const parser = new RedisParser({
      returnReply: (r: unknown) => { replies.push(r); if (replies.length === want) done(undefined, replies.at(-1)); },
      returnError: (e: Error) => done(e),
    });
    s.setTimeout(timeoutMs, () => done(new Error(`${node.address}:${node.port} from ${from}: no reply in ${timeoutMs} ms`)));
    s.on('data', (d) => parser.execute(d));
    s.on('error', (e) => done(e));
    const encode = (a: string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
    s.write((login ? encode(['AUTH', login.user, login.password]) : '') + encode(args));
  });
}

/**
 * What a failing serverless test prints about what stands behind the endpoint: every backing
 * node's DBSIZE and CLUSTER NODES (asked from the management address) and Redis's own log lines
 * about slots, epochs and syncs, the service's last warnings and resharding lines, and the end of the endpoint engine's log.
 */
export async function backingDiagnostics(dataDir: string, cache: string, serviceLogs: string[], login: Login): Promise<string> {
  const out: string[] = [];
  const from = await managementAddress(dataDir, cache).catch(() => undefined);
  for (const key of (await nodeDirs(dataDir)).filter((k) => k.startsWith(`serverless--${cache}-`))) {
    const node = JSON.parse(await readFile(join(dataDir, 'nodes', key, 'node.json'), 'utf8')) as BackingNode;
    const ask = async (...args: string[]) => from ? String(await callFrom(from, node, args, login).catch((e: Error) => e.message)) : 'no management address';
    // What it holds, and what Redis itself logged about slots, failovers and syncs (a lost key is
    // explained there: a flush by a full sync, a dirty slot's keys deleted, a claim taken over).
    const log = await readFile(join(dataDir, 'nodes', key, 'redis.log'), 'utf8').catch(() => '');
    const lines = log.split('\n').filter((l) => /slot|epoch|fail|master|replica|sync|configuration|flush|delet/i.test(l)).slice(-40);
    out.push(`${key} (${node.address}:${node.port}): dbsize ${await ask('DBSIZE')}\n${await ask('CLUSTER', 'NODES')}`, ...lines.map((l) => `  | ${l}`));
  }
  out.push('the service:', ...serviceLogs.filter((l) => /"level":(40|50|60)|slot|reshard/i.test(l)).slice(-60));
  const engineLog = await readFile(join(dataDir, 'serverless', cache, 'proxy.log'), 'utf8').catch(() => '');
  out.push('the endpoint engine:', ...engineLog.split('\n').slice(-40));
  return out.join('\n');
}
