import { useState } from 'preact/hooks';
import { errorOfField, type ErrorFields } from './snapshot-errors.js';

/**
 * A form's submission: busy while the API answers (one at a time), and its error beside the
 * field `fields` says it names, else for the whole form (`errors.form`). With `focusField`, the
 * field named gets the focus (a form-wide error focuses itself: FormError).
 * `run` resolves true when the action succeeded; `setErrors` shows the form's own checks.
 */
export function useSubmit<F extends string>(fields: ErrorFields<F>, o: { focusField?: boolean } = {}) {
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
      const found = errorOfField(fields, err);
      setErrors(found);
      const field = Object.keys(found)[0];
      if (o.focusField && field && field !== 'form') document.getElementById(field)?.focus();
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, setErrors, run };
}
