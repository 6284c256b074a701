// The create form's pickers (pure: tested on plain data): which parameter groups fit the chosen
// engine version, the security groups offered, each named as the EC2 console names it, and the user groups.
import type { SecurityGroup, UserGroup } from './types.js';

export interface EngineChoice { Engine?: string; EngineVersion?: string; CacheParameterGroupFamily?: string }
export interface ParameterGroupChoice { name: string; family?: string }
export interface SecurityGroupChoice { id: string; label: string }

/**
 * The parameter group family of `engine` at `version`; with no version ("Default"), the family of
 * the version the service picks, its newest (DescribeCacheEngineVersions lists oldest first).
 */
export function familyOfChoice(engines: readonly EngineChoice[], engine: string, version: string): string | undefined {
  const ofEngine = engines.filter((e) => e.Engine === engine);
  const chosen = version ? ofEngine.find((e) => e.EngineVersion === version) : ofEngine[ofEngine.length - 1];
  return chosen?.CacheParameterGroupFamily;
}

/**
 * The groups of `family` (all of them while the family is unknown, e.g. before the engines
 * load). Whether a group's cluster-enabled suits the cluster mode chosen is the API's to say:
 * its message is shown beside the field.
 */
export function parameterGroupsOf(groups: readonly ParameterGroupChoice[], family: string | undefined): ParameterGroupChoice[] {
  return family ? groups.filter((g) => g.family === family) : [...groups];
}

/** `value` while it is among `offered`, else '' (the default): a group of another family is not kept. */
export function keepIfOffered(value: string, offered: readonly string[]): string {
  return offered.includes(value) ? value : '';
}

/** Security groups by name, each as `name (sg-…)`; the VPC's `default` group first, as EC2's console lists it. */
export function securityGroupChoices(groups: readonly SecurityGroup[]): SecurityGroupChoice[] {
  return groups.filter((g) => g.GroupId)
    .map((g) => ({ id: g.GroupId!, name: g.GroupName ?? '' }))
    .sort((a, b) => Number(b.name === 'default') - Number(a.name === 'default') || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((g) => ({ id: g.id, label: g.name ? `${g.name} (${g.id})` : g.id }));
}

/** `chosen` with `id` added (after those chosen before it) or removed. */
export function toggleChoice(chosen: readonly string[], id: string, on: boolean): string[] {
  return on ? [...new Set([...chosen, id])] : chosen.filter((x) => x !== id);
}

export interface UserGroupChoice { id: string; label: string }

/**
 * The user groups a redis cache can use (engine redis; valkey's are for valkey caches), by id.
 * One not active yet is offered with its status: the API says why it cannot be attached.
 */
export function userGroupChoices(groups: readonly UserGroup[]): UserGroupChoice[] {
  return groups.filter((g) => g.UserGroupId && (g.Engine ?? 'redis') === 'redis')
    .sort((a, b) => a.UserGroupId!.localeCompare(b.UserGroupId!))
    .map((g) => ({ id: g.UserGroupId!, label: g.Status && g.Status !== 'active' ? `${g.UserGroupId} (${g.Status})` : g.UserGroupId! }));
}
