// SNS's errors, with the Query codes, statuses and sides of botocore's model (faults.ts).
import { faultError } from '../service-api.js';
import { FAULTS } from './faults.js';

export const SnsErrors = {
  invalidParameter: (message: string) => faultError(FAULTS, 'InvalidParameterException', message),
  notFound: (message: string) => faultError(FAULTS, 'NotFoundException', message),
  topicNotFound: (arn: string) => faultError(FAULTS, 'NotFoundException', `Topic does not exist: ${arn}`),
  authorizationError: (message: string) => faultError(FAULTS, 'AuthorizationErrorException', message),
  topicLimitExceeded: () => faultError(FAULTS, 'TopicLimitExceededException', 'Topic limit exceeded'),
} as const;
