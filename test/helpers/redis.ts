/** Helpers for tests that run real redis-server nodes through the engine. */
import type { NodeSpec } from '../../src/engine/types.js';
import { freeEndpoint } from './net.js';

/** The redis-server binary tests use: $CACHEFLEET_REDIS_SERVER, else the one on PATH. */
export const REDIS_SERVER = process.env.CACHEFLEET_REDIS_SERVER ?? 'redis-server';

/** A node spec on a fresh loopback endpoint; `key` defaults to a unique name. */
export async function testNodeSpec(overrides: Partial<NodeSpec> = {}): Promise<NodeSpec> {
  const ep = overrides.address && overrides.port ? { address: overrides.address, port: overrides.port } : await freeEndpoint();
  return {
    key: `node-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    binary: REDIS_SERVER,
    config: {},
    ...overrides,
    ...ep,
  };
}
