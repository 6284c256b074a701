// CloudWatch Logs (`logs`) on the service's endpoint: the model subset generated from botocore's
// (scripts/gen-logs-model.mjs), spoken over AWS JSON 1.1 only (X-Amz-Target Logs_20140328.<Op>),
// its errors as `__type` with the model's shape names.
import service from './model/service.json' with { type: 'json' };
import type { ServiceModelJson } from '../codec/model.js';
import { createServiceApis } from '../service-api.js';
import type { RpcApi } from '../types.js';
import { buildLogsRegistry } from './actions/registry.js';
import type { LogsDeps } from './deps.js';
import { LogsErrors } from './errors.js';
import { FAULTS } from './faults.js';
import { logsResources } from './resources.js';

export const LOGS_SIGNING_SERVICE = 'logs';

export function createLogsApi(deps: LogsDeps): RpcApi {
  const apis = createServiceApis({
    label: 'CloudWatch Logs', model: service as ServiceModelJson, faults: FAULTS, namespace: 'com.amazonaws.logs',
    signingService: LOGS_SIGNING_SERVICE, actionPrefix: 'logs',
    invalidValue: LogsErrors.invalidParameter,
    missingParameter: (path) => LogsErrors.invalidParameter(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`),
    resourcesOf: logsResources,
  }, buildLogsRegistry(deps));
  return apis.rpc!;
}
