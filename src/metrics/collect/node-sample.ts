import { parseInfo, parseInfoList } from '../../engine/info.js';

/** One command's cumulative counters from INFO commandstats (`cmdstat_get:calls=…,usec=…`). */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** One logical database from INFO keyspace (`db0:keys=…,expires=…,avg_ttl=…`). */
export interface KeyspaceStat {
  keys: number;
  expires: number;
  avgTtlMs: number;
}

/** The process counters read from /proc for a node's pid (the host's view of its CPU and swap). */
export interface ProcessSample {
  /** utime + stime of every thread, in seconds. */
  cpuSeconds: number;
  swapBytes: number;
}

/** What one collection read from one node: INFO all, split into its parts, and its process. */
export interface NodeSample {
  atMs: number;
  /** Every `key:value` of INFO all (server, clients, memory, persistence, stats, replication, cpu, …). */
  fields: Record<string, string>;
  /** By command name as commandstats spells it (`get`, `config|get`). */
  commands: Map<string, CommandStat>;
  /** By error prefix (`ERR`, `WRONGTYPE`, `NOAUTH`). */
  errors: Map<string, number>;
  /** By database number. */
  keyspace: Map<number, KeyspaceStat>;
  process?: ProcessSample;
}

const num = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** Splits INFO all's text into a NodeSample (pure: unit-tested on captured INFO). */
export function parseNodeSample(infoText: string, atMs: number, process?: ProcessSample): NodeSample {
  const fields = parseInfo(infoText);
  const commands = new Map<string, CommandStat>();
  const errors = new Map<string, number>();
  const keyspace = new Map<number, KeyspaceStat>();
  for (const [k, v] of Object.entries(fields)) {
    if (k.startsWith('cmdstat_')) {
      const s = parseInfoList(v);
      commands.set(k.slice('cmdstat_'.length), {
        calls: num(s.calls), usec: num(s.usec), rejectedCalls: num(s.rejected_calls), failedCalls: num(s.failed_calls),
      });
    } else if (k.startsWith('errorstat_')) {
      errors.set(k.slice('errorstat_'.length), num(parseInfoList(v).count));
    } else if (/^db\d+$/.test(k)) {
      const s = parseInfoList(v);
      keyspace.set(Number(k.slice(2)), { keys: num(s.keys), expires: num(s.expires), avgTtlMs: num(s.avg_ttl) });
    }
  }
  return { atMs, fields, commands, errors, keyspace, ...(process ? { process } : {}) };
}

/** A numeric INFO field (0 when absent or not a number). */
export function field(s: NodeSample, name: string): number {
  return num(s.fields[name]);
}
