import { fault } from '../../errors/index.js';
import type { Services } from '../../core/index.js';
import { getServerlessCache, type ServerlessCacheView } from '../../store/index.js';

/** A serverless cache by name (case-insensitive, stored lowercase), or ServerlessCacheNotFoundFault. */
export async function requireServerlessCache(svc: Services, name: string | undefined): Promise<ServerlessCacheView> {
  const found = name ? await getServerlessCache(svc.store, name.toLowerCase()) : undefined;
  if (!found) throw fault('ServerlessCacheNotFoundFault', `Serverless cache ${name ?? ''} not found.`);
  return found;
}
