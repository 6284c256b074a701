import { defineLogsAction } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { CreateLogGroupRequest } from '../model/shapes.js';

export default defineLogsAction<CreateLogGroupRequest, void>('CreateLogGroup', (input, deps) => {
  // The model's pattern, whole-name (the codec checks lengths, not patterns, of document input).
  if (!/^[.\-_/#A-Za-z0-9]+$/.test(input.logGroupName)) {
    throw LogsErrors.invalidParameter(`1 validation error detected: Value '${input.logGroupName}' at 'logGroupName' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  }
  // Events are kept in logs.db as written: a KMS key would promise an encryption cachefleet does not do.
  if (input.kmsKeyId !== undefined) {
    throw LogsErrors.invalidParameter('kmsKeyId is not supported by cachefleet: log groups are kept unencrypted in the data directory.');
  }
  const created = deps.logs.createGroup({
    name: input.logGroupName, createdMs: deps.now().getTime(), logGroupClass: input.logGroupClass ?? 'STANDARD',
    deletionProtection: input.deletionProtectionEnabled ?? false, tags: input.tags ?? {},
  });
  if (!created) throw LogsErrors.alreadyExists('The specified log group already exists');
});
