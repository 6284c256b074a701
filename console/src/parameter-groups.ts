// What the Parameter groups pages send and show (pure: tested against the API's own decoder).
import type { Params } from './metric-queries.js';
import type { CacheParameterGroup, Parameter } from './types.js';

/** Built-in groups (`default.redis7`, …) are read-only, as on AWS: no edit, reset or delete. */
export function isBuiltIn(name: string | undefined): boolean {
  return (name ?? '').startsWith('default.');
}

/** The families a new group may take: those of the groups the service lists (its defaults among them), sorted. */
export function familiesOf(groups: readonly CacheParameterGroup[]): string[] {
  return [...new Set(groups.map((g) => g.CacheParameterGroupFamily).filter((f): f is string => !!f))].sort();
}

export interface ParameterGroupValues { name: string; family: string; description: string }

export function createParameterGroupParams(v: ParameterGroupValues): Params {
  return { CacheParameterGroupName: v.name.trim(), CacheParameterGroupFamily: v.family, Description: v.description.trim() || v.name.trim() };
}

/** ModifyCacheParameterGroup of one parameter (the API refuses all of a request for one bad value). */
export function modifyParameterParams(group: string, name: string, value: string): Params {
  return {
    CacheParameterGroupName: group,
    'ParameterNameValues.ParameterNameValue.1.ParameterName': name,
    'ParameterNameValues.ParameterNameValue.1.ParameterValue': value,
  };
}

/** ResetCacheParameterGroup: every parameter back to its family's default, or only `name`. */
export function resetParams(group: string, name?: string): Params {
  return name === undefined ? { CacheParameterGroupName: group, ResetAllParameters: 'true' }
    : { CacheParameterGroupName: group, 'ParameterNameValues.ParameterNameValue.1.ParameterName': name };
}

/** Parameters in name order; those set by the customer (`Source` user) first is not AWS's order, so plain name order. */
export function byName(list: readonly Parameter[]): Parameter[] {
  return [...list].sort((a, b) => (a.ParameterName ?? '').localeCompare(b.ParameterName ?? ''));
}

/** The choices of a parameter whose AllowedValues is a comma-separated list (`yes,no`), else undefined (a range or free text). */
export function choicesOf(p: Parameter): string[] | undefined {
  const allowed = p.AllowedValues ?? '';
  if (p.DataType !== 'string' || !allowed.includes(',') || /^\d/.test(allowed)) return undefined;
  return allowed.split(',').map((x) => x.trim()).filter(Boolean);
}
