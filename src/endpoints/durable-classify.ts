/**
 * Which commands a durable endpoint (cachefleet-durable-writes, see durable-session.ts) follows
 * with a WAIT: every command @ioredis/commands flags `write` (for container commands such as
 * XGROUP or FUNCTION, the subcommand's flag), scripts and functions not marked read-only (EVAL,
 * EVALSHA, FCALL), and any command it does not know (a module's, a renamed one).
 */
import { createRequire } from 'node:module';
import { exists, hasFlag, list } from '@ioredis/commands';

const WRITES = new Set<string>();
/** Container commands (XGROUP, FUNCTION, …) → their subcommands that write. */
const CONTAINERS = new Map<string, Set<string>>();

interface CommandMeta {
  flags: string[];
  subcommands?: Record<string, { flags: string[] }>;
}

(function loadCommandTable(): void {
  // hasFlag() answers for top-level commands only; the same package's table has the subcommands.
  let meta: Record<string, CommandMeta> | undefined;
  try {
    meta = createRequire(import.meta.url)('@ioredis/commands/built/commands.json') as Record<string, CommandMeta>;
  } catch {
    meta = undefined;
  }
  for (const name of list) {
    if (hasFlag(name, 'write') || (hasFlag(name, 'script_runner') && !hasFlag(name, 'readonly'))) {
      WRITES.add(name);
      continue;
    }
    const subs = meta?.[name]?.subcommands;
    if (subs) {
      CONTAINERS.set(name, new Set(Object.entries(subs).filter(([, s]) => s.flags.includes('write')).map(([n]) => n)));
    } else if (!meta && !['readonly', 'fast', 'admin', 'pubsub', 'noscript', 'loading', 'stale', 'blocking'].some((f) => hasFlag(name, f))) {
      WRITES.add(name); // no subcommand table: a flagless container may write
    }
  }
})();

/** Whether `name` (lower case) with subcommand `sub` (lower case, for containers) may change data. */
export function isWriteCommand(name: string, sub?: string): boolean {
  if (WRITES.has(name)) return true;
  const subs = CONTAINERS.get(name);
  if (subs) return sub !== undefined && subs.has(sub);
  return !exists(name); // a module's or a renamed command: assume it writes
}

/** Whether `name` (lower case) is a container command: whether it writes depends on its subcommand. */
export function isContainerCommand(name: string): boolean {
  return CONTAINERS.has(name);
}

/** Commands a RESP2 connection in pub/sub mode may send. */
export const PUBSUB_COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit']);
