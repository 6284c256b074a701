import { defineLogsAction } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { DeleteLogGroupRequest } from '../model/shapes.js';

export default defineLogsAction<DeleteLogGroupRequest, void>('DeleteLogGroup', (input, deps) => {
  const group = deps.logs.group(input.logGroupName);
  if (!group) throw LogsErrors.groupNotFound();
  if (group.deletionProtection) {
    throw LogsErrors.validation(`Log group ${input.logGroupName} has deletion protection enabled; turn it off before deleting the group.`);
  }
  // Deliveries into the group go to `error` on the controller's next pass (the group is gone).
  if (!deps.logs.deleteGroup(input.logGroupName)) throw LogsErrors.groupNotFound();
});
