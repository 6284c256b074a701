import type { ParameterDef } from './parameter-types.js';

/**
 * The parameters of the ElastiCache `redis7` cache parameter group family, as
 * `DescribeEngineDefaultParameters --cache-parameter-group-family redis7` lists them
 * (alphabetical order, as AWS returns them), plus the redis-server directive each one sets.
 *
 * The node-type specific parameters (maxmemory and the replica output buffer limits) are not
 * here; see `cacheNodeTypeSpecificParameters` in parameters.ts.
 *
 * Where AWS's AllowedValues admit values redis-server 7.0 rejects, the range is narrowed to what
 * redis-server accepts (slowlog-log-slower-than: -1 and up, not any integer).
 */

const V = '7.0.0';

type Opts = Partial<Pick<ParameterDef, 'IsModifiable' | 'ChangeType' | 'toRedis' | 'restartToApply'>> & {
  redis?: string | null;
};

function base(name: string, description: string, opts: Opts): Omit<ParameterDef, 'DataType'> {
  const def: Omit<ParameterDef, 'DataType'> = {
    ParameterName: name,
    Description: description,
    Source: 'system',
    IsModifiable: opts.IsModifiable ?? true,
    MinimumEngineVersion: V,
    ChangeType: opts.ChangeType ?? 'immediate',
    redis: opts.redis === undefined ? name : opts.redis,
  };
  if (opts.toRedis) def.toRedis = opts.toRedis;
  if (opts.restartToApply) def.restartToApply = true;
  return def;
}

/** A yes/no parameter (AWS reports these with DataType "string"). */
function yesNo(name: string, value: 'yes' | 'no', description: string, opts: Opts = {}): ParameterDef {
  return { ...base(name, description, opts), ParameterValue: value, DataType: 'string', AllowedValues: 'yes,no' };
}

function str(name: string, value: string | undefined, allowed: string | undefined, description: string, opts: Opts = {}): ParameterDef {
  const def: ParameterDef = { ...base(name, description, opts), DataType: 'string' };
  if (value !== undefined) def.ParameterValue = value;
  if (allowed !== undefined) def.AllowedValues = allowed;
  return def;
}

function int(name: string, value: number, allowed: string, description: string, opts: Opts = {}): ParameterDef {
  return { ...base(name, description, opts), ParameterValue: String(value), DataType: 'integer', AllowedValues: allowed };
}

const COBL = 'client-output-buffer-limit';

/** Commands ElastiCache lets a customer rename through `rename-commands`. */
export const RENAMEABLE_COMMANDS =
  'APPEND,BITCOUNT,BITFIELD,BITOP,BITPOS,BLPOP,BRPOP,BRPOPLPUSH,BZPOPMIN,BZPOPMAX,CLIENT,COMMAND,DBSIZE,DECR,' +
  'DECRBY,DEL,DISCARD,DUMP,ECHO,EVAL,EVALSHA,EXEC,EXISTS,EXPIRE,EXPIREAT,FLUSHALL,FLUSHDB,GEOADD,GEOHASH,GEOPOS,' +
  'GEODIST,GEORADIUS,GEORADIUSBYMEMBER,GET,GETBIT,GETRANGE,GETSET,HDEL,HEXISTS,HGET,HGETALL,HINCRBY,HINCRBYFLOAT,' +
  'HKEYS,HLEN,HMGET,HMSET,HSET,HSETNX,HSTRLEN,HVALS,INCR,INCRBY,INCRBYFLOAT,INFO,KEYS,LASTSAVE,LINDEX,LINSERT,LLEN,' +
  'LPOP,LPUSH,LPUSHX,LRANGE,LREM,LSET,LTRIM,MEMORY,MGET,MONITOR,MOVE,MSET,MSETNX,MULTI,OBJECT,PERSIST,PEXPIRE,' +
  'PEXPIREAT,PFADD,PFCOUNT,PFMERGE,PING,PSETEX,PSUBSCRIBE,PUBSUB,PTTL,PUBLISH,PUNSUBSCRIBE,RANDOMKEY,READONLY,' +
  'READWRITE,RENAME,RENAMENX,RESTORE,ROLE,RPOP,RPOPLPUSH,RPUSH,RPUSHX,SADD,SCARD,SCRIPT,SDIFF,SDIFFSTORE,SELECT,SET,' +
  'SETBIT,SETEX,SETNX,SETRANGE,SINTER,SINTERSTORE,SISMEMBER,SLOWLOG,SMEMBERS,SMOVE,SORT,SPOP,SRANDMEMBER,SREM,' +
  'STRLEN,SUBSCRIBE,SUNION,SUNIONSTORE,SWAPDB,TIME,TOUCH,TTL,TYPE,UNSUBSCRIBE,UNLINK,UNWATCH,WAIT,WATCH,ZADD,ZCARD,' +
  'ZCOUNT,ZINCRBY,ZINTERSTORE,ZLEXCOUNT,ZPOPMAX,ZPOPMIN,ZRANGE,ZRANGEBYLEX,ZREVRANGEBYLEX,ZRANGEBYSCORE,ZRANK,ZREM,' +
  'ZREMRANGEBYLEX,ZREMRANGEBYRANK,ZREMRANGEBYSCORE,ZREVRANGE,ZREVRANGEBYSCORE,ZREVRANK,ZSCORE,ZUNIONSTORE,SCAN,' +
  'SSCAN,HSCAN,ZSCAN,XINFO,XADD,XTRIM,XDEL,XRANGE,XREVRANGE,XLEN,XREAD,XGROUP,XREADGROUP,XACK,XCLAIM,XPENDING,' +
  'GEORADIUS_RO,GEORADIUSBYMEMBER_RO,LOLWUT,XSETID,SUBSTR,BITFIELD_RO,ACL,STRALGO';

/** AWS lists parameters by name, hyphens ignored (activedefrag before active-defrag-cycle-max). */
function awsOrder(a: ParameterDef, b: ParameterDef): number {
  const ka = a.ParameterName.replace(/-/g, '');
  const kb = b.ParameterName.replace(/-/g, '');
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// prettier-ignore
const DEFS: ParameterDef[] = [
  str('acl-pubsub-default', 'allchannels', 'resetchannels,allchannels',
    'Default permissions for pubsub channels of ACL users deployed to this cluster.'),
  int('acllog-max-len', 128, '1-10000', 'The max number of entries in the ACL log.'),
  int('active-defrag-cycle-max', 75, '1-75', 'Maximal effort for defrag in CPU percentage'),
  int('active-defrag-cycle-min', 5, '1-75', 'Minimal effort for defrag in CPU percentage'),
  int('active-defrag-ignore-bytes', 104857600, '1048576-', 'Minimum amount of fragmentation waste to start active defrag'),
  int('active-defrag-max-scan-fields', 1000, '1-1000000',
    'Maximum number of set/hash/zset/list fields that will be processed from the main dictionary scan'),
  int('active-defrag-threshold-lower', 10, '1-100', 'Minimum percentage of fragmentation to start active defrag'),
  int('active-defrag-threshold-upper', 100, '1-100', 'Maximum percentage of fragmentation at which we use maximum effort'),
  int('active-expire-effort', 1, '1-10',
    'The amount of effort that redis uses to expire items in the active expiration job.'),
  yesNo('activedefrag', 'no', 'Enabled active memory defragmentation'),
  str('appendfsync', 'everysec', 'always,everysec,no', 'fsync policy for AOF persistence', { IsModifiable: false }),
  yesNo('appendonly', 'no', 'Enable Redis persistence.', { IsModifiable: false }),
  // cachefleet's own (no redis-server directive): the primary endpoint's durable-writes mode.
  yesNo('cachefleet-durable-writes', 'no',
    'cachefleet: when yes, the primary endpoint acknowledges a write only once at least one replica has it ' +
    '(Redis WAIT after each write, one per pipelined batch or MULTI/EXEC), so a failover loses no acknowledged write. ' +
    'Cost: every write waits for a replication round trip (higher latency, lower write throughput), the primary ' +
    'endpoint goes through a userspace proxy instead of kernel NAT, RESP3 (HELLO 3) is refused on it, and without a ' +
    'replica in sync writes fail with NOREPLICAS after cachefleet-durable-timeout-ms.',
    { redis: null }),
  int('cachefleet-durable-timeout-ms', 1000, '10-60000',
    'cachefleet: with cachefleet-durable-writes, how long in milliseconds a write waits for a replica to acknowledge it; ' +
    'then the client gets -NOREPLICAS Not enough good replicas to write. instead of the reply (the write may still ' +
    'have been applied on the primary: treat its outcome as unknown).',
    { redis: null }),
  int('client-output-buffer-limit-normal-hard-limit', 0, '0-', 'Normal client output buffer hard limit in bytes.', { redis: COBL }),
  int('client-output-buffer-limit-normal-soft-limit', 0, '0-', 'Normal client output buffer soft limit in bytes.', { redis: COBL }),
  int('client-output-buffer-limit-normal-soft-seconds', 0, '0-', 'Normal client output buffer soft limit in seconds.', { redis: COBL }),
  int('client-output-buffer-limit-pubsub-hard-limit', 33554432, '0-', 'Pubsub client output buffer hard limit in bytes.', { redis: COBL }),
  int('client-output-buffer-limit-pubsub-soft-limit', 8388608, '0-', 'Pubsub client output buffer soft limit in bytes.', { redis: COBL }),
  int('client-output-buffer-limit-pubsub-soft-seconds', 60, '0-', 'Pubsub client output buffer soft limit in seconds.', { redis: COBL }),
  int('client-output-buffer-limit-replica-soft-seconds', 60, '0-', 'Replica client output buffer soft limit in seconds.',
    { redis: COBL, IsModifiable: false }),
  int('client-query-buffer-limit', 1073741824, '1048576-1073741824', 'Max size of a single client query buffer'),
  yesNo('close-on-replica-write', 'yes',
    'If enabled, clients who attempt to write to a read-only replica will be disconnected. Applicable to 2.8.23 and higher.',
    { redis: null }),
  yesNo('cluster-allow-pubsubshard-when-down', 'yes',
    'Allow nodes to serve pubsub shard traffic while the cluster is down, as long as they believe they own the slots.'),
  yesNo('cluster-allow-reads-when-down', 'no',
    'Allow a node to serve read traffic while the cluster is in a down state, as long as it believes it owns the slots.'),
  yesNo('cluster-enabled', 'no', 'Enable cluster mode', { ChangeType: 'requires-reboot' }),
  // redis-server knows ip/hostname/unknown-endpoint; tls-dynamic means "hostname with TLS, else ip",
  // and cachefleet nodes serve plain TCP, so it becomes ip.
  str('cluster-preferred-endpoint-type', 'tls-dynamic', 'tls-dynamic,ip',
    'Preferred endpoint type for cluster redirections: ip, or tls-dynamic for a hostname when in-transit encryption is enabled and an ip otherwise.',
    { toRedis: () => 'ip' }),
  yesNo('cluster-require-full-coverage', 'no', 'Whether cluster becomes unavailable if one or more slots are not covered'),
  int('databases', 16, '1-10000', 'Set the number of databases.', { ChangeType: 'requires-reboot' }),
  int('hash-max-listpack-entries', 512, '0-', 'The maximum number of hash entries in order for the dataset to be compressed.'),
  int('hash-max-listpack-value', 64, '0-', 'The threshold of biggest hash entries in order for the dataset to be compressed.'),
  int('hll-sparse-max-bytes', 3000, '1-16000', 'HyperLogLog sparse representation bytes limit'),
  yesNo('latency-tracking', 'no',
    'Track per command latencies and export their percentile distribution through INFO latencystats.'),
  yesNo('lazyfree-lazy-eviction', 'no', 'Perform an asynchronous delete on evictions'),
  yesNo('lazyfree-lazy-expire', 'no', 'Perform an asynchronous delete on expired keys'),
  yesNo('lazyfree-lazy-server-del', 'no', 'Perform an asynchronous delete on key updates'),
  yesNo('lazyfree-lazy-user-del', 'no', 'Perform an asynchronous delete on the DEL command (DEL behaves like UNLINK).'),
  int('lfu-decay-time', 1, '0-', 'The amount of time in minutes to decrement the key counter for LFU eviction policy'),
  int('lfu-log-factor', 10, '1-', 'The log factor for incrementing key counter for LFU eviction policy'),
  int('list-compress-depth', 0, '0-',
    'Number of quicklist ziplist nodes from each side of the list to exclude from compression. The head and tail of the list are always uncompressed for fast push/pop operations'),
  int('list-max-listpack-size', -2, '-5,-4,-3,-2,-1,1-',
    'The number of entries allowed per internal list node can be specified as a fixed maximum size or a maximum number of elements'),
  int('lua-time-limit', 5000, '5000',
    'Max execution time of a Lua script in milliseconds. 0 for unlimited execution without warnings.', { IsModifiable: false }),
  int('maxclients', 65000, '1-65000', 'The maximum number of Redis clients.', { IsModifiable: false, ChangeType: 'requires-reboot' }),
  str('maxmemory-policy', 'volatile-lru',
    'volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction',
    'Max memory policy.'),
  int('maxmemory-samples', 3, '1-', 'Max memory samples.'),
  int('min-replicas-max-lag', 10, '0-',
    'The maximum amount of replica lag in seconds beyond which the master would stop taking writes. A value of 0 means the master always takes writes.'),
  int('min-replicas-to-write', 0, '0-',
    'The minimum number of replicas that must be present with lag no greater than min-replicas-max-lag for master to take writes. Setting this to 0 means the master always takes writes.'),
  str('notify-keyspace-events', undefined, undefined,
    'The keyspace events for Redis to notify Pub/Sub clients about. By default all notifications are disabled'),
  int('proto-max-bulk-len', 536870912, '1048576-536870912', 'Max size of a single element request'),
  str('rename-commands', '', RENAMEABLE_COMMANDS, 'Redis commands that can be dynamically renamed by the customer',
    { redis: 'rename-command', restartToApply: true }),
  int('repl-backlog-size', 1048576, '16384-',
    'The replication backlog size in bytes for PSYNC. This is the size of the buffer which accumulates slave data when slave is disconnected for some time, so that when slave reconnects again, only transfer the portion of data which the slave missed. Minimum value is 16K.'),
  int('repl-backlog-ttl', 3600, '0-',
    'The amount of time in seconds after the master no longer have any slaves connected for the master to free the replication backlog. A value of 0 means to never release the backlog.'),
  yesNo('replica-allow-chaining', 'no', 'Configures if chaining of replicas is allowed', { IsModifiable: false, redis: null }),
  yesNo('replica-ignore-maxmemory', 'yes',
    'Determines if replica ignores maxmemory setting by not evicting items independent from the master', { IsModifiable: false }),
  yesNo('replica-lazy-flush', 'no', 'Perform an asynchronous flushDB during replica sync', { IsModifiable: false }),
  int('reserved-memory-percent', 25, '0-100',
    'The percent of memory reserved for non-cache memory usage. You may want to increase this parameter for nodes with read replicas, AOF enabled, etc, to reduce swap usage.',
    { redis: null }),
  int('set-max-intset-entries', 512, '0-500000000', 'The limit in the size of the set in order for the dataset to be compressed.'),
  int('slowlog-log-slower-than', 10000, '-1,0-',
    'The execution time, in microseconds, to exceed in order for the command to get logged. Note that a negative number disables the slow log, while a value of zero forces the logging of every command.'),
  int('slowlog-max-len', 128, '0-',
    'The length of the slow log. There is no limit to this length. Just be aware that it will consume memory. You can reclaim memory used by the slow log with SLOWLOG RESET.'),
  int('stream-node-max-bytes', 4096, '0-', 'The maximum size of a single node in a stream in bytes'),
  int('stream-node-max-entries', 100, '0-', 'The maximum number of items a single node in a stream can contain'),
  int('tcp-keepalive', 300, '0-', 'If non-zero, send ACKs every given number of seconds.'),
  int('timeout', 0, '0,20-', 'Close connection if client is idle for a given number of seconds, or never if 0.'),
  int('tracking-table-max-keys', 1000000, '1-100000000',
    'The maximum number of keys allowed for the tracking table for client side caching.'),
  int('zset-max-listpack-entries', 128, '0-',
    'The maximum number of sorted set entries in order for the dataset to be compressed.'),
  int('zset-max-listpack-value', 64, '0-',
    'The threshold of biggest sorted set entries in order for the dataset to be compressed.'),
];

export const REDIS7_PARAMETERS: readonly ParameterDef[] = Object.freeze(DEFS.sort(awsOrder).map((d) => Object.freeze(d)));
