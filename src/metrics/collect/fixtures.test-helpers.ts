/** INFO text for unit tests: the fields given, in INFO's layout. */
export function infoText(fields: Record<string, string | number>): string {
  return ['# Server', ...Object.entries(fields).map(([k, v]) => `${k}:${v}`)].join('\r\n') + '\r\n';
}

/** A COMMAND reply with the categories of a few commands (Redis 7's shape, subcommands at index 9). */
export const COMMAND_REPLY: unknown[] = [
  ['get', 2, ['readonly'], 1, 1, 1, ['@read', '@string', '@fast'], [], [], []],
  ['set', -3, ['write'], 1, 1, 1, ['@write', '@string', '@slow'], [], [], []],
  ['hset', -4, ['write'], 1, 1, 1, ['@write', '@hash', '@fast'], [], [], []],
  ['del', -2, ['write'], 1, -1, 1, ['@keyspace', '@write', '@slow'], [], [], []],
  ['eval', -3, [], 0, 0, 0, ['@slow', '@scripting'], [], [], []],
  ['cluster', -2, [], 0, 0, 0, ['@slow'], [], [], [
    ['cluster|info', 2, [], 0, 0, 0, ['@slow'], [], [], []],
  ]],
  ['config', -2, [], 0, 0, 0, ['@slow'], [], [], [
    ['config|get', -3, [], 0, 0, 0, ['@admin', '@slow', '@dangerous'], [], [], []],
  ]],
];
