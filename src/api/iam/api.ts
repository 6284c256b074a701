// The IAM API subset on the service's endpoint: a request whose Version is 2010-05-08 is an IAM
// request (its credential scope names `iam`; any region is accepted, clients sign IAM for
// us-east-1). Query protocol in, XML out, as ElastiCache; bad input is a ValidationError.
import { AwsError, CommonErrors } from '../../errors/index.js';
import { IamErrors } from '../../iam/index.js';
import { decodeInput, type QueryDialect } from '../codec/query-decode.js';
import { encodeError, encodeResult } from '../codec/xml-encode.js';
import type { ActionRegistry, QueryApi } from '../types.js';
import { IAM_API_VERSION, IAM_MODEL } from './model.js';
import { iamResources, type IamResourcesOf } from './resources.js';

export const IAM_SIGNING_SERVICE = 'iam';

export function isIamVersion(version: string | undefined): boolean {
  return version === IAM_API_VERSION;
}

const IAM_DIALECT: QueryDialect = {
  model: IAM_MODEL,
  invalidValue: (message) => IamErrors.validation(message),
  missingParameter: (path) => IamErrors.validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`),
};

export function createIamApi(actions: ActionRegistry, resourcesOf: IamResourcesOf = iamResources()): QueryApi {
  return {
    signingService: IAM_SIGNING_SERVICE,
    actionPrefix: 'iam',
    deniedCode: 'AccessDenied',
    resourcesOf,
    actions,
    hasOperation: (action) => IAM_MODEL.getOperation(action) !== undefined,
    decode: (action, params) => decodeInput(action, params, IAM_DIALECT),
    encodeResult: (action, output, requestId) => encodeResult(action, output, requestId, IAM_MODEL),
    encodeError: (err, requestId) => ({ status: err.httpStatus, body: encodeError(err, requestId, IAM_MODEL) }),
    invalidAction: (action) => new AwsError('InvalidAction', `The action ${action} is not valid for this web service ` +
      '(cachefleet serves the IAM user, group, access key and inline policy actions only).', 400),
    notImplemented: (action) => CommonErrors.invalidAction(action),
  };
}
