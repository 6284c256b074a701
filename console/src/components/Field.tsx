import type { ComponentChildren } from 'preact';

/** A labelled form field with its hint and the API's error beside it (announced, linked by aria-describedby). */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="error field-error" role="alert">{error}</p>}
    </div>
  );
}

/** The aria attributes of a field's control. */
export function described(id: string, error?: string, hint?: string) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, name: id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}
