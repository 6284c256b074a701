import type { InstalledEngine } from '../../catalog/engines.js';
import type { CacheEngineVersion, CacheEngineVersionMessage, DescribeCacheEngineVersionsMessage } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { defineAction } from './define.js';

/**
 * The engines this host can run: one entry per installed redis-server version (oldest first, as
 * AWS lists them). Other engines (memcached, valkey) are not installed here, so asking for them
 * gives an empty list. DefaultOnly keeps the newest version among those matching the filters.
 */
export default defineAction<DescribeCacheEngineVersionsMessage, CacheEngineVersionMessage>(
  'DescribeCacheEngineVersions', (input, svc) => {
    const byVersion = new Map<string, InstalledEngine>();
    for (const e of svc.engines) byVersion.set(e.version, e);
    let engines = [...byVersion.values()]
      .filter((e) => input.Engine === undefined || input.Engine.toLowerCase() === 'redis')
      .filter((e) => input.EngineVersion === undefined || versionMatches(e, input.EngineVersion))
      .filter((e) => input.CacheParameterGroupFamily === undefined || e.family === input.CacheParameterGroupFamily)
      .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch);
    if (input.DefaultOnly) engines = engines.slice(-1);
    const { page, marker } = paginate(engines.map(present), input.Marker, input.MaxRecords);
    return { CacheEngineVersions: page, ...(marker ? { Marker: marker } : {}) };
  });

/** "7.0.15" matches exactly; "7.0" (or "7") matches every installed 7.0.x (7.x). */
function versionMatches(engine: InstalledEngine, requested: string): boolean {
  const parts = requested.trim().split('.');
  const have = [engine.major, engine.minor, engine.patch].map(String);
  return parts.length <= 3 && parts.every((p, i) => p === have[i]);
}

function present(e: InstalledEngine): CacheEngineVersion {
  return {
    Engine: 'redis',
    EngineVersion: e.version,
    CacheParameterGroupFamily: e.family,
    CacheEngineDescription: 'Redis',
    CacheEngineVersionDescription: `redis version ${e.version} (redis-server on this host)`,
  };
}
