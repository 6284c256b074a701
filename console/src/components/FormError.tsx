/** An API error about no one field of a form, shown at its foot. */
export function FormError({ message }: { message?: string }) {
  return message ? <p class="error" role="alert">{message}</p> : null;
}
