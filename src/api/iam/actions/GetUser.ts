import { defineIamAction, requireUser, targetUserName } from '../deps.js';
import type { GetUserRequest, GetUserResponse } from '../model/shapes.js';
import { presentUser } from '../present.js';

/** The user named, or without UserName the caller's own. */
export default defineIamAction<GetUserRequest, GetUserResponse>('GetUser', (input, deps, ctx) => {
  const user = requireUser(deps.directory.snapshot, targetUserName(input, deps, ctx));
  return { User: presentUser(user.doc, deps.directory, true) };
});
