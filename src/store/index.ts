export * from './records.js';
export * from './iam-records.js';
export * from './types.js';
export { SqliteStore } from './sqlite-store.js';
export * from './views.js';
export * from './view-writes.js';
export * from './presented.js';
export * from './snapshot-views.js';
export { splitLegacyRecords } from './split-migration.js';
