import { FAULTS, type FaultName } from './faults.js';

/**
 * An error the API returns to the caller as an AWS `<ErrorResponse>`.
 * `code` and `httpStatus` come from the ElastiCache model (see {@link fault}) or, for the
 * errors every Query-protocol service shares, from {@link CommonErrors}.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly senderFault = true,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AwsError';
  }
}

/** An error shape of the ElastiCache model, with the code and HTTP status the model gives it. */
export function fault(name: FaultName, message: string): AwsError {
  const f = FAULTS[name];
  return new AwsError(f.code, message, f.httpStatus, f.senderFault);
}

/** Errors common to all AWS Query-protocol services (not listed in the service model). */
export const CommonErrors = {
  missingAction: () => new AwsError('MissingAction', 'The request must contain the parameter Action.', 400),
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400),
  invalidParameterValue: (message: string) => fault('InvalidParameterValueException', message),
  invalidParameterCombination: (message: string) => fault('InvalidParameterCombinationException', message),
  malformedQueryString: (message: string) => new AwsError('MalformedQueryString', message, 404),
  invalidQueryParameter: (message: string) => new AwsError('InvalidQueryParameter', message, 400),
  notImplemented: (action: string) =>
    new AwsError('InvalidAction', `The action ${action} is part of the ElastiCache API but cachefleet does not implement it yet.`, 400),
  requestEntityTooLarge: (limitBytes: number) =>
    new AwsError('RequestEntityTooLarge', `The request body is larger than the limit of ${limitBytes} bytes.`, 413),
  // Authentication (Signature Version 4): AWS's codes and words, every one a 403.
  missingAuthenticationToken: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignature', message, 403),
  invalidClientTokenId: () =>
    new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  signatureDoesNotMatch: (message = 'The request signature we calculated does not match the signature you provided. ' +
    'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.') =>
    new AwsError('SignatureDoesNotMatch', message, 403),
  requestExpired: () => new AwsError('RequestExpired', 'Request has expired.', 403),
  internal: (cause: unknown) =>
    new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500, false, { cause }),
} as const;

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
