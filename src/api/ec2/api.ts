// The EC2 API subset on the service's endpoint: a request whose Version is 2016-11-15 is an EC2
// request (its credential scope names `ec2`); it is decoded, answered and refused the EC2 way.
import { AwsError } from '../../errors/index.js';
import type { ActionRegistry, QueryApi } from '../types.js';
import { decodeEc2Input } from './decode.js';
import { ec2Resources } from './resources.js';
import { encodeEc2Error, encodeEc2Result } from './encode.js';
import { EC2_API_VERSION, getEc2Operation } from './model.js';

export const EC2_SIGNING_SERVICE = 'ec2';

/** True when the request's Version parameter selects the EC2 API. */
export function isEc2Version(version: string | undefined): boolean {
  return version === EC2_API_VERSION;
}

export function createEc2Api(actions: ActionRegistry): QueryApi {
  return {
    signingService: EC2_SIGNING_SERVICE,
    actionPrefix: 'ec2',
    deniedCode: 'UnauthorizedOperation',
    resourcesOf: ec2Resources,
    actions,
    hasOperation: (action) => getEc2Operation(action) !== undefined,
    decode: (action, params) => decodeEc2Input(getEc2Operation(action)!, params),
    encodeResult: (action, output, requestId) => encodeEc2Result(action, output, requestId),
    encodeError: (err, requestId) => ({
      // EC2 answers client errors with 400 (the query protocol's 404 for a malformed query
      // string included); authentication failures keep their 403, server errors their 5xx.
      status: err.httpStatus === 404 ? 400 : err.httpStatus,
      body: encodeEc2Error(err, requestId),
    }),
    invalidAction: (action) => new AwsError('InvalidAction', `The action ${action} is not valid for this web service ` +
      '(cachefleet serves the EC2 security group, network interface and tag actions only).', 400),
    notImplemented: (action) => new AwsError('InvalidAction',
      `The action ${action} is part of the EC2 API but cachefleet serves only its security group, network interface and tag actions.`, 400),
  };
}
