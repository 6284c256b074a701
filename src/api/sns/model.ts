// SNS on the service's endpoint: the model subset generated from botocore's
// (scripts/gen-sns-model.mjs), Query protocol only (Version 2010-03-31).
import service from './model/service.json' with { type: 'json' };
import type { ServiceModelJson } from '../codec/model.js';
import { createServiceApis, type ServiceApis } from '../service-api.js';
import type { ActionRegistry } from '../types.js';
import { SnsErrors } from './errors.js';
import { FAULTS } from './faults.js';
import { snsResources } from './resources.js';

export const SNS_SIGNING_SERVICE = 'sns';

export function createSnsApis(actions: ActionRegistry): ServiceApis {
  return createServiceApis({
    label: 'SNS', model: service as ServiceModelJson, faults: FAULTS, namespace: 'com.amazonaws.sns',
    signingService: SNS_SIGNING_SERVICE, actionPrefix: 'sns',
    invalidValue: SnsErrors.invalidParameter,
    missingParameter: (path) => SnsErrors.invalidParameter(`Invalid parameter: ${path} Reason: the parameter is required`),
    resourcesOf: snsResources,
    // The SubscribeURL of a confirmation is visited by the receiver, without credentials (as SNS allows).
    anonymousActions: ['ConfirmSubscription'],
  }, actions);
}
