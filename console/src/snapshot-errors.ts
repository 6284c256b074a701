import { ApiError } from './api.js';
import { fieldOfSnapshotError } from './snapshots.js';

/** Which field an API error names: parameters (or fault codes) per field, or a function of the message and code. */
export type ErrorFields<F extends string> = Record<F, string[]> | ((message: string, code: string) => F | undefined);

/** An API error of a form as `{field: message}`: beside the field it names, else `form`. */
export function errorOfField<F extends string>(fields: ErrorFields<F>, err: unknown): Partial<Record<F | 'form', string>> {
  const code = err instanceof ApiError ? err.code : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const field = typeof fields === 'function' ? fields(message, code) : fieldOfSnapshotError(fields, message, code);
  return { [field ?? 'form']: `${message} (${code})` } as Partial<Record<F | 'form', string>>;
}
