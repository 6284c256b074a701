/**
 * Configuration drift: a running node whose settings differ from what the service manages —
 * a `CONFIG SET` by someone holding the admin secret, an operator, a process restarted by hand
 * with another config — is put back, and each repaired setting is an event (DescribeEvents,
 * source type cache-cluster) naming the parameter, the value observed and the one restored.
 *
 * What is compared: every dynamic parameter of the cluster's parameter group (its values
 * overlaid on the family's defaults, maxmemory from the node type), as the CONFIG SET pairs
 * applyParameters would send, and the settings the service itself relies on (replication's
 * masteruser/masterauth; in cluster mode, Redis Cluster's own failover and replica migration
 * kept off). Static parameters cannot drift without a restart, which renders them again. The ACL
 * and TLS settings are re-verified by the security step (security.ts) at the same cadence.
 *
 * Redis prints some values its own way (`notify-keyspace-events Ex` reads back `xE`, a partial
 * client-output-buffer-limit reads back every class), so a value is never predicted: a
 * mismatch is set again, and what the node then reads back is remembered as that desired
 * value's live form. A mismatch that reads back unchanged was only spelled differently: no event.
 *
 * Cadence: each cluster at most every `intervalMs` (CONFIG GET on each node), whatever the pass
 * rate; settled clusters are reconciled only every settled-observe interval anyway (settled.ts).
 */
import { dynamicRedisConfig, effectiveParameterValues } from '../catalog/parameters.js';
import { requireNodeType } from '../catalog/node-types.js';
import type { NodeSpec } from '../engine/types.js';
import type { CacheClusterRecord, CacheParameterGroupRecord } from '../store/index.js';

/** Settings of the rendered config the service relies on, checked when the node's config has them. */
const SERVICE_SETTINGS = ['masteruser', 'masterauth', 'cluster-replica-no-failover', 'cluster-allow-replica-migration'] as const;

/** Settings whose values are secrets: events and logs name them, never show them. */
const SECRET_SETTINGS: ReadonlySet<string> = new Set(['masterauth']);

/** What drift checking needs of a node connection (an ioredis client). */
export interface DriftClient {
  call(command: string, args: string[]): Promise<unknown>;
}

/** One repaired setting. */
export interface Drift {
  name: string;
  observed: string;
  desired: string;
}

/**
 * The settings the service manages on a node of `c` (pure), as CONFIG SET name → value:
 * every dynamic parameter of `group` (plus maxmemory and the output buffer limits from the node
 * type) and the service's own settings found in the node's rendered config.
 */
export function managedConfig(c: Pick<CacheClusterRecord, 'cacheNodeType'>, group: Pick<CacheParameterGroupRecord, 'family' | 'values'>,
  spec: Pick<NodeSpec, 'config'>): Record<string, string> {
  const names = [...Object.keys(effectiveParameterValues(group.family, group.values)), 'maxmemory'];
  const plan = dynamicRedisConfig(group.family, names, group.values, requireNodeType(c.cacheNodeType));
  const out: Record<string, string> = Object.fromEntries(plan.pairs);
  for (const name of SERVICE_SETTINGS) {
    const value = spec.config[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * The names whose live value is not the desired one (pure). `liveForm` remembers, per name, the
 * desired value last set and what the node read back then; without it, a value must read back
 * exactly as desired. Names the node does not know (absent from `live`) are left alone.
 */
export function driftedSettings(desired: Record<string, string>, live: ReadonlyMap<string, string>,
  liveForm: ReadonlyMap<string, { desired: string; live: string }>): string[] {
  return Object.keys(desired).filter((name) => {
    const observed = live.get(name);
    if (observed === undefined) return false;
    const form = liveForm.get(name);
    const expected = form && form.desired === desired[name] ? form.live : desired[name];
    return observed !== expected;
  }).sort();
}

/** CONFIG GET of several names at once, by lower-case name. */
async function configGetMany(client: DriftClient, names: string[]): Promise<Map<string, string>> {
  const reply = (await client.call('CONFIG', ['GET', ...names])) as unknown[];
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]).toLowerCase(), String(reply[i + 1]));
  return out;
}

/** How a value appears in an event or a log line. */
export function shown(name: string, value: string): string {
  if (SECRET_SETTINGS.has(name)) return '(hidden)';
  return value === '' ? '""' : value;
}

/** Finds and repairs drift on nodes, remembering per node the live form of each desired value. */
export class ConfigDrift {
  private readonly liveForms = new Map<string, Map<string, { desired: string; live: string }>>();
  private readonly nextCheck = new Map<string, number>();

  constructor(private readonly intervalMs: number, private readonly now: () => number = Date.now) {}

  /** Is a check of cluster `id` due? Marks it done for the next `intervalMs` when it is. */
  due(id: string): boolean {
    const t = this.now();
    if (this.intervalMs <= 0 || (this.nextCheck.get(id) ?? 0) > t) return false;
    this.nextCheck.set(id, t + this.intervalMs);
    return true;
  }

  /**
   * Compares the node's live settings with `desired`, sets the mismatched ones again (one CONFIG
   * SET, all or none) and returns those that really had drifted. Throws when the node cannot be asked.
   */
  async repair(client: DriftClient, key: string, desired: Record<string, string>): Promise<Drift[]> {
    const names = Object.keys(desired);
    if (names.length === 0) return [];
    const forms = this.liveForms.get(key) ?? new Map<string, { desired: string; live: string }>();
    this.liveForms.set(key, forms);
    const live = await configGetMany(client, names);
    const drifted = driftedSettings(desired, live, forms);
    for (const name of names) {
      // A value read back as desired is its own live form.
      if (!drifted.includes(name) && live.get(name) === desired[name]) forms.set(name, { desired: desired[name]!, live: desired[name]! });
    }
    if (drifted.length === 0) return [];
    await client.call('CONFIG', ['SET', ...drifted.flatMap((n) => [n, desired[n]!])]);
    const after = await configGetMany(client, drifted);
    const repaired: Drift[] = [];
    for (const name of drifted) {
      const readBack = after.get(name) ?? desired[name]!;
      forms.set(name, { desired: desired[name]!, live: readBack });
      if (readBack !== live.get(name)) repaired.push({ name, observed: live.get(name)!, desired: desired[name]! });
    }
    return repaired;
  }

  forget(key: string): void {
    this.liveForms.delete(key);
  }

  /** A deleted cluster: its next-check time goes too. */
  forgetCluster(id: string): void {
    this.nextCheck.delete(id);
  }
}
