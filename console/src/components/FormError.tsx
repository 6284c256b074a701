import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * An API error about no one field of a form, shown at its foot. With an `id`, it takes the focus
 * when it shows a message (programmatic focus only: it is not a Tab stop). The form's submit
 * handler cannot focus it: the paragraph is drawn only after the handler has set the error.
 */
export function FormError({ message, id }: { message?: string; id?: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  // A layout effect: the focus moves in the same task as the message appears (a plain effect ran a
  // frame later, and a reader, or a test, could find the message shown and the focus still elsewhere).
  useLayoutEffect(() => {
    if (id && message) ref.current?.focus();
  }, [id, message]);
  return message ? <p ref={ref} id={id} tabIndex={id ? -1 : undefined} class="error" role="alert">{message}</p> : null;
}
