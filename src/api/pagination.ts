import { CommonErrors } from '../errors/index.js';
import type { Kind, ListPage, StateStore, Stored } from '../store/index.js';

/** ElastiCache's MaxRecords range (20–100, default 100) unless an action says otherwise. */
export interface RecordLimits { min: number; max: number }
const DEFAULT_LIMITS: RecordLimits = { min: 20, max: 100 };

/**
 * Marker/MaxRecords pagination as ElastiCache does it: MaxRecords 20–100 (default 100),
 * an opaque Marker to continue from. For lists made in memory (a catalog, a filtered list);
 * records listed straight from the store page with {@link paginateRecords}.
 */
export function paginate<T>(items: T[], marker: string | undefined, maxRecords: number | undefined,
  limits: RecordLimits = DEFAULT_LIMITS): { page: T[]; marker?: string } {
  const max = checkMaxRecords(maxRecords, limits);
  const offset = marker === undefined || marker === '' ? 0 : decodeOffset(marker);
  const page = items.slice(offset, offset + max);
  const next = offset + max < items.length ? encodeOffset(offset + max) : undefined;
  return next ? { page, marker: next } : { page };
}

/**
 * One page of a kind's records read from the store: only that page's records (and one more, to
 * know whether a next page exists) are read and parsed, never the whole kind. The Marker names
 * the last id of the page, so a page boundary holds while records come and go between calls.
 */
export async function paginateRecords<K extends Kind>(store: StateStore, kind: K, marker: string | undefined,
  maxRecords: number | undefined, limits: RecordLimits = DEFAULT_LIMITS): Promise<{ page: Stored<K>[]; marker?: string }> {
  return paginateFetched((page) => store.list(kind, page), marker, maxRecords, limits);
}

/** {@link paginateRecords} over any reader of pages in id order (e.g. the merged views of store/views.ts). */
export async function paginateFetched<T extends { id: string }>(fetch: (page: ListPage) => Promise<T[]>, marker: string | undefined,
  maxRecords: number | undefined, limits: RecordLimits = DEFAULT_LIMITS): Promise<{ page: T[]; marker?: string }> {
  const max = checkMaxRecords(maxRecords, limits);
  const afterId = marker === undefined || marker === '' ? undefined : decodeAfterId(marker);
  const got = await fetch({ ...(afterId !== undefined ? { afterId } : {}), limit: max + 1 });
  if (got.length <= max) return { page: got };
  const page = got.slice(0, max);
  return { page, marker: encodeAfterId(page.at(-1)!.id) };
}

/**
 * A page reader that skips what `keep` refuses (records hidden from the API, such as a serverless
 * cache's backing group) yet still fills the page: it reads on until it has `limit` kept records
 * or the kind is exhausted, so {@link paginateFetched} still sees whether a next page exists.
 */
export function keptPages<T extends { id: string }>(fetch: (page: ListPage) => Promise<T[]>, keep: (t: T) => boolean): (page: ListPage) => Promise<T[]> {
  return async (page) => {
    const out: T[] = [];
    let afterId = page.afterId;
    for (;;) {
      const got = await fetch({ ...(afterId !== undefined ? { afterId } : {}), ...(page.limit !== undefined ? { limit: page.limit } : {}) });
      out.push(...got.filter(keep));
      if (page.limit === undefined || got.length < page.limit || out.length >= page.limit) break;
      afterId = got.at(-1)!.id;
    }
    return page.limit === undefined ? out : out.slice(0, page.limit);
  };
}

/**
 * {@link paginateRecords}'s paging over records already in memory, in id order (a list a filter
 * needed whole): the same Marker, so a caller may page either way.
 */
export function paginateById<T extends { id: string }>(items: T[], marker: string | undefined, maxRecords: number | undefined,
  limits: RecordLimits = DEFAULT_LIMITS): { page: T[]; marker?: string } {
  const max = checkMaxRecords(maxRecords, limits);
  const afterId = marker === undefined || marker === '' ? undefined : decodeAfterId(marker);
  const rest = afterId === undefined ? items : items.filter((i) => byteOrder(i.id, afterId) > 0);
  if (rest.length <= max) return { page: rest };
  const page = rest.slice(0, max);
  return { page, marker: encodeAfterId(page.at(-1)!.id) };
}

function checkMaxRecords(maxRecords: number | undefined, limits: RecordLimits): number {
  const max = maxRecords ?? limits.max;
  if (!Number.isInteger(max) || max < limits.min || max > limits.max) {
    throw CommonErrors.invalidParameterValue(
      `The value of MaxRecords (${maxRecords}) is invalid: it must be between ${limits.min} and ${limits.max}.`);
  }
  return max;
}

/** The store's id order (the bytes of the ids' UTF-8), which JavaScript's `<` on strings is not beyond the BMP. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function encodeAfterId(id: string): string {
  return Buffer.from(JSON.stringify({ a: id })).toString('base64url');
}

function decodeOffset(marker: string): number {
  const o = decodeMarker(marker).o;
  if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  throw invalidMarker(marker);
}

function decodeAfterId(marker: string): string {
  const a = decodeMarker(marker).a;
  if (typeof a === 'string' && a !== '') return a;
  throw invalidMarker(marker);
}

function decodeMarker(marker: string): { o?: unknown; a?: unknown } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') return parsed as { o?: unknown; a?: unknown };
  } catch { /* fall through */ }
  throw invalidMarker(marker);
}

function invalidMarker(marker: string) {
  return CommonErrors.invalidParameterValue(`Invalid Marker: ${marker.slice(0, 64)}`);
}
