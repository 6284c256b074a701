import { useState } from 'preact/hooks';
import { errorOfField } from './snapshot-errors.js';

/**
 * A form's submission: busy while the API answers (one at a time), and its error beside the
 * field whose parameter (or fault code) it names in `fields`, else for the whole form (`errors.form`).
 * `run` resolves true when the action succeeded.
 */
export function useSubmit<F extends string>(fields: Record<F, string[]>) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<F | 'form', string>>>({});
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setErrors({});
    try {
      await action();
      return true;
    } catch (err) {
      setErrors(errorOfField(fields, err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, run };
}
