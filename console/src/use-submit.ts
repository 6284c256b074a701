import { useState } from 'preact/hooks';
import { errorOfField } from './snapshot-errors.js';

/**
 * A form's submission: `run(f)` runs the action once at a time; an API error is kept as
 * `{field: message}` beside the field its message names (`fields`), else under `form`.
 */
export function useSubmit<F extends string>(fields: Record<F, string[]>) {
  const [errors, setErrors] = useState<Partial<Record<F | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setErrors({});
    try {
      await f();
    } catch (err) {
      setErrors(errorOfField(fields, err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, run };
}
