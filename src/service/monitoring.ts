/**
 * CloudWatch, SNS and the CloudWatch Logs dispatch on the service's endpoint (issue 13), wired
 * together: the metric store the API reads and writes, the alarm controller evaluating on data
 * arrival and on a timer, SNS deliveries signed with the data directory's signing certificate
 * (served at SigningCertURL).
 *
 * The service passes its metrics.db store (src/metrics/store), the one the collector fills, so
 * collected and custom metrics are read and kept alike; without one (tests) an in-memory store.
 */
import { alarmDataFetch } from '../api/cloudwatch/alarm-data.js';
import { buildCloudWatchRegistry } from '../api/cloudwatch/actions/registry.js';
import { createCloudWatchApis } from '../api/cloudwatch/model.js';
import { createLogsApi } from '../api/logs/model.js';
import type { ServiceApis } from '../api/service-api.js';
import { buildSnsRegistry } from '../api/sns/actions/registry.js';
import { createSnsApis } from '../api/sns/model.js';
import type { ArnScope, RpcApi } from '../api/types.js';
import { AlarmController } from '../alarms/index.js';
import { MemoryMetricStore } from '../metrics/memory-store.js';
import type { MetricStore } from '../metrics/types.js';
import type { EventSink } from '../events/sink.js';
import type { LogStore } from '../logs/index.js';
import { elastiCacheNotifier, ensureSigningCertificate, pemSigner, SnsDelivery } from '../sns/index.js';
import type { StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export interface MonitoringOptions {
  dataDir: string;
  store: StateStore;
  metrics?: MetricStore;
  now: () => Date;
  logger: Logger;
  scope: ArnScope;
  /** The API's URL (SubscribeURL, UnsubscribeURL and SigningCertURL point at it). */
  baseUrl: () => string;
  /** Alarm evaluation period (default 10 s: alarms with 10-second periods fire within one). */
  alarmIntervalMs?: number;
  /** The event sink: ElastiCache events go to their group's or cluster's NotificationTopicArn. */
  events?: EventSink;
  /** CloudWatch Logs' store (logs.db), which the log delivery controller appends to. */
  logs: LogStore;
}

export interface Monitoring {
  services: ServiceApis[];
  rpcOnly: RpcApi[];
  files: () => ReadonlyMap<string, { contentType: string; body: string }>;
  alarms: AlarmController;
  delivery: SnsDelivery;
  start(): void;
  stop(): Promise<void>;
}

export async function startMonitoring(o: MonitoringOptions): Promise<Monitoring> {
  const metrics = o.metrics ?? new MemoryMetricStore();
  const cert = await ensureSigningCertificate(o.dataDir);
  const certPath = `/${cert.fileName}`;
  // The signer reads the URL at signing time: the port is known only once the API listens.
  const signer = { get certUrl() { return `${o.baseUrl()}${certPath}`; }, sign: (text: string) => pemSigner(cert.keyPem, '').sign(text) };
  const delivery = new SnsDelivery({ store: o.store, signer, baseUrl: o.baseUrl, now: o.now, logger: o.logger });
  const alarms = new AlarmController({
    store: o.store, fetch: alarmDataFetch(metrics, o.now),
    publish: async (arn, subject, message) => { await delivery.publish(arn, message, subject); },
    now: o.now, logger: o.logger, accountId: o.scope.accountId, region: o.scope.region, intervalMs: o.alarmIntervalMs ?? 10_000,
  });
  const cloudwatch = createCloudWatchApis(buildCloudWatchRegistry({
    store: o.store, metrics, now: o.now, scope: o.scope, kickAlarm: (n) => alarms.kick(n), onData: alarms.onData,
  }));
  const sns = createSnsApis(buildSnsRegistry({ store: o.store, delivery, now: o.now, scope: o.scope }));
  const unsubscribe = o.events?.subscribe(elastiCacheNotifier(o.store, (arn, message, subject) => delivery.publish(arn, message, subject), o.logger));
  const files = new Map([[certPath, { contentType: 'application/x-pem-file', body: cert.certPem }]]);
  return {
    services: [cloudwatch, sns], rpcOnly: [createLogsApi({ logs: o.logs, now: o.now, scope: o.scope })], files: () => files, alarms, delivery,
    start: () => alarms.start(),
    async stop() {
      unsubscribe?.();
      await alarms.stop();
      await delivery.stop();
      if (!o.metrics) await metrics.close();
    },
  };
}
