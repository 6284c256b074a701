/**
 * ECPUs for CPU time, pure (issue 14). AWS's definition: "Simple reads and writes require 1 ECPU
 * for each kilobyte (KB) of data transferred… commands that require additional vCPU time… consume
 * ECPUs in proportion to that additional vCPU time, compared to a simple SET/GET". The endpoint
 * meters the bytes (serverless/proxy/metering.ts); the CPU part comes from the backing nodes' own
 * accounting: once a sample period, the deltas of each node's INFO commandstats give, for every
 * command, its calls and the microseconds Redis spent executing them, and
 *
 *     extra ECPUs = calls × max(0, usec_per_call − simple_usec) / request_usec
 *
 * - `simple_usec`: the execution time of a simple GET/SET (the part of a command's time a simple
 *   request has too), measured on the same node in the same period when it served at least
 *   `minBaselineCalls` of them, else the fixed `simpleUsec`; held within a quarter and four times
 *   the fixed value, so a period of odd GETs (huge values) cannot make every other command free
 *   or dear.
 * - `request_usec`: the vCPU time a whole simple GET/SET request costs a node (reading and parsing
 *   it, executing it, writing the reply), measured once on this hardware and documented (README).
 *   commandstats counts only the execution, a small part of a request's cost; dividing by it would
 *   charge a ZADD several ECPUs for a fraction of a GET's vCPU time more.
 *
 * Not charged here: the simple reads and writes (SIMPLE_COMMANDS, billed by size alone, exactly),
 * the service's own commands (SERVICE_COMMANDS: its monitoring, cluster management, slot moves),
 * EXEC (its commands are counted each on its own), and on a replica every write and MULTI/EXEC
 * (clients cannot write to a replica: those are the primary's replication stream, already charged
 * where they ran). A node's first reading is only a mark; a node that restarted (another run_id)
 * or whose counters went back (CONFIG RESETSTAT) counts from zero, so nothing is ever negative.
 * AWS charges the higher of the two dimensions; adding `max(0, t − 1)` to the ≥ 1 ECPU the bytes
 * gave is that exactly for commands transferring up to 1 KB, and charges a command heavy in both
 * at most its bytes part more.
 *
 * Scripts (EVAL, EVALSHA, FCALL and their _RO forms): Redis 7.0 counts a script's time with the
 * commands it runs (redis.call), and those commands again on their own, as if a client had sent
 * them: their calls, usec, latencystats and total_commands_processed alike (checked on 7.0.15);
 * nothing in INFO tells a command run inside a script from a client's. So, per node and period,
 * the scripts' extra time is charged less the extra time of the commands that may run inside a
 * script (any charged command not flagged `noscript`), at most all of it:
 *
 *     script ECPUs = max(0, scripts' extra − those commands' extra) / request_usec
 *
 * No microsecond is charged twice. The bound: when clients also send such commands themselves in
 * the same period to the same node, the scripts are charged up to those commands' extra time less
 * (so the period's CPU part is at least half of what it would be with every microsecond counted
 * once: each of the two is charged in full on its own). Before, every command run inside a script
 * was charged twice.
 */
import { hasFlag } from '@ioredis/commands';
import { parseInfo, parseInfoList } from '../../engine/info.js';

export interface CommandCounters {
  calls: number;
  usec: number;
}

/** One node's cumulative commandstats, as read (and kept as the mark of the next period). */
export interface NodeCommandStats {
  /** INFO server's run_id: another one means the node restarted and its counters began again. */
  runId: string;
  replica: boolean;
  /** By commandstats' name (`get`, `config|get`). */
  commands: Record<string, CommandCounters>;
}

export interface ComputeEcpuSettings {
  /** vCPU microseconds of a whole simple GET/SET request on a node. */
  requestUsec: number;
  /** Execution microseconds of a simple GET/SET (commandstats), when the period measured too few. */
  simpleUsec: number;
  /** GET/SET calls a node must have served in the period for its own measure to be used. */
  minBaselineCalls: number;
}

/**
 * Measured on the project's reference machine (README, "Metering"): redis-benchmark GET/SET, 50
 * clients, one command per request as a client sends it, against one node: its used_cpu_user +
 * used_cpu_sys came to 11.5 µs a request, and commandstats' usec_per_call to 0.22 (GET) and 0.33
 * (SET). (At pipelines of 16 a request costs 1.2 µs: a deeper pipeline is cheaper per command, and
 * 1 ECPU is a simple request's cost, not a batched one's.)
 */
export const DEFAULT_COMPUTE_ECPU: ComputeEcpuSettings = { requestUsec: 11.5, simpleUsec: 0.3, minBaselineCalls: 1000 };

/** Billed by size alone (AWS's "simple reads and writes"): a key's value read or written whole. */
export const SIMPLE_COMMANDS: ReadonlySet<string> = new Set([
  'get', 'set', 'setex', 'psetex', 'setnx', 'getset', 'getdel', 'getex', 'mget', 'mset', 'msetnx', 'append', 'strlen',
  'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'exists', 'del', 'unlink', 'type', 'ttl', 'pttl',
  'expire', 'pexpire', 'expireat', 'pexpireat', 'persist', 'hget', 'hset', 'hsetnx', 'hmget', 'hmset', 'hdel',
  'hexists', 'hlen', 'hstrlen', 'hincrby', 'hincrbyfloat',
]);

/** Commands that run a script: their time includes that of the commands the script runs. */
export const SCRIPT_COMMANDS: ReadonlySet<string> = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** The execution time of these is the simple baseline (`simple_usec`). */
const BASELINE_COMMANDS = ['get', 'set'] as const;

/**
 * The service's own commands on the nodes, never a customer's: monitoring (INFO, PING, ROLE…),
 * cluster management and slot moves (CLUSTER, MIGRATE, RESTORE-ASKING, ASKING, READONLY), logins
 * and connection setup, configuration and replication. The endpoint refuses or answers most of
 * them itself (serverless/proxy/commands.ts), so none is a client's command passed on.
 */
export const SERVICE_COMMANDS: ReadonlySet<string> = new Set([
  'info', 'ping', 'role', 'cluster', 'migrate', 'restore-asking', 'asking', 'readonly', 'readwrite', 'auth', 'hello',
  'client', 'config', 'acl', 'command', 'select', 'replconf', 'psync', 'sync', 'replicaof', 'slaveof', 'failover',
  'slowlog', 'latency', 'debug', 'save', 'bgsave', 'bgrewriteaof', 'lastsave', 'monitor', 'shutdown', 'module',
  'function|dump', 'function|restore', 'function|list', 'memory|stats', 'memory|doctor', 'memory|malloc-stats', 'memory|purge',
]);

/**
 * Parses INFO (with at least the server, replication and commandstats sections) into a node's
 * stats, the service's own commands left out (never charged, and the mark kept small).
 */
export function parseCommandStats(infoText: string): NodeCommandStats {
  const fields = parseInfo(infoText);
  const commands: Record<string, CommandCounters> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!k.startsWith('cmdstat_')) continue;
    const name = k.slice('cmdstat_'.length);
    if (SERVICE_COMMANDS.has(name) || SERVICE_COMMANDS.has(name.split('|')[0]!)) continue;
    const s = parseInfoList(v);
    commands[name] = { calls: Number(s.calls) || 0, usec: Number(s.usec) || 0 };
  }
  return { runId: fields.run_id ?? '', replica: fields.role === 'slave', commands };
}

/**
 * Each command's calls and microseconds since the mark: undefined for a node's first reading;
 * everything since its start when it restarted; a command whose counters went back counts from zero.
 */
export function commandDeltas(mark: NodeCommandStats | undefined, now: NodeCommandStats): Record<string, CommandCounters> | undefined {
  if (!mark) return undefined;
  const restarted = mark.runId !== now.runId;
  const out: Record<string, CommandCounters> = {};
  for (const [name, c] of Object.entries(now.commands)) {
    const before = restarted ? undefined : mark.commands[name];
    const reset = !before || c.calls < before.calls || c.usec < before.usec;
    const d = reset ? { calls: c.calls, usec: c.usec } : { calls: c.calls - before.calls, usec: c.usec - before.usec };
    if (d.calls > 0 || d.usec > 0) out[name] = d;
  }
  return out;
}

/** The period's execution time of a simple GET/SET on the node (see the module's comment). */
export function simpleBaselineUsec(deltas: Record<string, CommandCounters>, s: ComputeEcpuSettings): number {
  let calls = 0;
  let usec = 0;
  for (const name of BASELINE_COMMANDS) {
    calls += deltas[name]?.calls ?? 0;
    usec += deltas[name]?.usec ?? 0;
  }
  if (calls < s.minBaselineCalls) return s.simpleUsec;
  return Math.min(4 * s.simpleUsec, Math.max(s.simpleUsec / 4, usec / calls));
}

/** Whether a command's time on this node is charged (see the module's comment). */
export function charged(name: string, replica: boolean): boolean {
  const parent = name.split('|')[0]!;
  if (SIMPLE_COMMANDS.has(name) || SERVICE_COMMANDS.has(name) || SERVICE_COMMANDS.has(parent) || parent === 'exec') return false;
  if (replica && (parent === 'multi' || isWrite(parent))) return false;
  return true;
}

function isWrite(command: string): boolean {
  try {
    return hasFlag(command, 'write');
  } catch {
    return false; // not in the command table (a module's, a newer engine's): charged as a read
  }
}

/** Whether a script may run the command (by commandstats' name: the container's flags for `object|encoding`). */
export function scriptable(name: string): boolean {
  const parent = name.split('|')[0]!;
  if (SCRIPT_COMMANDS.has(parent)) return false;
  try {
    return !hasFlag(parent, 'noscript');
  } catch {
    return true; // not in the command table (a module's): a script may call it
  }
}

export interface NodeComputeEcpu {
  /** The extra ECPUs of the period on this node. */
  total: number;
  /** By command, those that cost any. */
  byCommand: Record<string, number>;
  simpleUsec: number;
  /** The scripts' ECPUs not charged because commands a script may run were charged them on their own. */
  scriptOverlap: number;
}

/** The extra ECPUs a node's period of commands cost beyond their size (its deltas, commandDeltas). */
export function nodeComputeEcpu(deltas: Record<string, CommandCounters>, replica: boolean, s: ComputeEcpuSettings = DEFAULT_COMPUTE_ECPU): NodeComputeEcpu {
  const simpleUsec = simpleBaselineUsec(deltas, s);
  const byCommand: Record<string, number> = {};
  let scripts = 0;
  let insideable = 0;
  for (const [name, d] of Object.entries(deltas)) {
    if (d.calls <= 0 || !charged(name, replica)) continue;
    const extra = Math.max(0, d.usec - d.calls * simpleUsec) / s.requestUsec;
    if (extra <= 0) continue;
    byCommand[name] = extra;
    if (SCRIPT_COMMANDS.has(name.split('|')[0]!)) scripts += extra;
    else if (scriptable(name)) insideable += extra;
  }
  // The scripts' share after what their commands were charged on their own (see the module's comment).
  const scriptOverlap = Math.min(scripts, insideable);
  if (scriptOverlap > 0) {
    const keep = (scripts - scriptOverlap) / scripts;
    for (const name of Object.keys(byCommand)) {
      if (!SCRIPT_COMMANDS.has(name.split('|')[0]!)) continue;
      byCommand[name]! *= keep;
      if (byCommand[name] === 0) delete byCommand[name];
    }
  }
  const total = Object.values(byCommand).reduce((a, b) => a + b, 0);
  return { total, byCommand, simpleUsec, scriptOverlap };
}

/**
 * The usage totals after a sample of the backing nodes at `now`: each node read (`readings`,
 * undefined for one that did not answer) adds its period's extra ECPUs to `ecpu` and `computeEcpu`
 * and becomes its new mark; a node not read keeps its mark (its next reading covers both periods);
 * marks of nodes no longer in `readings` (removed by a scale-in) are dropped. `computeRate` is the
 * sample's ECPUs a second since the previous sample (the autoscaler adds it to the endpoint's:
 * taken as a delta of the totals, a minute's CPU part landing at once would look six times too fast).
 */
export function addComputeSample<R extends ComputeUsage>(record: R, readings: ReadonlyMap<string, NodeCommandStats | undefined>, now: Date,
  s: ComputeEcpuSettings = DEFAULT_COMPUTE_ECPU): R {
  const marks: Record<string, NodeCommandStats> = {};
  let extra = 0;
  for (const [node, reading] of readings) {
    const mark = record.computeMarks?.[node];
    if (!reading) {
      if (mark) marks[node] = mark;
      continue;
    }
    const deltas = commandDeltas(mark, reading);
    if (deltas) extra += nodeComputeEcpu(deltas, reading.replica, s).total;
    marks[node] = reading;
  }
  const since = record.computeRate ? (now.getTime() - Date.parse(record.computeRate.at)) / 1000 : 0;
  return {
    ...record, ecpu: record.ecpu + extra, computeEcpu: (record.computeEcpu ?? 0) + extra, computeMarks: marks,
    computeRate: { ecpuPerSecond: since > 0 ? extra / since : 0, at: now.toISOString() },
  };
}

/** The ECPUs of the endpoint's own counters (by size): the totals less the CPU part. */
export function sizeEcpu(u: ComputeUsage): number {
  return u.ecpu - (u.computeEcpu ?? 0);
}

/** The fields of a cache's usage totals this module keeps (store/serverless-records.ts). */
export interface ComputeUsage {
  ecpu: number;
  computeEcpu?: number;
  computeMarks?: Record<string, NodeCommandStats>;
  computeRate?: { ecpuPerSecond: number; at: string };
}
