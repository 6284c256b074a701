import { CommonErrors, fault } from '../errors/index.js';
import { checkParameterModification, familyParameters, FAMILIES, findParameter, validateParameterValue } from '../catalog/parameters.js';
import type { Services } from '../core/index.js';
import type { CacheParameterGroupRecord } from '../store/index.js';
import { retryOnConflict } from './commit.js';
import { describeUsers, groupUsers, requireParameterGroup } from './lookups.js';

/** ElastiCache's quotas: 150 parameter groups per region; 20 parameters per modify request. */
export const MAX_PARAMETER_GROUPS = 150;
export const MAX_PARAMETERS_PER_REQUEST = 20;
const CLUSTER_ENABLED = 'cluster-enabled';

export function requireFamily(family: string): void {
  if (!familyParameters(family)) {
    throw CommonErrors.invalidParameterValue(
      `Invalid cache parameter group family: ${family}. This service supports: ${FAMILIES.join(', ')}.`);
  }
}

/** Built-in groups are ElastiCache's "customer default" tier: usable, never changed by the customer. */
export function assertNotBuiltIn(group: CacheParameterGroupRecord, verb: 'modified' | 'reset' | 'deleted'): void {
  if (group.builtIn) {
    throw fault('InvalidCacheParameterGroupStateFault',
      `Default cache parameter groups cannot be ${verb}: ${group.name} is built in. ` +
      `Create a cache parameter group of family ${group.family} and change that instead.`);
  }
}

/** Checks the size of a ParameterNameValues list and that no name is given twice; returns the names. */
export function checkParameterList(list: { ParameterName?: string }[]): string[] {
  if (list.length === 0 || list.length > MAX_PARAMETERS_PER_REQUEST) {
    throw CommonErrors.invalidParameterValue(
      `ParameterNameValues must list 1 to ${MAX_PARAMETERS_PER_REQUEST} parameters; it lists ${list.length}.`);
  }
  const names = list.map((p, i) => {
    if (!p.ParameterName) throw CommonErrors.invalidParameterValue(`ParameterNameValues member ${i + 1} has no ParameterName.`);
    return p.ParameterName;
  });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw CommonErrors.invalidParameterValue(`Parameter ${dup} is listed more than once.`);
  return names;
}

/**
 * Why setting `name` to `value` in `family` is refused, if it is. cluster-enabled is the one
 * parameter ElastiCache lets a customer change although it is fixed while a cluster uses the
 * group (checked at commit by {@link changeParameterGroup}), so only its value is checked here.
 */
export function modificationProblem(family: string, name: string, value: string): string | undefined {
  if (name === CLUSTER_ENABLED) {
    const def = findParameter(family, name);
    if (def) return validateParameterValue(def, value);
  }
  return checkParameterModification(family, name, value);
}

/** Why a parameter cannot be reset to its default, if it cannot (unknown or not modifiable). */
export function resetProblem(family: string, name: string): string | undefined {
  const def = findParameter(family, name);
  if (!def) return `Parameter ${name} does not exist in cache parameter group family ${family}.`;
  if (!def.IsModifiable && name !== CLUSTER_ENABLED) return `Parameter ${name} is not modifiable.`;
  return undefined;
}

function clusterEnabled(group: { family: string; values: Record<string, string> }): string | undefined {
  return group.values[CLUSTER_ENABLED] ?? findParameter(group.family, CLUSTER_ENABLED)?.ParameterValue;
}

/**
 * The shared tail of ModifyCacheParameterGroup and ResetCacheParameterGroup: computes the
 * group's new values from the current record (`change` validates and may throw), refuses
 * built-in groups and a cluster-enabled change on a group in use, stores the values with the
 * version bumped (the reconciler applies a group whose version moved to the nodes using it),
 * records the event and wakes the reconciler. Returns the group's name.
 */
export async function changeParameterGroup(svc: Services, name: string, verb: 'modified' | 'reset',
  change: (group: CacheParameterGroupRecord) => Record<string, string>): Promise<string> {
  const group = await retryOnConflict(async () => {
    const current = await requireParameterGroup(svc, name);
    assertNotBuiltIn(current.doc, verb);
    const next: CacheParameterGroupRecord = { ...current.doc, values: change(current.doc), version: current.doc.version + 1 };
    if (clusterEnabled(next) !== clusterEnabled(current.doc)) {
      const users = describeUsers(await groupUsers(svc, 'cacheParameterGroupName', next.name));
      if (users) {
        throw CommonErrors.invalidParameterValue(
          `The parameter ${CLUSTER_ENABLED} cannot be modified: cache parameter group ${next.name} is in use by ${users}.`);
      }
    }
    await svc.store.commit([
      { op: 'update', kind: 'cacheParameterGroup', id: current.id, doc: next, expectVersion: current.version }]);
    return next;
  });
  await svc.events.emit('cache-parameter-group', group.name, `Cache parameter group ${group.name} modified`);
  svc.kick();
  return group.name;
}
