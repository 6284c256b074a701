import { CommonErrors } from '../errors/index.js';

/**
 * An ElastiCache node type for Redis, with the figures ElastiCache publishes for it.
 *
 * Sources: vCPUs, memory and network performance as the ElastiCache pricing data lists them;
 * `maxmemoryBytes` from the "Redis OSS node-type specific parameters" table of the ElastiCache
 * user guide (the `maxmemory` value in `CacheNodeTypeSpecificParameters`);
 * `replicaOutputBufferLimitBytes` is the node-type specific default of
 * `client-output-buffer-limit-replica-hard-limit` / `-soft-limit` (one tenth of maxmemory).
 */
export interface NodeType {
  /** "cache.r6g.large" */
  name: string;
  /** "r6g" */
  family: string;
  vcpus: number;
  /** Memory as ElastiCache documents it, in GiB (e.g. 13.07 for cache.r6g.large). */
  memoryGiB: number;
  /** The `maxmemory` ElastiCache sets for this type, before reserved-memory-percent is applied. */
  maxmemoryBytes: number;
  /** Node-type specific default of client-output-buffer-limit-replica-{hard,soft}-limit, in bytes. */
  replicaOutputBufferLimitBytes: number;
  /** Node-type specific `maxclients` where ElastiCache documents one lower than the 65000 default. */
  maxClients?: number;
  networkPerformance?: string;
  /** Previous-generation types (m3, r3): ElastiCache keeps existing clusters but creates no new ones. */
  previousGeneration?: boolean;
}

type Row = [
  name: string,
  vcpus: number,
  memoryGiB: number,
  maxmemoryBytes: number,
  replicaLimit: number | null,
  network: string,
  extra?: { maxClients?: number; previousGeneration?: boolean },
];

const PREV = { previousGeneration: true } as const;

// prettier-ignore
const ROWS: Row[] = [
  // Burstable
  ['cache.t2.micro',   1, 0.555, 581959680,  58195968,  'Low to Moderate', { maxClients: 20000 }],
  ['cache.t2.small',   1, 1.55,  1665138688, 166513868, 'Low to Moderate', { maxClients: 20000 }],
  ['cache.t2.medium',  2, 3.22,  3461349376, 346134937, 'Low to Moderate', { maxClients: 20000 }],
  ['cache.t3.micro',   2, 0.5,   536870912,  53687091,  'Up to 5 Gigabit', { maxClients: 20000 }],
  ['cache.t3.small',   2, 1.37,  1471026299, 147102629, 'Up to 5 Gigabit', { maxClients: 46000 }],
  ['cache.t3.medium',  2, 3.09,  3317862236, 331786223, 'Up to 5 Gigabit', { maxClients: 46000 }],
  ['cache.t4g.micro',  2, 0.5,   536870912,  53687091,  'Up to 5 Gigabit', { maxClients: 20000 }],
  ['cache.t4g.small',  2, 1.37,  1471026299, 147102629, 'Up to 5 Gigabit'],
  ['cache.t4g.medium', 2, 3.09,  3317862236, 331786223, 'Up to 5 Gigabit'],
  // General purpose, previous generation
  ['cache.m3.medium',  1, 2.78, 2988441600,  null, 'Moderate', PREV],
  ['cache.m3.large',   2, 6.05, 6501171200,  null, 'Moderate', PREV],
  ['cache.m3.xlarge',  4, 13.3, 14260633600, null, 'High', PREV],
  ['cache.m3.2xlarge', 8, 27.9, 29989273600, null, 'High', PREV],
  // General purpose
  ['cache.m4.large',    2,  6.42,   6892593152,   689259315,   'Moderate'],
  ['cache.m4.xlarge',   4,  14.28,  15328501760,  1532850176,  'High'],
  ['cache.m4.2xlarge',  8,  29.7,   31889126359,  3188912636,  'High'],
  ['cache.m4.4xlarge',  16, 60.78,  65257290629,  6525729063,  'High'],
  ['cache.m4.10xlarge', 40, 154.64, 166047614239, 16604761424, '10 Gigabit'],
  ['cache.m5.large',    2,  6.38,   6854542746,   685454275,   'Up to 10 Gigabit'],
  ['cache.m5.xlarge',   4,  12.93,  13891921715,  1389192172,  'Up to 10 Gigabit'],
  ['cache.m5.2xlarge',  8,  26.04,  27966669210,  2796666921,  'Up to 10 Gigabit'],
  ['cache.m5.4xlarge',  16, 52.26,  56116178125,  5611617812,  'Up to 10 Gigabit'],
  ['cache.m5.12xlarge', 48, 157.12, 168715971994, 16871597199, '10 Gigabit'],
  ['cache.m5.24xlarge', 96, 314.32, 337500562842, 33750056284, '25 Gigabit'],
  ['cache.m6g.large',    2,  6.38,   6854542746,   685454275,   'Up to 10 Gigabit'],
  ['cache.m6g.xlarge',   4,  12.93,  13891921715,  1389192172,  'Up to 10 Gigabit'],
  ['cache.m6g.2xlarge',  8,  26.04,  27966669210,  2796666921,  'Up to 10 Gigabit'],
  ['cache.m6g.4xlarge',  16, 52.26,  56116178125,  5611617812,  'Up to 10 Gigabit'],
  ['cache.m6g.8xlarge',  32, 103.68, 111325552312, 11132555231, '12 Gigabit'],
  ['cache.m6g.12xlarge', 48, 157.12, 168715971994, 16871597199, '20 Gigabit'],
  ['cache.m6g.16xlarge', 64, 209.55, 225000375228, 22500037523, '25 Gigabit'],
  ['cache.m7g.large',    2,  6.38,   6854542746,   685454275,   'Up to 12.5 Gigabit'],
  ['cache.m7g.xlarge',   4,  12.93,  13891921715,  1389192172,  'Up to 12.5 Gigabit'],
  ['cache.m7g.2xlarge',  8,  26.04,  27966669210,  2796666921,  'Up to 15 Gigabit'],
  ['cache.m7g.4xlarge',  16, 52.26,  56116178125,  5611617812,  'Up to 15 Gigabit'],
  ['cache.m7g.8xlarge',  32, 103.68, 111325552312, 11132555231, '15 Gigabit'],
  ['cache.m7g.12xlarge', 48, 157.12, 168715971994, 16871597199, '22.5 Gigabit'],
  ['cache.m7g.16xlarge', 64, 209.55, 225000375228, 22500037523, '30 Gigabit'],
  // Memory optimized, previous generation
  ['cache.r3.large',   2,  13.5, 14470348800,  null, 'Moderate', PREV],
  ['cache.r3.xlarge',  4,  28.4, 30513561600,  null, 'Moderate', PREV],
  ['cache.r3.2xlarge', 8,  58.2, 62495129600,  null, 'High', PREV],
  ['cache.r3.4xlarge', 16, 118,  126458265600, null, 'High', PREV],
  ['cache.r3.8xlarge', 32, 237,  254384537600, null, '10 Gigabit', PREV],
  // Memory optimized
  ['cache.r4.large',    2,  12.3,   13201781556,  1320178155,  'Up to 10 Gigabit'],
  ['cache.r4.xlarge',   4,  25.05,  26898228839,  2689822883,  'Up to 10 Gigabit'],
  ['cache.r4.2xlarge',  8,  50.47,  54197537997,  5419753799,  'Up to 10 Gigabit'],
  ['cache.r4.4xlarge',  16, 101.38, 108858546586, 10885854658, 'Up to 10 Gigabit'],
  ['cache.r4.8xlarge',  32, 203.26, 218255432090, 21825543209, '10 Gigabit'],
  ['cache.r4.16xlarge', 64, 407,    437021573120, 43702157312, '25 Gigabit'],
  ['cache.r5.large',    2,  13.07,  14037181030,  1403718103,  'Up to 10 Gigabit'],
  ['cache.r5.xlarge',   4,  26.32,  28261849702,  2826184970,  'Up to 10 Gigabit'],
  ['cache.r5.2xlarge',  8,  52.82,  56711183565,  5671118356,  'Up to 10 Gigabit'],
  ['cache.r5.4xlarge',  16, 105.81, 113609865216, 11360986522, 'Up to 10 Gigabit'],
  ['cache.r5.12xlarge', 48, 317.77, 341206346547, 34120634655, '10 Gigabit'],
  ['cache.r5.24xlarge', 96, 635.61, 682485973811, 68248597381, '25 Gigabit'],
  ['cache.r6g.large',    2,  13.07,  14037181030,  1403718103,  'Up to 10 Gigabit'],
  ['cache.r6g.xlarge',   4,  26.32,  28261849702,  2826184970,  'Up to 10 Gigabit'],
  ['cache.r6g.2xlarge',  8,  52.82,  56711183565,  5671118356,  'Up to 10 Gigabit'],
  ['cache.r6g.4xlarge',  16, 105.81, 113609865216, 11360986522, 'Up to 10 Gigabit'],
  ['cache.r6g.8xlarge',  32, 209.55, 225000375228, 22500037523, '12 Gigabit'],
  ['cache.r6g.12xlarge', 48, 317.77, 341206346547, 34120634655, '20 Gigabit'],
  ['cache.r6g.16xlarge', 64, 419.09, 450000750456, 45000075046, '25 Gigabit'],
  // r6gd (data tiering): memory is the DRAM share; the SSD tier is not counted here.
  ['cache.r6gd.xlarge',   4,  26.32,  28261849702,  2826184970,  'Up to 10 Gigabit'],
  ['cache.r6gd.2xlarge',  8,  52.82,  56711183565,  5671118356,  'Up to 10 Gigabit'],
  ['cache.r6gd.4xlarge',  16, 105.81, 113609865216, 11360986522, 'Up to 10 Gigabit'],
  ['cache.r6gd.8xlarge',  32, 209.55, 225000375228, 22500037523, '12 Gigabit'],
  ['cache.r6gd.12xlarge', 48, 317.77, 341206346547, 34120634655, '20 Gigabit'],
  ['cache.r6gd.16xlarge', 64, 419.09, 450000750456, 45000075046, '25 Gigabit'],
  ['cache.r7g.large',    2,  13.07,  14037181030,  1403718103,  'Up to 12.5 Gigabit'],
  ['cache.r7g.xlarge',   4,  26.32,  28261849702,  2826184970,  'Up to 12.5 Gigabit'],
  ['cache.r7g.2xlarge',  8,  52.82,  56711183565,  5671118356,  'Up to 15 Gigabit'],
  ['cache.r7g.4xlarge',  16, 105.81, 113609865216, 11360986522, 'Up to 15 Gigabit'],
  ['cache.r7g.8xlarge',  32, 209.55, 225000375228, 22500037523, '15 Gigabit'],
  ['cache.r7g.12xlarge', 48, 317.77, 341206346547, 34120634655, '22.5 Gigabit'],
  ['cache.r7g.16xlarge', 64, 419.09, 450000750456, 45000075046, '30 Gigabit'],
  // Network optimized
  ['cache.c7gn.large',    2,  3.09,   3317862236,   331786224,   'Up to 30 Gigabit'],
  ['cache.c7gn.xlarge',   4,  6.38,   6854542746,   685454275,   'Up to 40 Gigabit'],
  ['cache.c7gn.2xlarge',  8,  12.94,  13891921715,  1389192172,  'Up to 50 Gigabit'],
  ['cache.c7gn.4xlarge',  16, 26.05,  27966669210,  2796666921,  '50 Gigabit'],
  ['cache.c7gn.8xlarge',  32, 52.26,  56116178125,  5611617812,  '100 Gigabit'],
  ['cache.c7gn.12xlarge', 48, 78.56,  84357985997,  8435798600,  '150 Gigabit'],
  ['cache.c7gn.16xlarge', 64, 105.81, 113609865216, 11360986522, '200 Gigabit'],
];

function toNodeType([name, vcpus, memoryGiB, maxmemoryBytes, replicaLimit, network, extra]: Row): NodeType {
  const t: NodeType = {
    name,
    family: name.split('.')[1]!,
    vcpus,
    memoryGiB,
    maxmemoryBytes,
    // ElastiCache publishes no replica limit for previous-generation types; one tenth of maxmemory, like the others.
    replicaOutputBufferLimitBytes: replicaLimit ?? Math.round(maxmemoryBytes / 10),
    networkPerformance: network,
  };
  if (extra?.maxClients !== undefined) t.maxClients = extra.maxClients;
  if (extra?.previousGeneration) t.previousGeneration = true;
  return Object.freeze(t);
}

/** Every node type cachefleet knows, in ElastiCache's documentation order. */
export const NODE_TYPES: readonly NodeType[] = Object.freeze(ROWS.map(toNodeType));

const BY_NAME = new Map(NODE_TYPES.map((t) => [t.name, t]));

export function getNodeType(name: string): NodeType | undefined {
  return BY_NAME.get(name);
}

/** The node type, or an InvalidParameterValue error as the API returns it. */
export function requireNodeType(name: string | undefined): NodeType {
  if (name === undefined || name === '') {
    throw CommonErrors.invalidParameterValue('The parameter CacheNodeType must be provided and must not be null.');
  }
  const t = BY_NAME.get(name);
  if (!t) throw CommonErrors.invalidParameterValue(`Invalid CacheNodeType: ${name}`);
  return t;
}
