import type { ParameterDef } from './parameter-types.js';
import { NODE_TYPE_SPECIFIC_NAMES, familyParameters } from './families.js';
import { RENAMEABLE_COMMANDS } from './parameters-redis7.js';

const KEYSPACE_EVENT_FLAGS = new Set('KEg$lshzxeAtmdn');
const RENAMEABLE = new Set(RENAMEABLE_COMMANDS.split(','));
const LLONG_MAX = 9223372036854775807n;

/** Does an integer fall within AWS-style AllowedValues ("0-", "1-100", "0,20-", "-5,-4,1-", "-")? */
function inAllowedRanges(n: bigint, allowed: string): boolean {
  for (const item of allowed.split(',')) {
    if (item === '-') return true;
    const m = /^(-?\d+)(-(-?\d+)?)?$/.exec(item.trim());
    if (!m) continue;
    const lo = BigInt(m[1]!);
    if (m[2] === undefined) {
      if (n === lo) return true;
    } else if (n >= lo && (m[3] === undefined || n <= BigInt(m[3]))) {
      return true;
    }
  }
  return false;
}

/** Pairs of `COMMAND new-name` in a rename-commands value. */
export function parseRenameCommands(value: string): Array<[command: string, newName: string]> {
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) pairs.push([tokens[i]!, tokens[i + 1]!]);
  return pairs;
}

function validateRenameCommands(name: string, value: string): string | undefined {
  const bad = (why: string) => `Value '${value}' for parameter ${name} is not valid: ${why}`;
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  if (tokens.length % 2 !== 0) return bad('expected a space-separated list of "command new-name" pairs.');
  const seen = new Set<string>();
  for (const [command, newName] of parseRenameCommands(value)) {
    const upper = command.toUpperCase();
    if (!RENAMEABLE.has(upper)) return bad(`command ${command} cannot be renamed.`);
    if (seen.has(upper)) return bad(`command ${command} is renamed more than once.`);
    seen.add(upper);
    if (!/^[A-Za-z0-9_-]+$/.test(newName)) return bad(`${newName} is not a valid command name.`);
  }
  return undefined;
}

/**
 * Why `value` is not acceptable for `def` (AllowedValues, ranges, data type), or undefined when
 * it is. Does not consider IsModifiable; see {@link checkParameterModification}.
 */
export function validateParameterValue(def: ParameterDef, value: string): string | undefined {
  const name = def.ParameterName;
  const allowed = def.AllowedValues;
  const notValid = `Value '${value}' for parameter ${name} is not valid.`;
  if (name === 'rename-commands') return validateRenameCommands(name, value);
  if (name === 'notify-keyspace-events') {
    const badFlag = [...value].find((c) => !KEYSPACE_EVENT_FLAGS.has(c));
    return badFlag === undefined
      ? undefined
      : `${notValid} Allowed values: any combination of the characters ${[...KEYSPACE_EVENT_FLAGS].join('')}`;
  }
  if (def.DataType === 'integer') {
    if (!/^-?\d+$/.test(value)) return `${notValid} It must be an integer.${allowed ? ` Allowed values: ${allowed}` : ''}`;
    const n = BigInt(value);
    if (n > LLONG_MAX || n < -LLONG_MAX) return `${notValid} It is out of range.`;
    if (allowed && !inAllowedRanges(n, allowed)) return `${notValid} Allowed values: ${allowed}`;
    return undefined;
  }
  if (allowed && !allowed.split(',').includes(value)) return `${notValid} Allowed values: ${allowed}`;
  return undefined;
}

/**
 * What ModifyCacheParameterGroup would reject in setting `name` to `value` in `family`:
 * an unknown parameter, one that is not modifiable, or an invalid value. Undefined when allowed.
 */
export function checkParameterModification(family: string, name: string, value: string): string | undefined {
  const defs = familyParameters(family);
  if (!defs) return `Invalid cache parameter group family: ${family}`;
  const def = defs.find((d) => d.ParameterName === name);
  if (!def) {
    return NODE_TYPE_SPECIFIC_NAMES.has(name)
      ? `Parameter ${name} is not modifiable.`
      : `Parameter ${name} does not exist in cache parameter group family ${family}.`;
  }
  if (!def.IsModifiable) return `Parameter ${name} is not modifiable.`;
  return validateParameterValue(def, value);
}
