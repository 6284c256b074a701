// CloudWatch's errors, with the Query codes, statuses and sides of botocore's model (faults.ts).
import { faultError } from '../service-api.js';
import { FAULTS } from './faults.js';

export const CloudWatchErrors = {
  invalidParameterValue: (message: string) => faultError(FAULTS, 'InvalidParameterValueException', message),
  invalidParameterCombination: (message: string) => faultError(FAULTS, 'InvalidParameterCombinationException', message),
  missingParameter: (name: string) =>
    faultError(FAULTS, 'MissingRequiredParameterException', `The parameter ${name} is required.`),
  /** DescribeAlarms' and SetAlarmState's "no such alarm" (ResourceNotFound, 404). */
  alarmNotFound: (name: string) => faultError(FAULTS, 'ResourceNotFound', `Alarm ${name} does not exist.`),
  /** The tagging actions' "no such resource" (ResourceNotFoundException, 404). */
  resourceNotFound: (arn: string) => faultError(FAULTS, 'ResourceNotFoundException', `Resource ${arn} does not exist.`),
  limitExceeded: (message: string) => faultError(FAULTS, 'LimitExceededFault', message),
  invalidNextToken: () => faultError(FAULTS, 'InvalidNextToken', 'The NextToken is not valid (it must come from a previous answer of the same call).'),
  invalidFormat: (message: string) => faultError(FAULTS, 'InvalidFormatFault', message),
} as const;
