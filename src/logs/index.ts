/**
 * CloudWatch Logs' floor (issue 13): log groups, streams and events kept in logs.db, filter
 * patterns, and the delivery of each node's slow log and engine log into them.
 */
export type * from './types.js';
export { RETENTION_DAYS } from './types.js';
export { LogStore, type StreamRange, type GroupScan } from './store/log-store.js';
export { compileFilterPattern, FilterPatternError, type Matcher } from './filter-pattern.js';
export {
  LogDeliveryController, configKey, streamName, type DeliveryNode, type DeliveryTarget, type LogDeliveryOptions, type NodeLogReader,
} from './delivery/controller.js';
export { parseSlowlog, redactCommand, slowlogMessage, slowlogToShip, ADMIN_CLIENT_NAME, type SlowlogEntry } from './delivery/slow-log.js';
export { engineLogEvents, parseEngineLine } from './delivery/engine-log.js';
