/**
 * CloudWatch Logs assembled for the service: its store (logs.db in the data directory), the access
 * ElastiCache's handlers and describe calls have to it (Services.logDelivery), and the log delivery
 * controller reading each node's slow log over the service's admin connections and its redis.log
 * from its node directory.
 */
import type { LogDeliveryAccess, ServiceConfig } from '../core/index.js';
import type { AdminPool } from '../engine/admin.js';
import { LogDeliveryController, LogStore, type DeliveryTarget } from '../logs/index.js';
import { nodePaths } from '../paths/index.js';
import { nodeKey } from '../resources/naming.js';
import type { MergedViews } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export interface ServiceLogs {
  store: LogStore;
  access: LogDeliveryAccess;
  /** Starts the controller once the views and admin connections are there. */
  start(d: { views: MergedViews; admin: AdminPool; nodesDir: string }): void;
  stop(): Promise<void>;
}

export function openServiceLogs(d: { config: ServiceConfig; path: string; logger: Logger; now: () => Date }): ServiceLogs {
  const store = new LogStore(d.path, { offThreadCheckpoints: true });
  let controller: LogDeliveryController | undefined;
  const access: LogDeliveryAccess = {
    logGroupExists: (name) => store.group(name) !== undefined,
    observed: (cacheClusterId, logType) => store.deliveries.observation(cacheClusterId, logType),
  };
  return {
    store, access,
    start({ views, admin, nodesDir }) {
      const targets = async (): Promise<DeliveryTarget[]> => (await views.clusters())
        .filter((c) => !c.doc.deleteRequested && c.doc.logDelivery?.length)
        .map((c) => ({
          cacheClusterId: c.id, configs: c.doc.logDelivery!,
          nodes: c.doc.nodes.map((n) => ({ cacheNodeId: n.id, nodeKey: nodeKey(c.id, n.id), address: n.address, port: n.port })),
        }));
      controller = new LogDeliveryController({
        logs: store, targets, now: () => d.now().getTime(), logger: d.logger, intervalMs: d.config.logDeliveryIntervalMs,
        reader: {
          async slowlog(n) {
            const client = await admin.ready(n.address, n.port);
            const runId = async () => /run_id:(\w+)/.exec(String(await client.info('server')))?.[1] ?? '';
            const before = await runId();
            const reply = await client.call('SLOWLOG', 'GET', '-1');
            // A restart between the reads would pair one run's entries with another's id: read again next pass.
            if (!before || before !== await runId()) throw new Error('the node restarted while its slow log was read');
            return { runId: before, reply };
          },
          engineLogPath: (n) => nodePaths(nodesDir, n.nodeKey).log,
        },
      });
      controller.start();
    },
    async stop() {
      await controller?.stop();
      await store.close();
    },
  };
}
