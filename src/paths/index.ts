/**
 * The data directory's layout: one table naming every path the service creates under
 * `--data-dir`, who owns it and its mode. Every module takes its paths from here (the service,
 * the CA and node certificates, the node provider, the endpoint proxy, the CLI), and the startup
 * check (`tighten.ts`) holds what it finds on disk to the same modes.
 *
 * On the lowest floor beside util: the engine and endpoints (floor 4) need it as much as the
 * service (the top) does. It knows names and modes only, no I/O.
 *
 * Modes: every directory 0700 and every file 0600 — nothing under the data directory is
 * readable, writable or searchable by group or others. Node directories belong to the node
 * user (the unprivileged user redis-server runs as when the service runs as root); everything
 * else to the service's user.
 */
import { join } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** The umask of the service and of every process it starts (nodes, the endpoint proxy). */
export const SERVICE_UMASK = 0o077;

export type EntryKind = 'dir' | 'file';
/** `service`: the control plane's user. `node`: the user redis-server runs as (see node-user.ts). */
export type EntryOwner = 'service' | 'node';

export interface LayoutEntry {
  /**
   * Relative to the data directory; `<key>` is a node key (`<cluster>-<node>`), `<id>` an issued
   * id, `<name>` a bucket name: each one path segment. `<object>` is an object key of a snapshot
   * store: one or more segments (keys may contain `/`).
   */
  path: string;
  kind: EntryKind;
  mode: number;
  owner: EntryOwner;
  what: string;
}

const dir = (path: string, what: string, owner: EntryOwner = 'service'): LayoutEntry => ({ path, kind: 'dir', mode: DIR_MODE, owner, what });
const file = (path: string, what: string, owner: EntryOwner = 'service'): LayoutEntry => ({ path, kind: 'file', mode: FILE_MODE, owner, what });

/** File names inside a node's directory (`nodes/<key>/`). */
export const NODE_FILES = {
  conf: 'redis.conf',
  pid: 'redis.pid',
  log: 'redis.log',
  meta: 'node.json',
  lastExit: 'last-exit.json',
  /** The node's TLS files, relative to the node directory: redis-server opens them by these names. */
  tlsDir: 'tls',
  tlsCa: 'tls/ca.crt',
  tlsMeta: 'tls/cert.json',
} as const;

/** File names inside the endpoint proxy's directory (`endpoints/`). */
export const PROXY_FILES = {
  routes: 'routes.json',
  pid: 'proxy.pid',
  status: 'proxy-status.json',
  log: 'proxy.log',
} as const;

/** File names inside a serverless cache's directory (`serverless/<name>/`). */
export const SERVERLESS_FILES = {
  config: 'proxy.json',
  pid: 'proxy.pid',
  status: 'proxy-status.json',
  log: 'proxy.log',
  defaultLogin: 'default-login',
  compute: 'compute.json',
} as const;

/** Absolute paths of serverless cache `name`'s files, its directory being `<serverlessDir>/<name>`. */
export function serverlessPaths(serverlessDir: string, name: string) {
  if (!NODE_KEY.test(name)) throw new Error(`invalid serverless cache name ${JSON.stringify(name)}`);
  const d = join(serverlessDir, name);
  return {
    dir: d,
    config: join(d, SERVERLESS_FILES.config),
    pid: join(d, SERVERLESS_FILES.pid),
    status: join(d, SERVERLESS_FILES.status),
    log: join(d, SERVERLESS_FILES.log),
    defaultLogin: join(d, SERVERLESS_FILES.defaultLogin),
    compute: join(d, SERVERLESS_FILES.compute),
  };
}

export type ServerlessPaths = ReturnType<typeof serverlessPaths>;

/** The table: every path the service creates, with its kind, mode and owner. */
export const DATA_LAYOUT: readonly LayoutEntry[] = [
  dir('.', 'the data directory'),
  file('state.db', 'the state store (SQLite), with its state.db-wal and state.db-shm'),
  file('metrics.db', 'the time-series store of collected and put metrics (SQLite), with its -wal and -shm'),
  file('logs.db', "CloudWatch Logs' groups, streams and events, and the log delivery cursors (SQLite), with its -wal and -shm"),
  file('credentials.json', "the API's access keys"),
  file('server.json', 'the running service: pid, API address and scheme'),
  file('admin-secret', "the password of the control plane's ACL user on every node"),
  dir('tls', "the service's CA and the API's certificate"),
  file('tls/ca.crt', 'the CA certificate (`cachefleet ca` prints it)'),
  file('tls/ca.key', 'the CA key (never leaves the directory)'),
  file('tls/api.crt', "the API's certificate (cachefleet server --tls)"),
  file('tls/api.key', "the API's key"),
  dir('endpoints', "the endpoint proxy's files (when nftables is not used)"),
  ...Object.values(PROXY_FILES).map((f) => file(`endpoints/${f}`, 'endpoint proxy state')),
  dir('iam-gateway', 'the IAM auth gateway: its config (keys, policies, node secrets of IAM users), pid, status, log'),
  file('iam-gateway/gateway.json', "the gateway's config (written by the control plane)"),
  file('iam-gateway/gateway.pid', "the gateway's pid"),
  file('iam-gateway/gateway-status.json', 'what the gateway has applied'),
  file('iam-gateway/gateway.log', "the gateway's log"),
  dir('iam-gateway/verifier', "the verifier's socket, when nodes run as the service's own user (as root: under /run/cachefleet, see security/iam-module.ts)"),
  file('iam-gateway/verifier/verify.sock', 'the socket the IAM auth module of the nodes asks the verifier on'),
  dir('iam-gateway/certs', "certificates of the gateway's endpoints, one directory per replication group"),
  dir('iam-gateway/certs/<key>', 'one replication group'),
  dir('iam-gateway/certs/<key>/tls', "the group endpoints' certificate"),
  file('iam-gateway/certs/<key>/tls/ca.crt', 'the CA certificate the gateway verifies nodes with'),
  file('iam-gateway/certs/<key>/tls/node-<id>.crt', "the certificate of the group's endpoint addresses"),
  file('iam-gateway/certs/<key>/tls/node-<id>.key', 'its key'),
  file('iam-gateway/certs/<key>/tls/cert.json', 'what was issued'),
  dir('nodes', 'one directory per cache node'),
  dir('nodes/<key>', "a node's directory, redis-server's working directory", 'node'),
  file(`nodes/<key>/${NODE_FILES.conf}`, 'the generated redis.conf (may hold credentials)', 'node'),
  file(`nodes/<key>/${NODE_FILES.pid}`, "redis-server's pidfile", 'node'),
  file(`nodes/<key>/${NODE_FILES.log}`, "redis-server's log", 'node'),
  file(`nodes/<key>/${NODE_FILES.meta}`, 'what the provider spawned (pid, address, binary)'),
  file(`nodes/<key>/${NODE_FILES.lastExit}`, "the node's last observed exit"),
  file('nodes/<key>/dump.rdb', 'an RDB snapshot (only when the parameter group asks for one)', 'node'),
  dir('nodes/<key>/appendonlydir', 'the append-only file (only with appendonly yes)', 'node'),
  file('nodes/<key>/cachefleet-iam.so', 'the IAM auth module, for nodes of groups with IAM users (mode 0700: redis-server loads only an executable module)', 'node'),
  file('nodes/<key>/nodes.conf', "cluster mode: the node's cluster configuration", 'node'),
  dir(`nodes/<key>/${NODE_FILES.tlsDir}`, "the node's TLS files", 'node'),
  file(`nodes/<key>/${NODE_FILES.tlsCa}`, 'the CA certificate the node verifies peers with', 'node'),
  file('nodes/<key>/tls/node-<id>.crt', "the node's certificate", 'node'),
  file('nodes/<key>/tls/node-<id>.key', "the node's key", 'node'),
  file(`nodes/<key>/${NODE_FILES.tlsMeta}`, 'what was issued (addresses, expiry)'),
  dir('snapshots', "the local snapshot store: the service's own snapshot files (without an S3 store configured)"),
  file('snapshots/<object>', 'a snapshot file (framed: compressed, encrypted), or a folder of them for keys with a `/` (0700)'),
  dir('buckets', 'folder buckets: what CopySnapshot --target-bucket exports and SnapshotArns imports, without an S3 store'),
  dir('buckets/<name>', 'one bucket (its name as S3 names buckets)'),
  file('buckets/<name>/<object>', 'an object of the bucket (an exported RDB), or a folder of them (0700)'),
  dir('restores', 'restores under way: one directory per ephemeral loader, removed when its restore ends (at start, with any loader a killed service left running)'),
  dir('restores/<key>', "a loader's directory (a redis-server loading one RDB file), or the loaders' TLS certificate", 'node'),
  file('restores/<key>/<object>', "a loader's files (redis.conf, pidfile, log) or its TLS files", 'node'),
  dir('pitr-loaders', 'point-in-time restores under way: one private folder per loader replaying an archive, removed when its restore ends (at start, with any loader a killed service left)'),
  dir('pitr-loaders/<key>', "a point-in-time loader's folder (its redis.conf, log, pidfile; the archive's AOF while it loads)", 'node'),
  file('pitr-loaders/<key>/<object>', "a point-in-time loader's files", 'node'),
  dir('keys', 'the key store of encryption at rest (cachefleet kms create-key / list-keys)'),
  file('keys/<id>.json', 'one key: its id, aliases and 32 bytes of key material (never leaves the directory)'),
  dir('serverless', "serverless caches' endpoints: one directory per cache"),
  dir('serverless/<name>', "a serverless cache's endpoint engine: its config, pid, status, usage counters and log (see serverless/proxy/config.ts)"),
  ...Object.values(SERVERLESS_FILES).map((f) => file(`serverless/<name>/${f}`, 'serverless endpoint state')),
  file('serverless/<name>/usage-<id>.json', "a worker's usage counters"),
  dir('serverless/<name>/tls', "the endpoint's certificate, from the service's CA"),
  file('serverless/<name>/tls/<object>', "the endpoint's certificate, key and what was issued"),
];

/** Absolute paths of the data directory's top-level entries. */
export function dataPaths(dataDir: string) {
  return {
    dataDir,
    state: join(dataDir, 'state.db'),
    metrics: join(dataDir, 'metrics.db'),
    logs: join(dataDir, 'logs.db'),
    credentials: join(dataDir, 'credentials.json'),
    serverFile: join(dataDir, 'server.json'),
    adminSecret: join(dataDir, 'admin-secret'),
    tls: join(dataDir, 'tls'),
    caCert: join(dataDir, 'tls', 'ca.crt'),
    caKey: join(dataDir, 'tls', 'ca.key'),
    apiCert: join(dataDir, 'tls', 'api.crt'),
    apiKey: join(dataDir, 'tls', 'api.key'),
    endpoints: join(dataDir, 'endpoints'),
    iamGateway: join(dataDir, 'iam-gateway'),
    nodes: join(dataDir, 'nodes'),
    snapshots: join(dataDir, 'snapshots'),
    buckets: join(dataDir, 'buckets'),
    keys: join(dataDir, 'keys'),
    restores: join(dataDir, 'restores'),
    pitrLoaders: join(dataDir, 'pitr-loaders'),
    serverless: join(dataDir, 'serverless'),
  };
}

export type DataPaths = ReturnType<typeof dataPaths>;

/** Absolute paths of the proxy's files in its directory. */
export function proxyPaths(dir: string) {
  return {
    dir,
    routes: join(dir, PROXY_FILES.routes),
    pid: join(dir, PROXY_FILES.pid),
    status: join(dir, PROXY_FILES.status),
    log: join(dir, PROXY_FILES.log),
  };
}

export type ProxyPaths = ReturnType<typeof proxyPaths>;

/** A node key is filesystem-safe and cannot escape its parent (no separators, no leading dot). */
export const NODE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Absolute paths of node `key`'s files, its directory being `<nodesDir>/<key>`. */
export function nodePaths(nodesDir: string, key: string) {
  if (!NODE_KEY.test(key)) throw new Error(`invalid node key ${JSON.stringify(key)}`);
  const d = join(nodesDir, key);
  return {
    dir: d,
    conf: join(d, NODE_FILES.conf),
    pid: join(d, NODE_FILES.pid),
    log: join(d, NODE_FILES.log),
    meta: join(d, NODE_FILES.meta),
    lastExit: join(d, NODE_FILES.lastExit),
    tlsDir: join(d, NODE_FILES.tlsDir),
    tlsCa: join(d, NODE_FILES.tlsCa),
    tlsMeta: join(d, NODE_FILES.tlsMeta),
  };
}

export type NodeFilePaths = ReturnType<typeof nodePaths>;

/** A node's certificate and key, relative to its directory (as redis.conf and CONFIG SET name them). */
export function nodeCertNames(id: string): { certFile: string; keyFile: string } {
  return { certFile: `${NODE_FILES.tlsDir}/node-${id}.crt`, keyFile: `${NODE_FILES.tlsDir}/node-${id}.key` };
}

/** The table's entry a data-directory-relative path falls under (`<key>`, `<id>` match any name), if any. */
export function layoutEntryOf(relPath: string): LayoutEntry | undefined {
  const norm = relPath === '' ? '.' : relPath.split('\\').join('/');
  return DATA_LAYOUT.find((e) => patternOf(e.path).test(norm));
}

function patternOf(path: string): RegExp {
  const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<key>|<id>|<name>/g, '[^/]+').replace(/<object>/g, '.+');
  return new RegExp(`^${esc}$`);
}
