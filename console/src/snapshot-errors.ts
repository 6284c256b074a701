import { ApiError } from './api.js';
import { fieldOfSnapshotError } from './snapshots.js';

/** An API error of a snapshot form as `{field: message}`: beside the field it names, else `form`. */
export function errorOfField<F extends string>(fields: Record<F, string[]>, err: unknown): Partial<Record<F | 'form', string>> {
  const code = err instanceof ApiError ? err.code : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const field = fieldOfSnapshotError(fields, message, code);
  return { [field ?? 'form']: `${message} (${code})` } as Partial<Record<F | 'form', string>>;
}
