import { CommonErrors } from '../errors/index.js';
import type { ParameterDef } from './parameter-types.js';
import { REDIS7_PARAMETERS } from './parameters-redis7.js';

const TABLES: Readonly<Record<string, readonly ParameterDef[]>> = { redis7: REDIS7_PARAMETERS };

/** The cache parameter group families cachefleet has parameter definitions for. */
export const FAMILIES: readonly string[] = Object.freeze(Object.keys(TABLES));

export function familyParameters(family: string): readonly ParameterDef[] | undefined {
  return Object.hasOwn(TABLES, family) ? TABLES[family] : undefined;
}

export function findParameter(family: string, name: string): ParameterDef | undefined {
  return familyParameters(family)?.find((d) => d.ParameterName === name);
}

export function requireFamily(family: string): readonly ParameterDef[] {
  const defs = familyParameters(family);
  if (!defs) throw CommonErrors.invalidParameterValue(`Invalid cache parameter group family: ${family}`);
  return defs;
}

/** A built-in parameter group, as DescribeCacheParameterGroups names and describes it. */
export interface DefaultParameterGroup {
  CacheParameterGroupName: string;
  CacheParameterGroupFamily: string;
  Description: string;
  IsGlobal: false;
  /** The values in which it differs from the family defaults. */
  values: Readonly<Record<string, string>>;
}

export const DEFAULT_PARAMETER_GROUPS: readonly DefaultParameterGroup[] = Object.freeze([
  {
    CacheParameterGroupName: 'default.redis7',
    CacheParameterGroupFamily: 'redis7',
    Description: 'Default parameter group for redis7',
    IsGlobal: false,
    values: Object.freeze({}),
  },
  {
    CacheParameterGroupName: 'default.redis7.cluster.on',
    CacheParameterGroupFamily: 'redis7',
    Description: 'Customized default parameter group for redis7 with cluster mode on',
    IsGlobal: false,
    values: Object.freeze({ 'cluster-enabled': 'yes' }),
  },
]);

/** The name of the default group ElastiCache picks for a family: "default.redis7" or "default.redis7.cluster.on". */
export function defaultParameterGroupName(family: string, clusterEnabled = false): string {
  return `default.${family}${clusterEnabled ? '.cluster.on' : ''}`;
}

/** Parameters ElastiCache returns per node type in CacheNodeTypeSpecificParameters (none modifiable). */
export const NODE_TYPE_SPECIFIC_NAMES: ReadonlySet<string> = new Set([
  'client-output-buffer-limit-replica-hard-limit',
  'client-output-buffer-limit-replica-soft-limit',
  'maxmemory',
]);
