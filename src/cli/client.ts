import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { readServerFile } from '../service/data-dir.js';
import { DEFAULT_PORT } from '../service/config.js';
import { resolve } from 'node:path';

/**
 * The API client the CLI's own commands use: the real AWS SDK, pointed at the service named by
 * --endpoint-url, else $CACHEFLEET_ENDPOINT, else the service running on --data-dir, else the default port.
 */
export function apiClient(o: { endpointUrl?: string; dataDir?: string }): ElastiCacheClient {
  const fromDir = o.dataDir ? readServerFile(resolve(o.dataDir)) : undefined;
  const endpoint = o.endpointUrl ?? process.env.CACHEFLEET_ENDPOINT
    ?? (fromDir ? `http://${fromDir.host}:${fromDir.port}` : `http://127.0.0.1:${DEFAULT_PORT}`);
  return new ElastiCacheClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'cachefleet',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'cachefleet',
    },
  });
}
