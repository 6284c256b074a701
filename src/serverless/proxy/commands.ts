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
}

/** Slot, read/write and blocking of `args` (args[0] the command name, lower-cased as `name`). */
export function routing(name: string, args: readonly Buffer[]): Routing {
  const known = exists(name);
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
  let blocking = known && hasFlag(name, 'blocking');
  // XREAD and XREADGROUP block only with BLOCK.
  if (blocking && (name === 'xread' || name === 'xreadgroup')) blocking = rest.some((a) => a.length === 5 && a.toString().toLowerCase() === 'block');
  return {
    slot,
    readonly: known && hasFlag(name, 'readonly'),
    write: known && hasFlag(name, 'write'),
    blocking,
  };
}

/** The slot of one channel or key (sharded pub/sub). */
export const slotOf = (key: Buffer | string): number => calculateSlot(key);
