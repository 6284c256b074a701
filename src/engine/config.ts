/**
 * Rendering of a node's redis.conf. Pure functions, so the exact bytes a node starts with can be
 * unit-tested and compared (ensureRunning rewrites the file only when the rendering changed).
 */
import { NODE_FILES } from '../paths/index.js';
import type { NodeSpec } from './types.js';
import { internalTlsPort } from './transit.js';

/** File names inside a node's directory: the one table in src/paths. */
export { NODE_FILES };

/**
 * Directives the provider owns. A spec setting one of them is a bug upstream (it would move the
 * node's endpoint or files, or hide the conf path from /proc/<pid>/cmdline, which is how a running
 * node is recognised), so rendering refuses instead of silently picking one.
 */
export const MANAGED_DIRECTIVES: ReadonlySet<string> = new Set([
  'bind',
  'port',
  'dir',
  'pidfile',
  'logfile',
  'daemonize',
  'protected-mode',
  'supervised',
  'include',
  'set-proc-title',
  'proc-title-template',
  // TLS in transit is the spec's `tls`, not a config directive.
  'tls-port',
  'tls-cert-file',
  'tls-key-file',
  'tls-ca-cert-file',
  'tls-replication',
  'tls-cluster',
  'tls-auth-clients',
  // A replica loads a full sync from the socket, never through a dataset file on disk: what a
  // node keeps on disk is what its parameter group asks for (RDB, AOF), nothing more.
  'repl-diskless-load',
]);

/**
 * How a replica loads a full sync, whatever the parameter group says: from the socket, into a
 * second data set swapped in when complete (the replica keeps serving its old data set meanwhile,
 * as with a disk load, at the price of holding both in memory for the duration).
 */
export const REPL_DISKLESS_LOAD = 'swapdb';

/**
 * Defaults for a cache node that the spec may override (a directive of the same name in
 * `spec.config` replaces the default line entirely).
 * - no RDB snapshots and no AOF unless asked: a cache must not stall on disk;
 * - diskless replication without delay: a new replica syncs in milliseconds, not seconds
 *   (and diskless load, {@link REPL_DISKLESS_LOAD}, is not a default but managed);
 * - outgoing connections from, and replicas announced as, the node's own address: otherwise a
 *   primary sees every local replica as 127.0.0.1 and cannot tell two replicas on port 6379 apart;
 * - MODULE allowed (for the service's user only: customers' ACLs deny it), to load the IAM auth module live;
 * - a primary pings its replicas every second (Redis: 10 s): a replica's replication offset moves
 *   off 0 only with the first byte of its stream, and Redis Cluster leaves a replica at offset 0
 *   out of CLUSTER SLOTS, so a new cluster-mode group, or a shard added by resharding, showed its
 *   replicas to clients (and turned available) up to 10 s after they had synced; the pings are 14
 *   bytes a second;
 * - no LZF compression of the RDB a node forks: it goes to a replica or to a backup over loopback,
 *   never to a disk, and backups are compressed with zstd by the service after the capture. LZF
 *   in the fork child is most of a backup's time (1 GB: 11.2 s with it, 6.4 s without; see
 *   docs/BENCHMARKS.md, backups), and a full sync is faster for it too.
 */
export function defaultDirectives(spec: Pick<NodeSpec, 'address'>): Array<[string, string]> {
  return [
    ['save', ''],
    ['appendonly', 'no'],
    ['repl-diskless-sync', 'yes'],
    ['repl-diskless-sync-delay', '0'],
    ['repl-ping-replica-period', '1'],
    ['rdbcompression', 'no'],
    ['bind-source-addr', spec.address],
    ['replica-announce-ip', spec.address],
    // MODULE is restricted for customers (security/restricted-commands.ts); the service's own user
    // loads the IAM auth module live into a running node when its group gains an IAM user.
    ['enable-module-command', 'yes'],
  ];
}

const DIRECTIVE_NAME = /^[a-z][a-z0-9-]*$/i;
/** Characters that force quoting: whitespace, quotes, backslash, controls (sdssplitargs rules). */
const NEEDS_QUOTES = /[\s"'\\\x00-\x1f\x7f]/;

/**
 * Quotes one value the way redis.conf's tokenizer (sdssplitargs) reads it back: bare when safe,
 * `""` when empty, otherwise double-quoted with \\, \", \n, \r, \t and \xHH escapes.
 * Multi-argument directives (save, client-output-buffer-limit) accept "900 1" as one quoted
 * token: Redis 7 splits it again, just as CONFIG SET does.
 */
export function quoteConfigValue(value: string): string {
  if (value === '') return '""';
  if (!NEEDS_QUOTES.test(value)) return value;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch; // includes non-ASCII: the tokenizer copies bytes verbatim inside quotes
  }
  return out + '"';
}

/**
 * Directives Redis parses outside its config table: each argument must be its own token (a
 * quoted "FLUSHALL x" is one argument and makes the server refuse to start), unlike table
 * configs such as save, which Redis re-splits. Their values are split on whitespace; a `"…"`
 * token is kept as written, so `rename-command` can be given `FLUSHALL ""`.
 */
export const MULTI_TOKEN_DIRECTIVES: ReadonlySet<string> = new Set([
  'rename-command',
  'user',
  'loadmodule',
  'replicaof',
  'slaveof',
]);

function line(name: string, value: string): string {
  if (MULTI_TOKEN_DIRECTIVES.has(name.toLowerCase())) {
    const tokens = value.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [''];
    return `${name} ${tokens.map((t) => (/^".*"$/s.test(t) ? t : quoteConfigValue(t))).join(' ')}`;
  }
  return `${name} ${quoteConfigValue(value)}`;
}

export interface NodePaths {
  dir: string;
  conf: string;
  pid: string;
  log: string;
}

/**
 * Renders the full redis.conf of a node whose directory is `paths.dir` (absolute). The node's
 * own files are named relative to that directory, which is the process's working directory: a
 * node running as an unprivileged user opens them without searching the data directory's parents.
 */
export function renderRedisConf(spec: NodeSpec, paths: NodePaths): string {
  const userNames = Object.keys(spec.config).sort();
  for (const name of userNames) {
    if (!DIRECTIVE_NAME.test(name)) throw new Error(`invalid redis config directive name ${JSON.stringify(name)}`);
    if (MANAGED_DIRECTIVES.has(name.toLowerCase())) {
      throw new Error(`redis config directive "${name}" is managed by the node provider and cannot be set`);
    }
  }
  const userLower = new Set(userNames.map((n) => n.toLowerCase()));
  const out = [
    `# Written by cachefleet for node ${spec.key}. Managed: edits are overwritten.`,
    line('bind', spec.address),
    ...portLines(spec),
    line('dir', relativeTo(paths.dir, paths.dir)),
    line('pidfile', relativeTo(paths.dir, paths.pid)),
    line('logfile', relativeTo(paths.dir, paths.log)),
    line('daemonize', 'no'),
    line('protected-mode', 'no'),
    // Keeps the conf path in /proc/<pid>/cmdline (the default title drops it) so a pid read
    // from a pidfile can be verified to be this node before it is adopted or signalled. Written
    // out, not {config-file}: the node reads its config from standard input (local-provider.ts).
    line('proc-title-template', `{title} {listen-addr} {server-mode} ${/[{}]/.test(paths.conf) ? '' : paths.conf}`.trimEnd()),
    line('repl-diskless-load', REPL_DISKLESS_LOAD),
  ];
  for (const [name, value] of defaultDirectives(spec)) {
    if (!userLower.has(name)) out.push(line(name, value));
  }
  for (const name of userNames) {
    const value = spec.config[name]!;
    for (const v of Array.isArray(value) ? value : [value]) out.push(line(name, v));
  }
  return out.join('\n') + '\n';
}

/** `path` relative to `dir` when inside it (`.` for dir itself), else unchanged. */
function relativeTo(dir: string, path: string): string {
  if (path === dir) return '.';
  return path.startsWith(dir + '/') ? path.slice(dir.length + 1) : path;
}

/**
 * The listeners and TLS settings of a node. Required TLS: the node's one endpoint serves TLS only,
 * and replication and the cluster bus use it. Preferred TLS: plaintext on the node's port and TLS
 * on an internal one (a sniffing listener in front hands each client to the right one);
 * replication and the bus stay plaintext, as in ElastiCache's migration mode.
 */
function portLines(spec: NodeSpec): string[] {
  const tls = spec.tls;
  if (!tls) return [line('port', String(spec.port))];
  const preferred = tls.mode === 'preferred';
  return [
    line('port', preferred ? String(spec.port) : '0'),
    line('tls-port', String(preferred ? internalTlsPort(spec.port) : spec.port)),
    line('tls-cert-file', tls.certFile),
    line('tls-key-file', tls.keyFile),
    line('tls-ca-cert-file', tls.caFile),
    line('tls-auth-clients', 'no'),
    line('tls-replication', preferred ? 'no' : 'yes'),
    line('tls-cluster', preferred ? 'no' : 'yes'),
  ];
}
