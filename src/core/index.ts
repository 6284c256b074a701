/**
 * What the API's handlers and the resources' functions share, below both: the {@link Services}
 * context (store, event sink, engines, installation, logger, clock), the service's configuration
 * it carries, and ElastiCache ARNs. Only types and pure helpers; the service (src/service/) builds
 * the real context at start.
 */
export { arn, parseArn, type ArnResourceType } from './arn.js';
export { defaultConfig, DEFAULT_PORT, DEFAULT_SERVERLESS_SCALING, type ServiceConfig, type ServerlessScalingSettings, type SnapshotS3Config } from './config.js';
export type { Services, LogDeliveryAccess } from './services.js';
export type { BackupAccess, KeyReference } from './backups.js';
