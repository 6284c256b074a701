import { NODE_TYPES, type NodeType } from './node-types.js';
import { NODE_TYPE_SPECIFIC_NAMES, findParameter, requireFamily } from './families.js';
import type { CacheNodeTypeSpecificParameterDef, ParameterDef } from './parameter-types.js';
import { parseRenameCommands } from './parameter-validation.js';

// The catalog's parameter API, in one module.
export type { CacheNodeTypeSpecificParameterDef, ParameterDef } from './parameter-types.js';
export {
  DEFAULT_PARAMETER_GROUPS,
  FAMILIES,
  defaultParameterGroupName,
  familyParameters,
  findParameter,
  type DefaultParameterGroup,
} from './families.js';
export {
  checkParameterModification,
  parseRenameCommands,
  validateParameterValue,
} from './parameter-validation.js';
export { RENAMEABLE_COMMANDS } from './parameters-redis7.js';

// ---------------------------------------------------------------------------------------------
// Describe

/** An ElastiCache `Parameter` (without cachefleet's mapping fields). */
export interface AwsParameter {
  ParameterName: string;
  ParameterValue?: string;
  Description: string;
  Source: string;
  DataType: string;
  AllowedValues?: string;
  IsModifiable: boolean;
  MinimumEngineVersion: string;
  ChangeType: 'immediate' | 'requires-reboot';
}

/**
 * The family's parameters in the AWS shape, with `values` (a group's own settings) overlaid;
 * an overlaid parameter gets Source "user" (as DescribeCacheParameters reports it).
 */
export function describeParameters(family: string, values: Record<string, string> = {}): AwsParameter[] {
  return requireFamily(family).map((d) => {
    const p: AwsParameter = {
      ParameterName: d.ParameterName,
      Description: d.Description,
      Source: d.Source,
      DataType: d.DataType,
      IsModifiable: d.IsModifiable,
      MinimumEngineVersion: d.MinimumEngineVersion,
      ChangeType: d.ChangeType,
    };
    const own = Object.hasOwn(values, d.ParameterName) ? values[d.ParameterName] : undefined;
    const value = own ?? d.ParameterValue;
    if (value !== undefined) p.ParameterValue = value;
    if (own !== undefined) p.Source = 'user';
    if (d.AllowedValues !== undefined) p.AllowedValues = d.AllowedValues;
    return p;
  });
}

/** The family's `CacheNodeTypeSpecificParameters`, with a value for every current-generation node type. */
export function cacheNodeTypeSpecificParameters(family: string): CacheNodeTypeSpecificParameterDef[] {
  const defs = requireFamily(family);
  const version = defs[0]?.MinimumEngineVersion ?? '';
  const types = NODE_TYPES.filter((t) => !t.previousGeneration);
  const param = (name: string, description: string, value: (t: NodeType) => number): CacheNodeTypeSpecificParameterDef => ({
    ParameterName: name,
    Description: description,
    Source: 'system',
    DataType: 'integer',
    AllowedValues: '0-',
    IsModifiable: false,
    MinimumEngineVersion: version,
    ChangeType: 'immediate',
    CacheNodeTypeSpecificValues: types.map((t) => ({ CacheNodeType: t.name, Value: String(value(t)) })),
  });
  return [
    param('client-output-buffer-limit-replica-hard-limit', 'Replica client output buffer hard limit in bytes.',
      (t) => t.replicaOutputBufferLimitBytes),
    param('client-output-buffer-limit-replica-soft-limit', 'Replica client output buffer soft limit in bytes.',
      (t) => t.replicaOutputBufferLimitBytes),
    param('maxmemory', 'The maximum configurable amount of memory to use to store items, in bytes.', (t) => t.maxmemoryBytes),
  ];
}

// ---------------------------------------------------------------------------------------------
// Mapping onto redis-server

const COBL = 'client-output-buffer-limit';

/** The family defaults overlaid with a group's own values (unknown names are ignored). */
export function effectiveParameterValues(family: string, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of requireFamily(family)) {
    out[d.ParameterName] = Object.hasOwn(values, d.ParameterName) ? values[d.ParameterName]! : (d.ParameterValue ?? '');
  }
  for (const name of NODE_TYPE_SPECIFIC_NAMES) if (Object.hasOwn(values, name)) out[name] = values[name]!;
  return out;
}

/** maxmemory for redis-server: the node type's maxmemory minus reserved-memory-percent. */
function dataMaxmemory(eff: Record<string, string>, nodeType: NodeType): string {
  const base = eff['maxmemory'] !== undefined ? Number(eff['maxmemory']) : nodeType.maxmemoryBytes;
  const pct = Number(eff['reserved-memory-percent'] ?? '25');
  // At least 1 byte: redis-server reads maxmemory 0 as "no limit".
  return String(Math.max(1, Math.floor((base * (100 - pct)) / 100)));
}

/** The three classes of client-output-buffer-limit, "<class> <hard> <soft> <seconds>" each. */
function outputBufferLimits(eff: Record<string, string>, nodeType: NodeType): string[] {
  const get = (cls: string, what: string, fallback?: number) =>
    eff[`${COBL}-${cls}-${what}`] ?? String(fallback ?? 0);
  const replica = nodeType.replicaOutputBufferLimitBytes;
  return [
    `normal ${get('normal', 'hard-limit')} ${get('normal', 'soft-limit')} ${get('normal', 'soft-seconds')}`,
    `replica ${get('replica', 'hard-limit', replica)} ${get('replica', 'soft-limit', replica)} ${get('replica', 'soft-seconds', 60)}`,
    `pubsub ${get('pubsub', 'hard-limit')} ${get('pubsub', 'soft-limit')} ${get('pubsub', 'soft-seconds')}`,
  ];
}

function redisValue(def: ParameterDef, value: string, nodeType: NodeType): string {
  if (def.ParameterName === 'maxclients' && nodeType.maxClients !== undefined) {
    return String(Math.min(Number(value), nodeType.maxClients));
  }
  return def.toRedis ? def.toRedis(value) : value;
}

/**
 * The redis-server config directives for a node of `nodeType` whose parameter group has
 * `values` (the group's own settings; family defaults fill the rest). A directive given more
 * than once is an array whose elements are raw argument lists ("normal 0 0 0",
 * "FLUSHALL myflushall"); write each as `<directive> <element>` without quoting it whole.
 * Parameters whose value is empty (notify-keyspace-events, rename-commands by default) are left
 * out: redis-server's own default is empty too.
 */
export function redisDirectives(
  family: string,
  values: Record<string, string>,
  nodeType: NodeType,
): Record<string, string | string[]> {
  const defs = requireFamily(family);
  const eff = effectiveParameterValues(family, values);
  const out: Record<string, string | string[]> = { maxmemory: dataMaxmemory(eff, nodeType) };
  for (const def of defs) {
    if (def.redis === null || def.redis === COBL) continue;
    const value = eff[def.ParameterName]!;
    if (def.ParameterName === 'rename-commands') {
      const renames = parseRenameCommands(value).map(([cmd, newName]) => `${cmd.toUpperCase()} ${newName}`);
      if (renames.length > 0) out[def.redis] = renames;
      continue;
    }
    const v = redisValue(def, value, nodeType);
    if (v !== '') out[def.redis] = v;
  }
  out[COBL] = outputBufferLimits(eff, nodeType);
  return out;
}

export interface DynamicRedisConfig {
  /** `CONFIG SET` name/value pairs (redis 7 accepts them all in one CONFIG SET). */
  pairs: Array<[name: string, value: string]>;
  /** Changed `immediate` parameters redis-server cannot change at runtime: apply by restarting the node. */
  restartRequired: string[];
  /** Changed `requires-reboot` parameters: they take effect at the next reboot (ParameterApplyStatus pending-reboot). */
  pendingReboot: string[];
}

/**
 * What applying the changed parameters `changedNames` to a running node takes: CONFIG SET pairs
 * for the immediate ones, and the names that need a restart or wait for a reboot. `values` are
 * the group's own settings after the change (family defaults fill the rest).
 */
export function dynamicRedisConfig(
  family: string,
  changedNames: Iterable<string>,
  values: Record<string, string>,
  nodeType: NodeType,
): DynamicRedisConfig {
  const eff = effectiveParameterValues(family, values);
  const result: DynamicRedisConfig = { pairs: [], restartRequired: [], pendingReboot: [] };
  let maxmemory = false;
  let bufferLimits = false;
  for (const name of new Set(changedNames)) {
    if (NODE_TYPE_SPECIFIC_NAMES.has(name)) {
      if (name === 'maxmemory') maxmemory = true;
      else bufferLimits = true;
      continue;
    }
    const def = findParameter(family, name);
    if (!def) continue;
    if (def.ChangeType === 'requires-reboot') result.pendingReboot.push(name);
    else if (name === 'reserved-memory-percent') maxmemory = true;
    else if (def.redis === COBL) bufferLimits = true;
    else if (def.redis === null) continue;
    else if (def.restartToApply) result.restartRequired.push(name);
    else result.pairs.push([def.redis, redisValue(def, eff[name]!, nodeType)]);
  }
  if (maxmemory) result.pairs.push(['maxmemory', dataMaxmemory(eff, nodeType)]);
  if (bufferLimits) result.pairs.push([COBL, outputBufferLimits(eff, nodeType).join(' ')]);
  return result;
}

/** Quotes a redis.conf argument when it needs it (empty, whitespace, quotes, backslashes). */
function quoteConfArg(arg: string): string {
  if (arg !== '' && !/[\s"'\\]/.test(arg)) return arg;
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Renders directives as redis.conf text: a scalar is one quoted-if-needed argument; an array
 * element is a raw argument list written as is (see {@link redisDirectives}).
 */
export function renderRedisConf(directives: Record<string, string | string[]>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(directives)) {
    if (Array.isArray(value)) for (const v of value) lines.push(`${name} ${v}`);
    else lines.push(`${name} ${quoteConfArg(value)}`);
  }
  return lines.join('\n') + '\n';
}
