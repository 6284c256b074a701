// An API server with CloudWatch, SNS and the Logs dispatch over an in-memory state and metric
// store, an alarm controller on a settable clock and real SNS deliveries (signed with a key made
// for the test), for the unit tests of these services (not used at run time).
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AlarmController } from '../../alarms/index.js';
import { MemoryMetricStore } from '../../metrics/memory-store.js';
import { pemSigner, SnsDelivery } from '../../sns/index.js';
import { SqliteStore } from '../../store/index.js';
import { silentLogger } from '../../util/logger.js';
import { createApiServer } from '../http.js';
import type { Authorize } from '../types.js';
import { LogStore } from '../../logs/index.js';
import { createLogsApi } from '../logs/model.js';
import { buildSnsRegistry } from '../sns/actions/registry.js';
import { createSnsApis } from '../sns/model.js';
import { buildCloudWatchRegistry } from './actions/registry.js';
import { alarmDataFetch } from './alarm-data.js';
import { createCloudWatchApis } from './model.js';

export const SCOPE = { accountId: '123456789012', region: 'us-east-1' };

export interface MonitoringHarness {
  app: FastifyInstance;
  store: SqliteStore;
  logs: LogStore;
  metrics: MemoryMetricStore;
  alarms: AlarmController;
  delivery: SnsDelivery;
  /** The public key deliveries verify with (PEM). */
  publicKeyPem: string;
  clock: { nowMs: number };
  /** The server's base URL once `listen()` ran. */
  url: () => string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function monitoringHarness(opts: { nowMs?: number; deliveryDelayMs?: number; authorize?: Authorize } = {}): Promise<MonitoringHarness> {
  const clock = { nowMs: opts.nowMs ?? Date.now() };
  const now = () => new Date(clock.nowMs);
  const store = new SqliteStore(':memory:');
  const logs = new LogStore(':memory:');
  const metrics = new MemoryMetricStore();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let base = 'http://127.0.0.1:0';
  const delivery = new SnsDelivery({
    store, signer: pemSigner(keyPem, `${'http://127.0.0.1'}/SimpleNotificationService-test.pem`), baseUrl: () => base, now,
    logger: silentLogger, attempts: 3, baseDelayMs: opts.deliveryDelayMs ?? 20, timeoutMs: 2000,
  });
  const alarms = new AlarmController({
    store, fetch: alarmDataFetch(metrics, now), publish: async (arn, subject, message) => { await delivery.publish(arn, message, subject); },
    now, logger: silentLogger, accountId: SCOPE.accountId, region: SCOPE.region, intervalMs: 60_000,
  });
  const cw = createCloudWatchApis(buildCloudWatchRegistry({ store, metrics, now, scope: SCOPE, kickAlarm: (n) => alarms.kick(n), onData: alarms.onData }));
  const sns = createSnsApis(buildSnsRegistry({ store, delivery, now, scope: SCOPE }));
  const app = createApiServer({ actions: new Map(), services: [cw, sns], rpcOnly: [createLogsApi({ logs, now, scope: SCOPE })], arnScope: SCOPE,
    ...(opts.authorize ? { authorize: opts.authorize } : {}) });
  return {
    app, store, logs, metrics, alarms, delivery, clock,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    url: () => base,
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const addr = app.server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      return base;
    },
    async close() {
      await alarms.stop();
      await delivery.stop();
      await app.close();
      await store.close();
      logs.close();
    },
  };
}
