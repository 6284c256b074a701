/** Types of `cluster-key-slot` (the hash slot of a key, as Redis Cluster computes it; ioredis's own dependency). */
declare module 'cluster-key-slot' {
  /** CRC16 of the key (or of its `{hash tag}`) modulo 16384; bytes are taken as they are. */
  export default function calculateSlot(key: string | Uint8Array): number;
}
