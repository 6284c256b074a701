// CloudWatch (`monitoring`) on the service's endpoint: the model subset generated from botocore's
// (scripts/gen-cloudwatch-model.mjs), spoken over Query (Version 2010-08-01), AWS JSON 1.0 with
// awsQueryCompatible errors, and Smithy RPC v2 CBOR, as its model lists.
import service from './model/service.json' with { type: 'json' };
import type { ServiceModelJson } from '../codec/model.js';
import { createServiceApis, type ServiceApis } from '../service-api.js';
import type { ActionRegistry } from '../types.js';
import { CloudWatchErrors } from './errors.js';
import { FAULTS } from './faults.js';
import { cloudWatchResources } from './resources.js';

export const CLOUDWATCH_SIGNING_SERVICE = 'monitoring';

export function createCloudWatchApis(actions: ActionRegistry): ServiceApis {
  return createServiceApis({
    label: 'CloudWatch', model: service as ServiceModelJson, faults: FAULTS, namespace: 'com.amazonaws.cloudwatch',
    signingService: CLOUDWATCH_SIGNING_SERVICE, actionPrefix: 'cloudwatch',
    invalidValue: CloudWatchErrors.invalidParameterValue,
    missingParameter: (path) => CloudWatchErrors.missingParameter(path),
    resourcesOf: cloudWatchResources,
  }, actions);
}
