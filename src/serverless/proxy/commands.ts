/**
 * What the proxy must know of a command before routing it: its keys' slot (or CROSSSLOT), whether
 * it reads or writes, whether it blocks, and whether ElastiCache Serverless serves it at all.
 * Key positions come from @ioredis/commands (Redis's own COMMAND table), slots from
 * cluster-key-slot; this file only adds the proxy's decisions on top.
 */
import { exists, getKeyIndexes, hasFlag } from '@ioredis/commands';
import calculateSlot from 'cluster-key-slot';

/**
 * Refused as ElastiCache Serverless refuses them (its "restricted commands"): node
 * administration, persistence, replication and anything that would expose the nodes behind the
 * endpoint. Answered as Redis answers a command it does not know, as a renamed command is.
 */
export const REFUSED = new Set([
  'acl', 'bgrewriteaof', 'bgsave', 'config', 'debug', 'failover', 'lastsave', 'latency', 'migrate',
  'module', 'monitor', 'psync', 'replconf', 'replicaof', 'save', 'shutdown', 'slaveof', 'sync',
  'swapdb', 'move', 'psubscribe', 'punsubscribe', 'pubsub', 'slowlog',
]);

/** CLUSTER subcommands that change or expose the real topology (the endpoint is one virtual node). */
export const REFUSED_CLUSTER = new Set([
  'addslots', 'addslotsrange', 'bumpepoch', 'count-failure-reports', 'delslots', 'delslotsrange',
  'failover', 'flushslots', 'forget', 'meet', 'replicate', 'reset', 'saveconfig', 'set-config-epoch',
  'setslot', 'replicas', 'slaves', 'links',
]);

export const unknownCommand = (name: string, args: readonly Buffer[]): string =>
  `ERR unknown command '${name}', with args beginning with: ${args.slice(1, 4).map((a) => `'${a.toString()}' `).join('')}`;

export const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

export interface Routing {
  /** The keys' slot, -1 for a keyless command, or 'crossslot'. */
  slot: number | 'crossslot';
  readonly: boolean;
  write: boolean;
  /** Holds its connection until something happens (BLPOP, XREAD BLOCK, WAIT…). */
  blocking: boolean;
  /**
   * Applied twice, the same data and the same reply (SET without NX/XX/GET, MSET, …): sent again
   * when its connection died before the reply, as ioredis resends its unanswered commands after
   * a reconnect. Reads are always so.
   */
  idempotent: boolean;
}

/** Writes that leave the same data and give the same reply (OK) when applied twice. */
const IDEMPOTENT_WRITES = new Set(['set', 'setex', 'psetex', 'mset', 'hmset']);
/** SET options that make a second application differ (NX, XX: the reply; GET: the old value). */
const SET_CONDITIONS = new Set(['nx', 'xx', 'get']);

function idempotentWrite(name: string, rest: readonly Buffer[]): boolean {
  if (!IDEMPOTENT_WRITES.has(name)) return false;
  if (name !== 'set') return true;
  for (let i = 2; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.length <= 3 && SET_CONDITIONS.has(a.toString().toLowerCase())) return false;
  }
  return true;
}

interface Flags { known: boolean; readonly: boolean; write: boolean; blocking: boolean }
/** The command table's flags by name, looked up once per name (routing runs on every command). */
const flagCache = new Map<string, Flags>();
function flagsOf(name: string): Flags {
  let f = flagCache.get(name);
  if (!f) {
    const known = exists(name);
    f = { known, readonly: known && hasFlag(name, 'readonly'), write: known && hasFlag(name, 'write'), blocking: known && hasFlag(name, 'blocking') };
    // Unknown names (typos, a module's) are not kept: a client sending random names must not grow the map.
    if (known) flagCache.set(name, f);
  }
  return f;
}

/** Slot, read/write and blocking of `args` (args[0] the command name, lower-cased as `name`). */
export function routing(name: string, args: readonly Buffer[]): Routing {
  const { known, readonly, write, blocking: mayBlock } = flagsOf(name);
  const rest = args.slice(1);
  let slot: number | 'crossslot' = -1;
  if (known) {
    let indexes: number[] = [];
    try {
      indexes = getKeyIndexes(name, rest as Buffer[]);
    } catch {
      indexes = []; // malformed (wrong arity…): the node says what is wrong
    }
    for (const i of indexes) {
      const key = rest[i];
      if (key === undefined) continue;
      const s = calculateSlot(key);
      if (slot === -1) slot = s;
      else if (s !== slot) {
        slot = 'crossslot';
        break;
      }
    }
  }
  let blocking = mayBlock;
  // XREAD and XREADGROUP block only with BLOCK.
  if (blocking && (name === 'xread' || name === 'xreadgroup')) blocking = rest.some((a) => a.length === 5 && a.toString().toLowerCase() === 'block');
  return {
    slot,
    readonly,
    write,
    blocking,
    idempotent: (readonly && !blocking) || idempotentWrite(name, rest),
  };
}

/** The slot of one channel or key (sharded pub/sub). */
export const slotOf = (key: Buffer | string): number => calculateSlot(key);
