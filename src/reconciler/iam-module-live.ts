/**
 * The IAM auth module on a running node (src/security/iam-module.ts): what redis.conf's
 * `loadmodule` line says takes effect at the next start, so a running node gets it live — MODULE
 * LOAD when a group gains its first IAM user, CACHEFLEET.IAMCONFIG when its IAM users (or the
 * connection limit) change. A group that loses its last IAM user keeps the module loaded with no
 * users: it then rewrites no login at all (unloading would fail while a login is being checked).
 */
import { IAM_MODULE_NAME } from '../security/iam-module.js';

export interface IamModuleClient {
  call(command: string, args: string[]): Promise<unknown>;
}

/** The settings a module configuration carries (what CACHEFLEET.IAMCONFIG shows and takes). */
export interface IamModuleSettings {
  group: string;
  maxConnectionMs: number;
  users: string[];
}

/** The settings in `loadmodule` arguments (`key value …`, `users` taking the rest). */
export function settingsOfArgs(args: readonly string[]): IamModuleSettings {
  const out: IamModuleSettings = { group: '', maxConnectionMs: 12 * 3_600_000, users: [] };
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i]!.toLowerCase();
    if (k === 'users') {
      out.users = args.slice(i + 1);
      break;
    }
    if (k === 'group') out.group = args[i + 1]!;
    if (k === 'max-connection-ms') out.maxConnectionMs = Number(args[i + 1]);
  }
  return out;
}

/** CACHEFLEET.IAMCONFIG's reply (`group g max-connection-ms n users [u …]`). */
export function settingsOfReply(reply: unknown): IamModuleSettings | undefined {
  if (!Array.isArray(reply)) return undefined;
  const at = (k: string): unknown => reply[reply.indexOf(k) + 1];
  const users = at('users');
  return { group: String(at('group') ?? ''), maxConnectionMs: Number(at('max-connection-ms')), users: Array.isArray(users) ? users.map(String) : [] };
}

const same = (a: IamModuleSettings, b: IamModuleSettings): boolean =>
  a.group === b.group && a.maxConnectionMs === b.maxConnectionMs && a.users.join(' ') === b.users.join(' ');

export type IamModuleStep =
  | { kind: 'none' }
  | { kind: 'load'; args: string[] }
  | { kind: 'configure'; args: string[] };

/** What to do (pure): `want` is the node's loadmodule line (path and arguments), undefined when it has none. */
export function planIamModule(loaded: boolean, live: IamModuleSettings | undefined, want: { path: string; args: string[] } | undefined): IamModuleStep {
  if (!want) {
    return loaded && live && live.users.length > 0 ? { kind: 'configure', args: ['USERS'] } : { kind: 'none' };
  }
  if (!loaded) return { kind: 'load', args: ['LOAD', want.path, ...want.args] };
  const desired = settingsOfArgs(want.args);
  if (live && same(live, desired)) return { kind: 'none' };
  return { kind: 'configure', args: ['GROUP', desired.group, 'MAX-CONNECTION-MS', String(desired.maxConnectionMs), 'USERS', ...desired.users] };
}

/** Brings the node's module to `want`; returns what changed (for logs and drift events). */
export async function syncIamModule(client: IamModuleClient, want: { path: string; args: string[] } | undefined): Promise<string[]> {
  // Whether it is loaded, from its own command (MODULE LIST would need enable-module-command,
  // which nodes started before it was set lack).
  let live: IamModuleSettings | undefined;
  try {
    live = settingsOfReply(await client.call('CACHEFLEET.IAMCONFIG', []));
  } catch (err) {
    if (!/unknown command/i.test((err as Error).message)) throw err;
  }
  const loaded = live !== undefined;
  const step = planIamModule(loaded, live, want);
  if (step.kind === 'load') {
    await client.call('MODULE', step.args);
    return ['IAM auth module loaded'];
  }
  if (step.kind === 'configure') {
    await client.call('CACHEFLEET.IAMCONFIG', step.args);
    return ['IAM auth module users'];
  }
  return [];
}

/** The node spec's loadmodule line as path and arguments (undefined: none). */
export function loadModuleOf(config: Record<string, string | string[]>): { path: string; args: string[] } | undefined {
  const line = config['loadmodule'];
  const text = Array.isArray(line) ? line.find((l) => l.includes(IAM_MODULE_NAME)) : line;
  if (!text) return undefined;
  const [path, ...args] = text.split(/\s+/);
  return { path: path!, args };
}
