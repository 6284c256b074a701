// CloudWatch Logs' errors, with the codes, statuses and sides of botocore's model (faults.ts); on
// the wire (AWS JSON 1.1) each is `{"__type": "<shape>", "message": …}`.
import { faultError } from '../service-api.js';
import { FAULTS } from './faults.js';

export const LogsErrors = {
  invalidParameter: (message: string) => faultError(FAULTS, 'InvalidParameterException', message),
  alreadyExists: (message: string) => faultError(FAULTS, 'ResourceAlreadyExistsException', message),
  notFound: (message: string) => faultError(FAULTS, 'ResourceNotFoundException', message),
  groupNotFound: () => faultError(FAULTS, 'ResourceNotFoundException', 'The specified log group does not exist.'),
  streamNotFound: () => faultError(FAULTS, 'ResourceNotFoundException', 'The specified log stream does not exist.'),
  validation: (message: string) => faultError(FAULTS, 'ValidationException', message),
  limitExceeded: (message: string) => faultError(FAULTS, 'LimitExceededException', message),
} as const;
