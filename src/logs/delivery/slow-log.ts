/**
 * A node's slow log as ElastiCache delivers it (the "Contents of a slow log entry" of its log
 * delivery documentation): CacheClusterId, CacheNodeId, Id, Timestamp (Unix seconds), Duration
 * (microseconds), Command with the key and values replaced by `(N more arguments)`, ClientAddress,
 * ClientName. Pure: SLOWLOG GET's reply in, entries to ship and messages out.
 */
import type { DeliveryCursor } from '../types.js';

export interface SlowlogEntry {
  id: number;
  /** Unix seconds. */
  timestamp: number;
  durationUs: number;
  args: string[];
  clientAddress: string;
  clientName: string;
}

export interface NodeIdentity {
  cacheClusterId: string;
  cacheNodeId: string;
}

/** The name the control plane's own connections carry (engine/admin.ts): its reads are not the customer's commands. */
export const ADMIN_CLIENT_NAME = 'cachefleet-admin';

/** SLOWLOG GET's reply (newest first) as entries, oldest first. Malformed entries are skipped. */
export function parseSlowlog(reply: unknown): SlowlogEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: SlowlogEntry[] = [];
  for (const e of reply) {
    if (!Array.isArray(e) || e.length < 4 || !Array.isArray(e[3])) continue;
    out.push({
      id: Number(e[0]), timestamp: Number(e[1]), durationUs: Number(e[2]),
      args: (e[3] as unknown[]).map((a) => (Buffer.isBuffer(a) ? a.toString('utf8') : String(a))),
      clientAddress: e[4] !== undefined ? String(e[4]) : '', clientName: e[5] !== undefined ? String(e[5]) : '',
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * The entries after `cursor` on the node's current run, and the cursor past them. Ids restart at
 * 0 with each redis-server process, so a cursor of another run_id (the node restarted or was
 * replaced) ships the whole slow log again from its start. Entries of the control plane's own
 * connection move the cursor but are not shipped.
 */
export function slowlogToShip(entries: SlowlogEntry[], cursor: DeliveryCursor | undefined, runId: string, nodeKey: string):
  { ship: SlowlogEntry[]; cursor: DeliveryCursor } {
  const from = cursor && cursor.source === runId ? cursor.position : -1;
  const fresh = entries.filter((e) => e.id > from);
  const position = fresh.length ? fresh[fresh.length - 1]!.id : from;
  return {
    ship: fresh.filter((e) => e.clientName !== ADMIN_CLIENT_NAME),
    cursor: { nodeKey, logType: 'slow-log', source: runId, position },
  };
}

/** Commands whose second word names what they do (CONFIG GET, CLIENT LIST …): both words are kept. */
const CONTAINERS = new Set(['acl', 'client', 'cluster', 'command', 'config', 'function', 'latency', 'memory', 'module', 'object',
  'pubsub', 'script', 'slowlog', 'xgroup', 'xinfo']);

/**
 * The command as ElastiCache shows it: its name (and subcommand), then `(N more arguments)` in
 * place of keys and values, so no data leaves the node. Redis itself already shortens commands of
 * more than 32 arguments to `... (N more arguments)`; those are counted in.
 */
export function redactCommand(args: string[]): string {
  if (args.length === 0) return '';
  const keep = CONTAINERS.has(args[0]!.toLowerCase()) && args.length > 1 ? 2 : 1;
  let more = args.length - keep;
  const last = args[args.length - 1]!;
  const truncated = /^\.\.\. \((\d+) more arguments\)$/.exec(last);
  if (truncated) more = more - 1 + Number(truncated[1]);
  return more > 0 ? `${args.slice(0, keep).join(' ')} (${more} more arguments)` : args.slice(0, keep).join(' ');
}

/** One slow log entry as the event message of `format`. */
export function slowlogMessage(e: SlowlogEntry, node: NodeIdentity, format: 'json' | 'text'): string {
  const command = redactCommand(e.args);
  if (format === 'json') {
    return JSON.stringify({
      CacheClusterId: node.cacheClusterId, CacheNodeId: node.cacheNodeId, Id: e.id, Timestamp: e.timestamp,
      Duration: e.durationUs, Command: command, ClientAddress: e.clientAddress, ClientName: e.clientName,
    });
  }
  // TEXT: the same fields in the same order, space-separated (the client name last, possibly empty).
  return `${node.cacheClusterId} ${node.cacheNodeId} ${e.id} ${e.timestamp} ${e.durationUs} ${command} ${e.clientAddress} ${e.clientName}`.trimEnd();
}
