import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyUserMessage, User } from '../model/shapes.js';
import { presentUser } from '../present/user.js';
import { retryOnConflict } from '../../resources/commit.js';
import { checkEngine, checkIamIdentity, normalizeAccessString, requireUser, resolveAuthentication } from '../../resources/users.js';
import { userIsDeployed } from '../../resources/user-groups.js';
import { bumped, mergeUser, userSpecOf, userSpecWrite, type UserRecord } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * Changes a user's access string (AccessString replaces it, AppendAccessString adds rules to it)
 * or its passwords (Passwords, NoPasswordRequired, AuthenticationMode): its spec half only. A
 * user deployed to replication groups gets a new generation and is `modifying` until the
 * reconciler has seen its new ACL on every node (applied live with ACL SETUSER: connections stay
 * open and get the new permissions at once).
 */
export default defineAction<ModifyUserMessage, User>('ModifyUser', async (input, svc) => retryOnConflict(async () => {
  const view = await requireUser(svc, input.UserId);
  const u = view.doc;
  checkEngine(input.Engine, false);
  if (u.builtIn) {
    throw CommonErrors.invalidParameterValue(
      `The built-in user ${u.userId} cannot be modified. Create a user with the user name 'default' and put it in your user groups instead.`);
  }
  if (input.AccessString !== undefined && input.AppendAccessString !== undefined) {
    throw CommonErrors.invalidParameterCombination('AccessString and AppendAccessString cannot be used together.');
  }
  let accessString = u.accessString;
  if (input.AccessString !== undefined) accessString = normalizeAccessString(input.AccessString);
  if (input.AppendAccessString !== undefined) {
    normalizeAccessString(input.AppendAccessString, 'AppendAccessString');
    accessString = normalizeAccessString(`${u.accessString} ${input.AppendAccessString}`, 'AppendAccessString');
  }
  let authentication = resolveAuthentication(input) ?? u.authentication;
  // Type iam again on an IAM user changes nothing: its node secret stays (the gateway's logins go on).
  if (authentication.type === 'iam' && u.authentication.type === 'iam') authentication = { ...u.authentication };
  checkIamIdentity(authentication, u.userId, u.userName);
  if (input.AccessString === undefined && input.AppendAccessString === undefined && authentication === u.authentication) {
    throw CommonErrors.invalidParameterCombination(
      'No modifications were requested: give AccessString, AppendAccessString, Passwords, NoPasswordRequired or AuthenticationMode.');
  }
  if (u.status !== 'active') throw fault('InvalidUserStateFault', `User ${u.userId} is ${u.status}; it can be modified only when active.`);
  const next: UserRecord = { ...u, accessString, authentication };
  const changed = [
    ...(accessString !== u.accessString ? ['AccessString'] : []),
    ...(JSON.stringify(authentication) !== JSON.stringify(u.authentication) ? ['Authentication'] : []),
  ];
  if (changed.length === 0) return presentUser(u);
  const spec = userSpecOf((await userIsDeployed(svc, u)) ? bumped(next) : next);
  await svc.store.commit(userSpecWrite(view, spec));
  await svc.events.emit('user', u.userId, `User ${u.userId} modified: ${changed.join(', ')}`);
  svc.kick();
  return presentUser(mergeUser(spec, view.status));
}));
