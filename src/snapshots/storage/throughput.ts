/**
 * A micro-measure of snapshot framing (not a test): how fast an RDB file is encoded to a file and
 * decoded back, plain, compressed, encrypted, and both, in MB/s of RDB. For the bench
 * (`npm run bench`) and for choosing the zstd level; it times the real streams the service uses,
 * file to file, so disk writes count as they would in a backup.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EncodeOptions, KeyRef, KeyStore } from '../types.js';
import { decodeSnapshot, encodeSnapshot } from './framing.js';

export interface FramingThroughput {
  mode: 'plain' | 'zstd' | 'encrypted' | 'zstd+encrypted';
  rdbBytes: number;
  fileBytes: number;
  /** Wall-clock time. */
  encodeMs: number;
  decodeMs: number;
  /** MB (10^6 bytes) of RDB per second of wall-clock time. */
  encodeMBps: number;
  decodeMBps: number;
  /**
   * CPU time of the whole process (every thread: zstd runs on libuv's pool), which a machine
   * shared with other work does not inflate as it does wall-clock time.
   */
  encodeCpuMs: number;
  decodeCpuMs: number;
}

export interface ThroughputOptions {
  /** The RDB file to frame. */
  rdbFile: string;
  keys: KeyStore;
  /** The key of the encrypted modes. */
  key: KeyRef;
  /** Where the framed files go meanwhile (default: a temporary directory, removed after). */
  workDir?: string;
  /** Rounds per mode; the fastest is kept (default 1). */
  rounds?: number;
}

const MODES: Array<[FramingThroughput['mode'], (key: KeyRef) => EncodeOptions]> = [
  ['plain', () => ({ compress: false })],
  ['zstd', () => ({ compress: true })],
  ['encrypted', (key) => ({ compress: false, key })],
  ['zstd+encrypted', (key) => ({ compress: true, key })],
];

/** Encodes and decodes `rdbFile` in every mode; one row per mode. */
export async function measureFramingThroughput(opts: ThroughputOptions): Promise<FramingThroughput[]> {
  const dir = opts.workDir ?? await mkdtemp(join(tmpdir(), 'cachefleet-framing-'));
  const rdbBytes = (await stat(opts.rdbFile)).size;
  const rows: FramingThroughput[] = [];
  try {
    for (const [mode, options] of MODES) {
      let best: FramingThroughput | undefined;
      for (let round = 0; round < (opts.rounds ?? 1); round++) {
        const file = join(dir, `framed-${mode}`);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await pipeline(encodeSnapshot(createReadStream(opts.rdbFile, { highWaterMark: 1 << 20 }), options(opts.key), opts.keys), createWriteStream(file));
        const encodeMs = performance.now() - t0;
        const encodeCpuMs = cpuMs(process.cpuUsage(c0));
        const fileBytes = (await stat(file)).size;
        let decoded = 0;
        const c1 = process.cpuUsage();
        const t1 = performance.now();
        await pipeline(decodeSnapshot(createReadStream(file, { highWaterMark: 1 << 20 }), opts.keys), new Writable({
          write(chunk: Buffer, _enc, done) {
            decoded += chunk.length;
            done();
          },
        }));
        const decodeMs = performance.now() - t1;
        const decodeCpuMs = cpuMs(process.cpuUsage(c1));
        await rm(file, { force: true });
        if (decoded !== rdbBytes) throw new Error(`${mode}: decoded ${decoded} bytes of ${rdbBytes}`);
        const row = {
          mode, rdbBytes, fileBytes, encodeMs, decodeMs, encodeCpuMs, decodeCpuMs,
          encodeMBps: rdbBytes / 1e3 / encodeMs, decodeMBps: rdbBytes / 1e3 / decodeMs,
        };
        if (!best || row.encodeMs + row.decodeMs < best.encodeMs + best.decodeMs) best = row;
      }
      rows.push(best!);
    }
  } finally {
    if (!opts.workDir) await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

/** The rows as a table for a report. */
export function formatThroughput(rows: FramingThroughput[]): string {
  const plain = rows.find((r) => r.mode === 'plain');
  const lines = ['mode             file/RDB  encode MB/s  decode MB/s  encode ms (cpu)  decode ms (cpu)'];
  const ms = (wall: number, cpu: number) => `${wall.toFixed(0)} (${cpu.toFixed(0)})`.padStart(15);
  for (const r of rows) {
    lines.push(`${r.mode.padEnd(16)} ${(r.fileBytes / r.rdbBytes).toFixed(3).padStart(8)}  ${r.encodeMBps.toFixed(0).padStart(11)}  ` +
      `${r.decodeMBps.toFixed(0).padStart(11)}  ${ms(r.encodeMs, r.encodeCpuMs)}  ${ms(r.decodeMs, r.decodeCpuMs)}`);
  }
  if (plain) lines.push(`(RDB ${(plain.rdbBytes / 1e6).toFixed(0)} MB)`);
  return lines.join('\n');
}
