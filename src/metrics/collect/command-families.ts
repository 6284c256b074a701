/**
 * ElastiCache's command-family metrics (GetTypeCmds, KeyBasedCmds, … and their …Latency twins)
 * are sums over INFO commandstats of the commands of one family. AWS defines the families by
 * Redis's ACL categories (`@read` for GetTypeCmds, `@write` for SetTypeCmds, `@hash` for
 * HashBasedCmds, …), so they are read from the node's own command table (COMMAND), once per
 * engine version: a command a newer engine adds lands in its family without a change here.
 * ClusterBasedCmds has no ACL category: it is the CLUSTER command family (and READONLY,
 * READWRITE, ASKING), as AWS describes it ("commands that act upon a cluster").
 */
import type { CommandStat } from './node-sample.js';

/** Family metric name → the ACL category that defines it. */
export const CATEGORY_FAMILIES: Readonly<Record<string, string>> = {
  GetTypeCmds: 'read',
  SetTypeCmds: 'write',
  KeyBasedCmds: 'keyspace',
  StringBasedCmds: 'string',
  HashBasedCmds: 'hash',
  ListBasedCmds: 'list',
  SetBasedCmds: 'set',
  SortedSetBasedCmds: 'sortedset',
  StreamBasedCmds: 'stream',
  PubSubBasedCmds: 'pubsub',
  EvalBasedCmds: 'scripting',
  GeoSpatialBasedCmds: 'geo',
  HyperLogLogBasedCmds: 'hyperloglog',
  JsonBasedCmds: 'json',
};

export const FAMILY_NAMES: readonly string[] = [...Object.keys(CATEGORY_FAMILIES), 'ClusterBasedCmds'];

const CLUSTER_COMMANDS = new Set(['cluster', 'readonly', 'readwrite', 'asking']);

/** Command name (lower case, `parent|sub` for subcommands, as commandstats names them) → its ACL categories. */
export type CommandTable = Map<string, Set<string>>;

/**
 * Parses COMMAND's reply: per command [name, arity, flags, first, last, step, categories, tips,
 * key specs, subcommands] (Redis 7; Redis 6 stops after categories). Categories read `@read`.
 */
export function parseCommandTable(reply: unknown): CommandTable {
  const table: CommandTable = new Map();
  const add = (entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' && !Buffer.isBuffer(entry[0])) return;
    const name = String(entry[0]).toLowerCase();
    const cats = Array.isArray(entry[6]) ? entry[6].map((c) => String(c).replace(/^@/, '').toLowerCase()) : [];
    table.set(name, new Set(cats));
    if (Array.isArray(entry[9])) for (const sub of entry[9]) add(sub);
  };
  if (Array.isArray(reply)) for (const e of reply) add(e);
  return table;
}

/** The families a command (as commandstats names it) belongs to. */
export function familiesOf(command: string, table: CommandTable): string[] {
  const cats = table.get(command) ?? table.get(command.split('|')[0]!) ?? new Set<string>();
  const out = Object.entries(CATEGORY_FAMILIES).filter(([, cat]) => cats.has(cat)).map(([family]) => family);
  if (CLUSTER_COMMANDS.has(command.split('|')[0]!)) out.push('ClusterBasedCmds');
  return out;
}

/** Calls and microseconds per family over a period: the deltas of each command's counters. */
export function familyTotals(deltas: Map<string, CommandStat>, table: CommandTable): Map<string, { calls: number; usec: number }> {
  const out = new Map<string, { calls: number; usec: number }>(FAMILY_NAMES.map((f) => [f, { calls: 0, usec: 0 }]));
  for (const [command, d] of deltas) {
    for (const family of familiesOf(command, table)) {
      const t = out.get(family)!;
      t.calls += d.calls;
      t.usec += d.usec;
    }
  }
  return out;
}
