import { RETENTION_DAYS } from '../../../logs/index.js';
import { defineLogsAction } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { PutRetentionPolicyRequest } from '../model/shapes.js';

export default defineLogsAction<PutRetentionPolicyRequest, void>('PutRetentionPolicy', (input, deps) => {
  if (!RETENTION_DAYS.includes(input.retentionInDays)) {
    throw LogsErrors.invalidParameter(`1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: ` +
      `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
  if (!deps.logs.setRetention(input.logGroupName, input.retentionInDays)) throw LogsErrors.groupNotFound();
  // Events already past the new retention go now, not at the next sweep.
  deps.logs.expire(deps.now().getTime());
});
