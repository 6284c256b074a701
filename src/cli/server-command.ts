import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultConfig, DEFAULT_PORT, type ServiceConfig } from '../core/index.js';
import { CachefleetService } from '../service/service.js';
import { createLogger } from '../util/logger.js';
import { prettyLogStream } from './pretty-log.js';
import { addSnapshotS3Options, snapshotS3Config } from './snapshot-s3-options.js';
import { addServerlessScalingOptions, serverlessScalingConfig } from './serverless-scaling-options.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`not a whole number: ${v}`);
  return n;
};
const collect = (v: string, prev: string[]) => [...prev, v];

export function registerServerCommand(program: Command): void {
  const command = program.command('server')
    .description('run the service: the ElastiCache API, the reconciler, and the cache nodes it manages')
    .option('-p, --port <port>', 'API port', int, DEFAULT_PORT)
    .option('--host <address>', 'API listen address', '127.0.0.1')
    .option('-d, --data-dir <dir>', 'state, node data and logs', './data')
    .option('--region <region>', 'region shown in ARNs and availability zones', 'us-east-1')
    .option('--endpoint-cidr <cidr>', 'loopback range for endpoint and node addresses', '127.77.0.0/16')
    .option('--router <mode>', 'endpoint forwarding: auto, nftables (kernel NAT) or proxy (userspace process)', 'auto')
    .option('--memory-overcommit <ratio>', 'node maxmemory limits may add up to host memory times this', Number, 16)
    .option('--redis-server <path>', 'an extra redis-server binary to offer as an engine (repeatable)', collect, [])
    .option('--reconcile-interval-ms <ms>', 'reconcile period when nothing changes', int, 2000)
    .option('--settled-observe-interval-ms <ms>', 'a settled cluster whose inputs and node health are unchanged is fully observed (INFO) only this often; 0: every pass', int, 10_000)
    .option('--iam-connection-max-ms <ms>', 'connections authenticated with IAM are closed this long after their login (ElastiCache: 12 hours)', int, 12 * 3_600_000)
    .option('--iam-auth-path <path>', 'where IAM logins of Redis connections are checked: node (the nodes\' IAM auth module; full speed) or gateway (the IAM auth gateway in front of the group; half the throughput, but HELLO 3 AUTH with a token works)', 'node')
    .option('--alarm-interval-ms <ms>', 'how often every CloudWatch alarm is evaluated (also at once when its data arrives)', int, 10_000)
    .option('--log-delivery-interval-ms <ms>', "how often the nodes' slow and engine logs are delivered to their CloudWatch Logs groups", int, 5000)
    .option('--drift-check-interval-ms <ms>', 'how often each cluster\'s nodes are compared with the settings the service manages (drift is put back, with an event); 0: never', int, 30_000)
    .option('--health-interval-ms <ms>', 'fast health period: process liveness of every node, pings of suspected and down nodes', int, 100)
    .option('--health-idle-interval-ms <ms>', 'how often a healthy node is pinged (a process exit is seen at once)', int, 1000)
    .option('--serverless-engine <main.js>', "the serverless endpoint engine's entry point (default: the one built beside the service; tests use a stand-in)")
    .option('--serverless-engine-workers <n>', "worker processes of each serverless cache's endpoint engine (default: half the machine's cores, at least 1)", int)
    .option('--serverless-cache-quota <n>', 'serverless caches the service allows; CreateServerlessCache beyond it gets ServerlessCacheQuotaForCustomerExceededFault', int, 40)
    .option('--health-down-after <n>', 'failed pings in a row before a node is down', int, 3)
    .option('--flap-window-ms <ms>', 'a node that came back from down twice in this period needs 4x the failed pings (timeouts only) to be down again', int, 60_000)
    .option('--snapshot-quota <n>', 'snapshots (manual and automatic) the service keeps at most; CreateSnapshot, CopySnapshot and final snapshots beyond it get SnapshotQuotaExceededFault', int, 1000)
    .option('--pitr-flush-ms <ms>', 'point-in-time archives: the longest a recorded write waits before it is archived (the bound on what is lost, docs/PITR.md)', int, 10_000)
    .option('--no-automatic-backups', 'take no automatic daily backups (SnapshotRetentionLimit and SnapshotWindow are kept and shown); for maintenance and tests')
    .option('--stop-nodes-on-exit', 'stop every cache node when the service exits (default: nodes keep serving)', false)
    .option('--insecure-accept-any-credentials', 'DEVELOPMENT ONLY: accept API requests signed with any access key, without checking the signature', false)
    .option('--tls', "serve the API (and every listener of the service) over HTTPS, with a certificate from the service's CA (`cachefleet ca` prints it) unless --tls-cert/--tls-key give one", false)
    .option('--tls-cert <file>', 'with --tls: your own certificate (PEM, chain first) instead of one from the service CA')
    .option('--tls-key <file>', 'with --tls: the key of --tls-cert (PEM)')
    .option('--metrics-period-seconds <s>', 'how often every node\'s metrics are collected (ElastiCache: 60); 1 at the least', int, 60)
    .option('--metrics-port <port>', 'also serve GET /metrics on a listener of its own (HTTPS with --tls)', int)
    .option('--metrics-allow <cidr>', 'clients of /metrics allowed besides loopback (repeatable)', collect, [])
    .option('--metrics-token-file <file>', 'a file with a bearer token that admits /metrics scrapes from any address')
    .option('--node-user <user>', 'when run as root: the unprivileged user cache nodes run as (default redis, from Debian\'s redis-server package)')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal)');
  addServerlessScalingOptions(addSnapshotS3Options(command))
    .action(async (o) => {
      if (!['auto', 'nftables', 'proxy'].includes(o.router)) throw new Error(`--router must be auto, nftables or proxy (got ${o.router})`);
      if (o.pitrFlushMs < 100) throw new Error(`--pitr-flush-ms must be at least 100 (got ${o.pitrFlushMs})`);
      if (!['node', 'gateway'].includes(o.iamAuthPath)) throw new Error(`--iam-auth-path must be node or gateway (got ${o.iamAuthPath})`);
      if (o.snapshotQuota < 0) throw new Error(`--snapshot-quota must be 0 or more (got ${o.snapshotQuota})`);
      if ((o.tlsCert || o.tlsKey) && !o.tls) throw new Error('--tls-cert and --tls-key need --tls');
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('--tls-cert and --tls-key go together: give both');
      if (o.serverlessEngineWorkers !== undefined && (o.serverlessEngineWorkers < 1 || o.serverlessEngineWorkers > 64)) {
        throw new Error(`--serverless-engine-workers must be between 1 and 64 (got ${o.serverlessEngineWorkers})`);
      }
      if (o.metricsPeriodSeconds < 1) throw new Error(`--metrics-period-seconds must be 1 or more (got ${o.metricsPeriodSeconds})`);
      const snapshotS3 = snapshotS3Config(o);
      const config: ServiceConfig = defaultConfig({
        host: o.host, port: o.port, dataDir: o.dataDir, region: o.region, endpointCidr: o.endpointCidr,
        routerMode: o.router, memoryOvercommit: o.memoryOvercommit, redisServerBinaries: o.redisServer,
        reconcileIntervalMs: o.reconcileIntervalMs, settledObserveIntervalMs: o.settledObserveIntervalMs,
        driftCheckIntervalMs: o.driftCheckIntervalMs, alarmIntervalMs: o.alarmIntervalMs, logDeliveryIntervalMs: o.logDeliveryIntervalMs, iamConnectionMaxMs: o.iamConnectionMaxMs, iamAuthPath: o.iamAuthPath, healthIntervalMs: o.healthIntervalMs,
        healthIdleIntervalMs: o.healthIdleIntervalMs,
        healthDownAfter: o.healthDownAfter, flapWindowMs: o.flapWindowMs, stopNodesOnExit: o.stopNodesOnExit, logLevel: o.logLevel,
        acceptAnyCredentials: o.insecureAcceptAnyCredentials, snapshotQuota: o.snapshotQuota, serverlessCacheQuota: o.serverlessCacheQuota, ...(o.serverlessEngine ? { serverlessEngineScript: resolve(o.serverlessEngine) } : {}),
        ...(o.serverlessEngineWorkers ? { serverlessEngineWorkers: o.serverlessEngineWorkers } : {}), automaticBackups: o.automaticBackups, pitrFlushMs: o.pitrFlushMs,
        tls: { enabled: Boolean(o.tls), ...(o.tlsCert ? { certFile: resolve(o.tlsCert) } : {}), ...(o.tlsKey ? { keyFile: resolve(o.tlsKey) } : {}) },
        metricsPeriodMs: o.metricsPeriodSeconds * 1000, metricsAllow: o.metricsAllow,
        ...(o.metricsPort !== undefined ? { metricsPort: o.metricsPort } : {}),
        ...(o.metricsTokenFile ? { metricsTokenFile: resolve(o.metricsTokenFile) } : {}),
        ...(o.nodeUser ? { nodeUser: o.nodeUser } : {}),
        ...(snapshotS3 ? { snapshotS3 } : {}),
        serverlessScaling: serverlessScalingConfig(o),
      });
      const pretty = (o.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
      const logger = createLogger({ level: config.logLevel, ...(pretty ? { destination: prettyLogStream(process.stdout) } : {}) });
      const service = await CachefleetService.start(config, logger);
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        try {
          await service.stop();
          process.exit(0);
        } catch (err) {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        }
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
