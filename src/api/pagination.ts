import { CommonErrors } from '../errors/index.js';

/**
 * Marker/MaxRecords pagination as ElastiCache does it: MaxRecords 20–100 (default 100),
 * an opaque Marker to continue from.
 */
export function paginate<T>(items: T[], marker: string | undefined, maxRecords: number | undefined,
  limits: { min: number; max: number } = { min: 20, max: 100 }): { page: T[]; marker?: string } {
  const max = maxRecords ?? limits.max;
  if (!Number.isInteger(max) || max < limits.min || max > limits.max) {
    throw CommonErrors.invalidParameterValue(
      `The value of MaxRecords (${maxRecords}) is invalid: it must be between ${limits.min} and ${limits.max}.`);
  }
  const offset = marker === undefined || marker === '' ? 0 : decodeMarker(marker);
  const page = items.slice(offset, offset + max);
  const next = offset + max < items.length ? encodeMarker(offset + max) : undefined;
  return next ? { page, marker: next } : { page };
}

function encodeMarker(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeMarker(marker: string): number {
  try {
    const o = (JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch { /* fall through */ }
  throw CommonErrors.invalidParameterValue(`Invalid Marker: ${marker.slice(0, 64)}`);
}
