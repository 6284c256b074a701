import type { FastifyInstance } from 'fastify';
import { buildRegistry } from '../api/actions/registry.js';
import { buildEc2Registry } from '../api/ec2/actions/registry.js';
import { createAuthenticator } from '../api/auth/authenticate.js';
import { createAuthorizer } from '../api/auth/authorize.js';
import { resourceTagsOf } from '../api/auth/resource-tags.js';
import { buildIamRegistry } from '../api/iam/actions/registry.js';
import { iamResources } from '../api/iam/resources.js';
import { IamDirectory } from '../iam/index.js';
import { ensureCredentials, secretLookup } from '../api/auth/credentials.js';
import { createApiServer } from '../api/http.js';
import { startMonitoring, type Monitoring } from './monitoring.js';
import { detectEngines } from '../catalog/engines.js';
import { AdminPool } from '../engine/admin.js';
import { NodeSecurity } from '../security/node-security.js';
import { IAM_MODULE_BUILD_PATH, verifierSocketPath } from '../security/iam-module.js';
import { existsSync, readFileSync } from 'node:fs';
import { consoleMount, SessionStore } from '../console/index.js';
import { LocalProcessProvider } from '../engine/local-provider.js';
import { createEndpointRouter } from '../endpoints/index.js';
import type { EndpointRouter } from '../endpoints/types.js';
import { EventSink } from '../events/sink.js';
import { DEFAULT_MONITOR_OPTIONS, HealthMonitor } from '../health/monitor.js';
import { IamGateway } from '../gateway/index.js';
import { EndpointNetwork } from '../reconciler/network.js';
import { Reconciler } from '../reconciler/reconciler.js';
import { nodeKey } from '../resources/naming.js';
import { CachedReads, MergedViews, SqliteStore, splitLegacyRecords } from '../store/index.js';
import { createLogger, type Logger } from '../util/logger.js';
import { ensureBuiltIns } from '../resources/built-ins.js';
import type { ServiceConfig, Services } from '../core/index.js';
import { claimDataDir, dataPaths, routeTableName, serverUrl } from './data-dir.js';
import { resolveNodeUser } from '../engine/node-user.js';
import { SERVICE_UMASK } from '../paths/index.js';
import { tightenDataDir } from '../paths/tighten.js';
import { loadListenerTls } from '../security/listener-tls.js';
import { ensureInstallation, ensureManagementAddress } from './installation.js';
import { FileKeyStore } from '../snapshots/keys/index.js';
import { snapshotStorage, type ClosableSnapshotStorage } from '../snapshots/storage/index.js';
import { clearRestoreWork, serviceSnapshotIO } from './snapshot-io.js';
import { clearPointInTimeWork, servicePointInTimeIO } from './pitr-io.js';
import { archiveCoverage } from '../snapshots/pitr/index.js';
import { assembleMetrics, type ServiceMetricsParts } from './metrics.js';
import { openServiceLogs, type ServiceLogs } from './log-delivery.js';

/**
 * The whole service in one process: API, state store, reconciler, node provider, endpoint router.
 * Nodes and endpoint routes live outside this process (detached redis-server processes, kernel
 * NAT rules), so stopping or killing it leaves the data path untouched; starting it again adopts them.
 */
export class CachefleetService {
  private constructor(
    readonly config: ServiceConfig,
    readonly services: Services,
    readonly reconciler: Reconciler,
    readonly monitor: HealthMonitor,
    readonly api: FastifyInstance,
    private readonly provider: LocalProcessProvider,
    private readonly admin: AdminPool,
    private readonly router: EndpointRouter,
    private readonly gateway: IamGateway,
    private readonly releaseDataDir: () => void,
    private readonly snapshotFiles: ClosableSnapshotStorage,
    /** Collection, the metrics store, /metrics (src/metrics). */
    readonly metrics: ServiceMetricsParts,
    /** CloudWatch (alarms over the metrics store), SNS, the Logs dispatch. */
    private readonly monitoring: Monitoring,
    /** CloudWatch Logs' store (logs.db) and the log delivery controller (src/logs). */
    private readonly logs: ServiceLogs,
  ) {}

  /** The API's base URL, e.g. http://127.0.0.1:4510 (https with --tls). */
  get url(): string {
    const addr = this.api.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.config.port;
    return serverUrl({ host: this.config.host, port, scheme: this.scheme });
  }

  get scheme(): 'http' | 'https' {
    return this.config.tls.enabled ? 'https' : 'http';
  }

  static async start(config: ServiceConfig, logger: Logger = createLogger({ level: config.logLevel })): Promise<CachefleetService> {
    // Whatever the service and the processes it starts create is their user's alone (src/paths).
    process.umask(SERVICE_UMASK);
    const nodeUser = resolveNodeUser(config.nodeUser);
    const owner = nodeUser ? { uid: nodeUser.uid, gid: nodeUser.gid } : undefined;
    const paths = dataPaths(config.dataDir);
    const scheme = config.tls.enabled ? 'https' as const : 'http' as const;
    const releaseDataDir = claimDataDir(config.dataDir, { host: config.host, port: config.port, scheme });
    // The startup check: nothing under the data directory for group or others, node files the node user's.
    for (const t of await tightenDataDir(config.dataDir, owner)) {
      logger.warn({ path: t.path, found: t.found, now: t.now }, 'tightened a data directory entry');
    }
    const store = new SqliteStore(paths.state, { offThreadCheckpoints: true });
    let metrics: ServiceMetricsParts | undefined;
    let logs: ServiceLogs | undefined;
    // The state holds IAM users' secret access keys (SigV4 needs the secret itself): it is created
    // under the service's umask (0600), and the startup check above tightens an older one.
    try {
      const engines = await detectEngines(config.redisServerBinaries);
      if (engines.length === 0) {
        throw new Error('no redis-server found on PATH; install Debian\'s redis-server package (apt-get install redis-server) or pass --redis-server <path>');
      }
      const now = () => new Date();
      const events = new EventSink(store, logger.child({ component: 'events' }), now);
      const split = await splitLegacyRecords(store);
      if (split > 0) logger.info({ records: split }, 'records from an earlier version split into desired and observed state');
      const installation = await ensureManagementAddress(store, await ensureInstallation(store, config.region, now()), config.endpointCidr);
      let reconciler: Reconciler | undefined;
      // Snapshot files: the data directory, or the S3-compatible service configured (checked now, so a
      // missing bucket or refused credentials stop the start with a readable error).
      const storage = snapshotStorage({ dataDir: config.dataDir, ...(config.snapshotS3 ? { snapshotS3: config.snapshotS3 } : {}) });
      await storage.probe();
      const keys = new FileKeyStore(paths.keys, { region: installation.region, accountId: installation.accountId });
      // What reconcile passes and describes read (groups, clusters, the kinds routes and ACLs
      // follow), kept between commits: a pass over records nothing changed reads none of them again.
      const views = new MergedViews(new CachedReads(store));
      // CloudWatch Logs (logs.db): log delivery settings are checked against its groups.
      logs = openServiceLogs({ config, path: paths.logs, logger: logger.child({ component: 'logs' }), now });
      const services: Services = {
        config, store, views, events, engines, installation, logger, now, kick: () => reconciler?.kick(), logDelivery: logs.access, backups: {
          keys, storage, archiveCoverage: (prefix, at) => archiveCoverage(storage.snapshots, prefix, at),
          archiveShards: async (root) => [...new Set((await storage.snapshots.list(root)).map((o) => o.key.slice(root.length).split('/')[0]!))],
        },
      };
      await ensureBuiltIns(services);
      const engineLog = logger.child({ component: 'engine' });
      const provider = new LocalProcessProvider({ nodesDir: paths.nodes, logger: engineLog, ...(owner ? { owner } : {}) });
      logger.info({ nodeUser: nodeUser?.name ?? 'the service\'s own', uid: owner?.uid ?? process.getuid?.() }, 'the user cache nodes run as');
      // The control plane's own ACL user on every node, and the CA for nodes with TLS in transit.
      const security = await NodeSecurity.load(config.dataDir, owner ? { owner } : {});
      // One TLS setting for every listener of the control plane (the API; later metrics, a console).
      const listenerTls = config.tls.enabled
        ? await loadListenerTls(config.dataDir, security.ca, config.host, {
          ...(config.tls.certFile ? { certFile: config.tls.certFile } : {}), ...(config.tls.keyFile ? { keyFile: config.tls.keyFile } : {}),
        })
        : undefined;
      if (listenerTls) logger.info({ certificate: listenerTls.certFile, from: listenerTls.source }, 'the API serves HTTPS');
      const admin = new AdminPool({
        logger: engineLog, connection: (address, port) => security.connection(address, port), localAddress: installation.managementAddress,
      });
      const router = await createEndpointRouter({
        mode: config.routerMode, table: routeTableName(config.dataDir), stateDir: paths.endpoints,
        logger: logger.child({ component: 'endpoints' }),
        // Nodes of their own user: their connections (MIGRATE's among them) pass the source filters.
        ...(owner && owner.uid !== process.getuid?.() ? { nodeUid: owner.uid } : {}),
      });
      const monitor = new HealthMonitor(admin, provider, {
        ...DEFAULT_MONITOR_OPTIONS,
        intervalMs: config.healthIntervalMs, idleIntervalMs: config.healthIdleIntervalMs, timeoutMs: config.healthTimeoutMs, downAfter: config.healthDownAfter,
        flapWindowMs: config.flapWindowMs,
      }, () => reconciler?.kick(), logger.child({ component: 'health' }));
      const reconcilerLog = logger.child({ component: 'reconciler' });
      // Metrics: a store of their own (metrics.db), collected on their own loop over the admin connections.
      metrics = assembleMetrics({ config, path: paths.metrics, views, admin, events: store, logger: logger.child({ component: 'metrics' }) });
      const own = metrics.own;
      monitor.onCheck = (_key, outcome) => own.healthCheck(outcome);
      // The one owner of routes and filters: the reconciler's passes and both failover runners use it.
      const { credentials, created } = ensureCredentials(paths.credentials, now());
      // IAM authentication of Redis connections: a detached gateway in front of the endpoints of
      // groups with IAM users (src/gateway), fed with the keys and policies through its config file.
      // Path `node` (the default): the nodes check IAM logins with the IAM auth module, which asks
      // the verifier in that same detached process; nothing stands between clients and nodes.
      const verifier = { socket: verifierSocketPath(config.dataDir, owner?.gid), ...(owner ? { nodeGid: owner.gid } : {}) };
      if (config.iamAuthPath === 'node') {
        if (existsSync(IAM_MODULE_BUILD_PATH)) {
          security.iamModule = { buildPath: IAM_MODULE_BUILD_PATH, socket: verifier.socket, maxConnectionMs: config.iamConnectionMaxMs };
        } else {
          reconcilerLog.warn({ module: IAM_MODULE_BUILD_PATH }, 'the IAM auth module is not built (npm run build, or scripts/setup.sh, builds it): ' +
            'IAM logins are refused on every node');
        }
      }
      const gateway = new IamGateway({
        dir: paths.iamGateway, store: views.reads, ca: security.ca, rootKeys: () => credentials.keys,
        accountId: installation.accountId, region: installation.region, logger: reconcilerLog,
        maxConnectionMs: config.iamConnectionMaxMs, path: config.iamAuthPath, verifier,
      });
      const network = new EndpointNetwork({
        store, views, router, logger: reconcilerLog, gateway,
        ...(installation.managementAddress ? { managementAddress: installation.managementAddress } : {}),
      });
      // Backups: loaders a killed service left are stopped first; the controller resumes what was under way.
      const backupLog = logger.child({ component: 'backups' });
      await clearRestoreWork(paths.restores, backupLog);
      const snapshotIO = serviceSnapshotIO({
        storage, keys, engines, workDir: paths.restores, ca: security.ca, logger: backupLog,
        ...(owner ? { nodeUser: owner } : {}), ...(installation.managementAddress ? { localAddress: installation.managementAddress } : {}),
      });
      const pitrLog = logger.child({ component: 'pitr' });
      await clearPointInTimeWork(paths.pitrLoaders, pitrLog);
      const pitr = servicePointInTimeIO({
        store: storage.snapshots, keys, redisServer: engines[0]!.binary, workDir: paths.pitrLoaders, flushIntervalMs: config.pitrFlushMs,
        logger: pitrLog, ...(owner ? { nodeUser: owner } : {}),
        ...(installation.managementAddress ? { localAddress: installation.managementAddress } : {}),
      });
      reconciler = new Reconciler(
        { store, views, provider, admin, network, events, engines, logger: reconcilerLog, now, monitor, security,
          nodeKeyOf: (c) => nodeKey(c.id, c.nodes[0]?.id ?? '0001'), backups: { svc: services, io: snapshotIO, pitr },
          // Serverless caches: data storage is sampled once a metrics period (GB-hours).
          serverless: { dataDir: config.dataDir, usageSampleMs: config.metricsPeriodMs, scaling: { settings: config.serverlessScaling, svc: services },
            ...(config.serverlessEngineScript ? { mainScript: config.serverlessEngineScript } : {}), metrics: metrics.store,
            ...(config.serverlessEngineWorkers ? { workers: config.serverlessEngineWorkers } : {}),
            ...(installation.managementAddress ? { managementAddress: installation.managementAddress } : {}) },
          onPass: (ms) => own.reconcilePass(ms) },
        { intervalMs: config.reconcileIntervalMs, fastIntervalMs: config.fastReconcileIntervalMs,
          settledObserveIntervalMs: config.settledObserveIntervalMs, driftCheckIntervalMs: config.driftCheckIntervalMs,
          stuckLinkMs: config.stuckLinkMs },
      );
      if (created) {
        logger.info({ file: paths.credentials, accessKeyId: credentials.keys[0]!.accessKeyId },
          'created the admin access key; `cachefleet credentials --data-dir <dir>` prints it');
      }
      if (config.acceptAnyCredentials) {
        logger.warn({ acceptAnyCredentials: true },
          'INSECURE: --insecure-accept-any-credentials is on: API requests signed with any access key are accepted ' +
          'without checking the signature. Use it only for development, never where the API can be reached by others.');
      }
      const apiLog = logger.child({ component: 'api' });
      const directory = await IamDirectory.load(store, installation.accountId);
      const adminSecret = secretLookup(credentials);
      const isRootKey = (id: string) => adminSecret(id) !== undefined;
      // CloudWatch, SNS and the Logs dispatch (issue 13); its URL is known once the API listens.
      let apiUrl = '';
      const monitoring = await startMonitoring({
        dataDir: config.dataDir, store, now, logger: logger.child({ component: 'monitoring' }),
        scope: { accountId: installation.accountId, region: installation.region }, baseUrl: () => apiUrl,
        alarmIntervalMs: config.alarmIntervalMs, events, metrics: metrics.store, logs: logs.store,
      });
      // Alarms on the collected metrics evaluate as their data arrives (custom metrics: as PutMetricData stores them).
      metrics.collector.onData(monitoring.alarms.onData);
      const api = createApiServer({
        actions: buildRegistry(services), ec2Actions: buildEc2Registry(services), logger: apiLog,
        services: monitoring.services, rpcOnly: monitoring.rpcOnly, files: monitoring.files,
        iamActions: buildIamRegistry({ directory, now }),
        iamResources: iamResources({
          userPath: (name) => directory.user(name)?.path,
          groupPath: (name) => directory.group(name)?.path,
          userOfKey: (id) => directory.accessKey(id)?.userName,
        }),
        arnScope: { accountId: installation.accountId, region: installation.region },
        beforeAction: createAuthenticator({
          secretFor: (id) => adminSecret(id) ?? directory.activeSecret(id), now, acceptAnyCredentials: config.acceptAnyCredentials, logger: apiLog,
        }),
        authorize: createAuthorizer({
          directory, isRootKey, region: installation.region, now, logger: apiLog,
          resourceTags: (arn) => resourceTagsOf(store, arn),
        }),
        ...(listenerTls ? { https: { cert: listenerTls.cert, key: listenerTls.key } } : {}),
        // The web console (src/console/) signs in with the same keys and calls the same pipeline.
        mount: consoleMount({
          secretFor: (id) => adminSecret(id) ?? directory.activeSecret(id), secure: listenerTls !== undefined,
          // Kept in the state store: a restart of the control plane signs nobody out.
          sessions: new SessionStore({ records: store.consoleSessions }),
          caCert: () => readOptional(paths.caCert), logger: logger.child({ component: 'console' }),
        }),
      });
      metrics.attach(api);
      await api.listen({ host: config.host, port: config.port });
      const service = new CachefleetService(config, services, reconciler, monitor, api, provider, admin, router, gateway, releaseDataDir, storage, metrics, monitoring, logs);
      apiUrl = service.url;
      monitoring.start();
      // Events a stopped control plane stored but had not delivered are logged and notified now,
      // once the notifier listens and SNS can sign (its certificate URL is the API's).
      await events.resume();
      claimDataDir(config.dataDir, {
        host: config.host, port: Number(new URL(service.url).port), scheme,
        ...(installation.managementAddress ? { managementAddress: installation.managementAddress } : {}),
      });
      await metrics.start(listenerTls ? { cert: listenerTls.cert, key: listenerTls.key } : undefined);
      if (metrics.listenerUrl()) logger.info({ url: `${metrics.listenerUrl()}/metrics` }, 'metrics listener');
      reconciler.start();
      monitor.start();
      logs.start({ views, admin, nodesDir: paths.nodes });
      logger.info({ url: service.url, dataDir: config.dataDir, router: router.kind, engines: engines.map((e) => `${e.version} (${e.binary})`) },
        `cachefleet listening on ${service.url}`);
      logger.info({ url: `${service.url}/console/` }, `web console on ${service.url}/console/`);
      return service;
    } catch (err) {
      await metrics?.stop().catch(() => undefined);
      await logs?.stop().catch(() => undefined);
      await store.close();
      releaseDataDir();
      throw err;
    }
  }

  /**
   * Stops the API and the reconciler. Nodes and endpoints keep running (a later start adopts
   * them) unless `stopNodes`, which stops every node process and removes the endpoint routes.
   */
  async stop(opts: { stopNodes?: boolean } = {}): Promise<void> {
    const log = this.services.logger;
    await this.api.close();
    await this.monitoring.stop();
    await this.logs.stop();
    await this.metrics.stop();
    this.monitor.stop();
    await this.reconciler.stop();
    if (opts.stopNodes ?? this.config.stopNodesOnExit) {
      const clusters = await this.services.store.list('cacheCluster');
      await Promise.all(clusters.flatMap(({ doc: c }) => c.nodes.map((n) => this.provider.stop(nodeKey(c.id, n.id)))));
      await this.router.teardown();
      await this.gateway.teardown();
      log.info({ nodes: clusters.length }, 'stopped every cache node and removed the endpoint routes');
    } else {
      log.info('control plane stopped; cache nodes and endpoints keep serving');
    }
    await this.admin.closeAll();
    await this.services.events.close();
    this.snapshotFiles.close();
    await this.services.store.close();
    this.releaseDataDir();
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
