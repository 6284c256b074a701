/**
 * The commands ElastiCache withholds from its customers ("Restricted commands"): those that
 * would let a client manage what the service manages — persistence, replication, the config,
 * the process, the ACL and, in cluster mode, the cluster's topology. Every customer identity
 * (the `default` user with or without an AUTH token, every RBAC user) is denied them on every
 * node; the service's own user (node-security.ts) keeps every command.
 *
 * Redis's own ACLs are the mechanism. The restriction is appended after a customer's rules every
 * time they are rendered (redis.conf `user` lines, ACL SETUSER), and inside each of its
 * selectors, so no access string can lift it: ACL rules apply in order, so `+@all` before it
 * means "every command a customer may have", and a command is allowed when the root rules *or
 * any selector* allow it, so a selector `(~* +@all)` would otherwise reopen everything.
 * ACL rules name commands by their original names, so a command renamed through the
 * `rename-commands` parameter stays restricted.
 *
 * Reading the ACL: Redis 7.0's ACLs authorize commands, subcommands, keys and channels, never a
 * user-name argument, and cannot filter a reply. ACL LIST, ACL USERS and ACL GETUSER (and ACL
 * DRYRUN, which answers for any user) would show the service's user — its name, and in LIST and
 * GETUSER its password hash — so customers are denied them too; DescribeUsers shows their users.
 * ACL WHOAMI, ACL CAT, ACL GENPASS, ACL LOG and ACL HELP stay.
 */

/** Commands denied as a whole (every subcommand). */
export const RESTRICTED_COMMANDS: readonly string[] = [
  'bgrewriteaof', 'bgsave', 'config', 'debug', 'failover', 'migrate', 'module', 'psync', 'replicaof', 'save',
  'shutdown', 'slaveof', 'sync',
];

/** Subcommands denied of commands whose other subcommands stay. */
export const RESTRICTED_SUBCOMMANDS: ReadonlyMap<string, readonly string[]> = new Map([
  // The mutating ones, and the ones that would show the service's user.
  ['acl', ['deluser', 'dryrun', 'getuser', 'list', 'load', 'save', 'setuser', 'users']],
  // Cluster topology; SLOTS, SHARDS, NODES, INFO, KEYSLOT, MYID, COUNTKEYSINSLOT, … stay.
  ['cluster', [
    'addslots', 'addslotsrange', 'bumpepoch', 'delslots', 'delslotsrange', 'failover', 'flushslots', 'forget', 'links',
    'meet', 'replicate', 'reset', 'saveconfig', 'set-config-epoch', 'setslot',
  ]],
]);

/** The ACL rules that take the restricted commands away (`-config`, `-acl|setuser`, …). */
export const RESTRICTION_RULES: readonly string[] = [
  ...RESTRICTED_COMMANDS.map((c) => `-${c}`),
  ...[...RESTRICTED_SUBCOMMANDS].flatMap(([c, subs]) => subs.map((s) => `-${c}|${s}`)),
];

/**
 * A customer's ACL rules (after the user name) with the restriction appended: after the root
 * rules, and at the end of each selector `(…)`. Applying the result twice changes nothing more.
 */
export function restrictCustomerRules(rules: readonly string[]): string[] {
  const tail = RESTRICTION_RULES.join(' ');
  const inSelectors = rules.map((r) => (r.startsWith('(') && r.endsWith(')') ? `(${r.slice(1, -1).trim()} ${tail})` : r));
  return [...inSelectors, ...RESTRICTION_RULES];
}

/**
 * Does a `commands` field of ACL GETUSER read `+@all` less exactly the restricted commands?
 * Redis prints the `-` rules in an order of its own, so they are compared as a set.
 */
export function isRestrictedAllCommands(commands: string): boolean {
  const [first, ...rest] = commands.trim().split(/\s+/);
  if (first !== '+@all' || rest.length !== RESTRICTION_RULES.length) return false;
  const want = new Set(RESTRICTION_RULES);
  return rest.every((r) => want.has(r.toLowerCase()));
}

